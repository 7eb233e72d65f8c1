import * as tf from '@tensorflow/tfjs';
import { DeeplineError } from '../errors/index.ts';
import { registerGradients } from './gradients/fused-batch-norm-grad.ts';
import { NATIVE_BACKEND } from './native/native-backend.ts';
import { setNativeThreads, type ThreadSetting } from './native/native-threads.ts';
import { registerNativeBackend } from './native/register-native-backend.ts';
import { AUTO_ORDER, type EngineName, type ResolvedEngine } from './probe-engine.ts';

export type { EngineName, ResolvedEngine } from './probe-engine.ts';

export interface Engine {
  readonly name: ResolvedEngine;
  readonly tf: typeof tf;
}

export interface EngineOptions {
  /**
   * Receives the one plain message printed when `auto` settles for a slower engine than
   * tfjs-node. Defaults to a line on stderr.
   */
  notify?: (message: string) => void;
  /**
   * Threads for the native engine's kernels: `auto` (the default) lets each training choose
   * between 1 and `maxThreads` by timing its first batches; a number fixes the count. Ignored by
   * the other engines.
   */
  threads?: ThreadSetting;
  /** With `auto`: the most threads a training may use; default all cores (a worker's share in a search). */
  maxThreads?: number;
}

let current: Engine | undefined;
// The fallback message is said once per process, not once per initEngine call.
let fallbackNoticeGiven = false;

/**
 * Selects and starts the deep-learning backend. The only place in deepline that sets one.
 * `auto` prefers native (when the oneDNN addon is built), then tfjs-node (when its optional
 * package loads), then wasm, then cpu.
 * Calling it again with the same name is a no-op; with another name it switches backend.
 */
export async function initEngine(name: EngineName = 'auto', options: EngineOptions = {}): Promise<Engine> {
  if (options.threads !== undefined || options.maxThreads !== undefined) setNativeThreads(options.threads ?? 'auto', options.maxThreads);
  registerGradients();
  if (current && (name === 'auto' || name === current.name)) return current;
  const order: readonly ResolvedEngine[] = name === 'auto' ? AUTO_ORDER : [name];
  const failures: string[] = [];
  for (const candidate of order) {
    try {
      if (await startBackend(candidate)) {
        current = { name: candidate, tf };
        if (name === 'auto' && (candidate === 'wasm' || candidate === 'cpu')) giveFallbackNotice(candidate, failures, options);
        return current;
      }
      failures.push(candidate === 'tfjs-node' ? '@tensorflow/tfjs-node is not installed' : `${candidate}: not available`);
    } catch (e) {
      failures.push(candidate === 'native' ? (e as Error).message : `${candidate}: ${(e as Error).message}`);
    }
  }
  throw new DeeplineError('DL_ENGINE', `could not start the ${name} engine (${failures.join('; ')})`, {
    hint:
      name === 'native'
        ? 'install oneDNN (Debian/Ubuntu: apt-get install libdnnl-dev) and run npm run build:native, or use engine: auto'
        : 'use engine: auto (or cpu) in the task file, or check that @tensorflow/tfjs-backend-wasm is installed',
  });
}

function giveFallbackNotice(engine: ResolvedEngine, failures: string[], options: EngineOptions): void {
  if (fallbackNoticeGiven) return;
  fallbackNoticeGiven = true;
  const speed = engine === 'wasm' ? 'single-threaded WebAssembly' : 'plain JavaScript, about 100x slower than wasm';
  const message =
    `deepline: ${failures.join('; ')}, so models train on the ${engine} engine (${speed}). ` +
    `For native speed, install oneDNN (Debian/Ubuntu: apt-get install libdnnl-dev) and run npm run build:native, ` +
    `or set engine: ${engine} in the task file to silence this.`;
  (options.notify ?? ((m: string) => process.stderr.write(`${m}\n`)))(message);
}

async function startBackend(name: ResolvedEngine): Promise<boolean> {
  switch (name) {
    case 'native': {
      const registered = registerNativeBackend();
      if (!registered.ok) throw new Error(registered.reason);
      return tf.setBackend(NATIVE_BACKEND);
    }
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
      // Single-threaded on purpose: tfjs-backend-wasm 4.22 starts its pthread workers from Blob
      // URLs, which Node's worker_threads refuses (ERR_WORKER_PATH), so forcing
      // WASM_HAS_MULTITHREAD_SUPPORT makes the backend fail to start. Its SIMD build, which Node
      // 20 gets by default, measured 1.6x faster than the plain one on CNN training.
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
