/**
 * A child process of `modelRegistryStoreConformance`: opens the store under test the way the
 * fixture says (a module exporting `openModelRegistryStore(...args)`), prints `ready`, waits for
 * `go` on stdin so that every child starts at once, registers `count` versions of `model`, and
 * prints the numbers it was given as one JSON line.
 *
 * argv: <opener module URL> <model> <count> <worker id> <opener args as JSON>
 */
import { createInterface } from 'node:readline';
import type { ModelRegistryStore } from '../model-registry/model-registry-store.ts';

const [moduleUrl, model, countText, worker, argsJson] = process.argv.slice(2);
const opener = (await import(moduleUrl!)) as { openModelRegistryStore(...args: string[]): Promise<ModelRegistryStore> | ModelRegistryStore };
const store = await opener.openModelRegistryStore(...(JSON.parse(argsJson!) as string[]));
process.stdout.write('ready\n');
await new Promise<void>((resolve) => {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() !== 'go') return;
    lines.close();
    resolve();
  });
});
const versions: number[] = [];
for (let k = 0; k < Number(countText); k++) {
  const registered = await store.registerVersion({
    model: model!,
    runId: `worker-${worker}-${k}`,
    task: 'tabular-classification',
    metrics: { accuracy: 0.5 + k / 100 },
    gates: {},
    artifacts: { hash: `${worker}`.padStart(2, '0').repeat(32), size: k, files: {} },
    source: `/worker/${worker}`,
    actor: `worker ${worker}`,
  });
  versions.push(registered.version);
}
await store.close();
process.stdout.write(`${JSON.stringify({ worker, versions })}\n`);
