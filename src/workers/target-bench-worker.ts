/**
 * Entry point of one measuring process of `deepline bench-target` (started by benchEngineInChild
 * with `fork`): loads the model of an output folder on one engine exactly as `deepline serve`
 * does, times its predict calls per batch size on synthetic inputs, sends the EngineBench over
 * IPC and exits. Its one argument is the EngineBenchRequest, as JSON.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EngineBenchRequest } from '../deploy/target-bench/bench-engine-in-child.ts';
import { syntheticInputs } from '../deploy/target-bench/synthetic-inputs.ts';
import type { EngineBench } from '../deploy/target-bench/target-bench-result.ts';
import { timeBatches } from '../deploy/target-bench/time-batches.ts';
import { isDeeplineError } from '../errors/index.ts';
import { loadServedModel } from '../serve/served-model.ts';

if (!process.send) throw new Error('target-bench-worker.ts must be started with child_process.fork');

// Distinct inputs to cycle through: enough that the largest batch holds no repeats.
const ROWS = 512;

async function measure(request: EngineBenchRequest): Promise<EngineBench> {
  try {
    const model = await loadServedModel(request.dir, { engine: request.engine, threads: request.threads });
    try {
      const transform = JSON.parse(await readFile(join(request.dir, 'transform.json'), 'utf8')) as unknown;
      const rows = syntheticInputs(transform, Math.max(ROWS, ...request.batchSizes), request.seed);
      const cells = await timeBatches((batch) => model.predict(batch), rows, { batchSizes: request.batchSizes, cellMs: request.cellMs });
      return { engine: request.engine, runtime: model.runtime, cells };
    } finally {
      await model.close();
    }
  } catch (e) {
    const message = isDeeplineError(e) ? `${e.message}${e.hint ? ` (${e.hint})` : ''}` : (e as Error).message;
    return { engine: request.engine, cells: [], error: message };
  }
}

void measure(JSON.parse(process.argv[2] ?? '{}') as EngineBenchRequest).then((bench) => {
  // The engines' thread pools would keep the process alive: it ends once the parent has the result.
  process.send!(bench, undefined, undefined, () => process.exit(0));
});
