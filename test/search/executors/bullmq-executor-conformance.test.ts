import { BullmqExecutor } from '../../../src/search/executors/bullmq-executor.ts';
import { executorConformance } from '../../../src/testing/executor-conformance.ts';
import { cleanUp, REDIS_URL, redisMissing, startWorker, uniquePrefix, waitForWorkers, type WorkerProcess } from './fixtures/queue-workers.ts';

const missing = await redisMissing();
if (missing) {
  const { test } = await import('node:test');
  test('BullmqExecutor conformance', { skip: missing }, () => undefined);
} else {
  // Real `deepline worker` processes, one per trial slot; a crash kills one and starts another in
  // its place, as a Deployment would. A short lock and no re-queue (max-stalled 0) make a killed
  // worker's trial fail within seconds, which is what the contract asks of a crash.
  executorConformance('BullmqExecutor', async ({ size }) => {
    const prefix = uniquePrefix('conformance');
    const workers: WorkerProcess[] = [];
    const args = ['--lock-ms', '1500', '--max-stalled', '0', '--threads', '1'];
    for (let i = 0; i < size; i++) workers.push(startWorker(prefix, args));
    await waitForWorkers(prefix, size);
    const executor = new BullmqExecutor({ redis: REDIS_URL, prefix, workers: size, reconcileMs: 500, closeGraceMs: 10_000 });
    return {
      executor,
      crash(start) {
        const victim = workers.find((w) => w.child.pid === start.pid);
        if (!victim) throw new Error(`no worker process ${start.pid}`);
        victim.child.kill('SIGKILL');
        workers.push(startWorker(prefix, args));
      },
      dispose: () => cleanUp(prefix, workers),
    };
  });
}
