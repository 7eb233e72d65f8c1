import { LocalProcessExecutor } from '../../../src/search/executors/local-process-executor.ts';
import { executorConformance } from '../../../src/testing/executor-conformance.ts';

executorConformance('LocalProcessExecutor', async ({ size }) => ({
  executor: new LocalProcessExecutor({ workers: size }),
  crash: (start) => process.kill(start.pid, 'SIGKILL'),
  dispose: async () => undefined,
}));
