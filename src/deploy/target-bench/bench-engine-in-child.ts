import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServingEngine } from './serving-config.ts';
import type { EngineBench } from './target-bench-result.ts';

/** What a measuring process is asked (its one argument, as JSON). */
export interface EngineBenchRequest {
  readonly dir: string;
  readonly engine: ServingEngine;
  readonly threads: number;
  readonly batchSizes: readonly number[];
  readonly cellMs: number;
  /** Seeds the synthetic inputs, so every engine sees the same ones. */
  readonly seed: number;
}

// The worker is an entry point of its own (src/workers/): the .js file in the compiled CLI, the
// .ts one (run through tsx) when deepline runs from its sources, as in development and tests.
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const WORKER_ENTRY = fileURLToPath(new URL(FROM_SOURCES ? '../../workers/target-bench-worker.ts' : '../../workers/target-bench-worker.js', import.meta.url));

/**
 * Measures one engine in a process of its own: TF.js holds one backend per process, and a
 * fresh process has nothing else loaded, warmed or competing for the cores. Never rejects: an
 * engine that cannot run the model here (not built, a kernel missing, a crash, a hang past
 * `timeoutMs`) comes back with its `error` and no cells.
 */
export function benchEngineInChild(request: EngineBenchRequest, timeoutMs: number): Promise<EngineBench> {
  return new Promise((resolve) => {
    const child = fork(WORKER_ENTRY, [JSON.stringify(request)], {
      // Resolved from here, not from the user's working directory, so deepline finds its own tsx.
      execArgv: FROM_SOURCES ? ['--import', import.meta.resolve('tsx')] : [],
      // The worker's output goes to our stderr: the command's stdout (a table, JSON) stays its own.
      stdio: ['ignore', 2, 2, 'ipc'],
      serialization: 'advanced',
    });
    let settled = false;
    const settle = (bench: EngineBench): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(bench);
    };
    const failed = (error: string): EngineBench => ({ engine: request.engine, cells: [], error });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(failed(`the measurement took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`));
    }, timeoutMs);
    child.on('message', (bench: EngineBench) => settle(bench));
    child.on('error', (e) => settle(failed(`the measuring process failed: ${e.message}`)));
    child.on('exit', (code, signal) => settle(failed(`the measuring process ${signal ? `was killed by ${signal}` : `exited with code ${code}`} before it reported`)));
  });
}
