import * as tf from '@tensorflow/tfjs';
import { DeeplineError } from '../errors/index.ts';

export type EngineName = 'auto' | 'tfjs-node' | 'wasm' | 'cpu';
export type ResolvedEngine = Exclude<EngineName, 'auto'>;

export interface Engine {
  readonly name: ResolvedEngine;
  readonly tf: typeof tf;
}

let current: Engine | undefined;

/**
 * Selects and starts the deep-learning backend. The only place in deepline that sets one.
 * `auto` prefers tfjs-node (when its optional package loads), then wasm, then cpu.
 * Calling it again with the same name is a no-op; with another name it switches backend.
 */
export async function initEngine(name: EngineName = 'auto'): Promise<Engine> {
  if (current && (name === 'auto' || name === current.name)) return current;
  const order: ResolvedEngine[] = name === 'auto' ? ['tfjs-node', 'wasm', 'cpu'] : [name];
  const failures: string[] = [];
  for (const candidate of order) {
    try {
      if (await startBackend(candidate)) {
        current = { name: candidate, tf };
        return current;
      }
      failures.push(`${candidate}: not available`);
    } catch (e) {
      failures.push(`${candidate}: ${(e as Error).message}`);
    }
  }
  throw new DeeplineError('DL_ENGINE', `could not start the ${name} engine (${failures.join('; ')})`, {
    hint: "use engine: auto (or cpu) in the task file, or check that @tensorflow/tfjs-backend-wasm is installed",
  });
}

async function startBackend(name: ResolvedEngine): Promise<boolean> {
  switch (name) {
    case 'tfjs-node': {
      // Optional dependency: absent on machines where its binary download is blocked.
      const mod = 'tfjs-node';
      try {
        await import(`@tensorflow/${mod}`);
      } catch {
        return false;
      }
      return tf.setBackend('tensorflow');
    }
    case 'wasm': {
      await import('@tensorflow/tfjs-backend-wasm');
      const { registerWasmKernels } = await import('./kernels/register-wasm-kernels.ts');
      registerWasmKernels();
      return tf.setBackend('wasm');
    }
    case 'cpu':
      return tf.setBackend('cpu');
  }
}

/** The engine started by `initEngine`, or undefined before. */
export function currentEngine(): Engine | undefined {
  return current;
}
