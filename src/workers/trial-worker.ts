/**
 * Entry point of one local worker process (started by LocalProcessExecutor with `fork`): runs
 * the jobs it is sent over IPC one at a time on its own engine, and keeps loaded data sets
 * between them. Messages are `ToWorker` / `FromWorker`. Like the CLI, it is a process entry
 * point: it builds the run context from deepline's built-ins and the plugin paths it is given as
 * its one argument (a JSON array), so trials see the registries the run sees.
 */
import { createDefaultContext } from '../context/deepline-context.ts';
import { DatasetCache } from '../search/executors/dataset-cache.ts';
import { runTrial } from '../search/executors/run-trial.ts';
import type { FromWorker, ToWorker } from '../search/executors/worker-messages.ts';

if (!process.send) throw new Error('trial-worker.ts must be started with child_process.fork');

/**
 * The parent is gone (killed, or it closed the channel): no one is left to report to, so the
 * worker ends, quietly — a stack trace about a broken pipe would only confuse whoever reads the
 * terminal the dead parent shared with it.
 */
const leave = (): void => process.exit(0);

const send = (message: FromWorker): void => {
  if (!process.connected) return leave();
  // With a callback a failed send (EPIPE once the parent is killed) comes here, not as an 'error' event.
  process.send?.(message, undefined, undefined, (error) => {
    if (error) leave();
  });
};
const datasets = new DatasetCache();
const plugins = JSON.parse(process.argv[2] ?? '[]') as string[];
// Loaded once, before the first trial: the families (TF.js with them) and the plugins' entries.
const families = createDefaultContext({ plugins }).then((context) => context.registries.families.ready());
// A worker that could not load them says so at its first trial (runTrial's failed result).
void families.then(() => send({ type: 'ready' }), () => send({ type: 'ready' }));
const running = new Map<number, AbortController>();

process.on('message', (message: ToWorker) => {
  if (message.type === 'stop') {
    running.get(message.trialId)?.abort();
    return;
  }
  const { job } = message;
  const controller = new AbortController();
  running.set(job.trialId, controller);
  send({ type: 'start', trialId: job.trialId, pid: process.pid });
  void families.then((loaded) => runTrial(job, {
    datasets,
    families: loaded,
    signal: controller.signal,
    onProgress: (progress) => send({ type: 'progress', ...progress }),
    onNotice: (message) => send({ type: 'notice', message }),
  })).then((result) => {
    running.delete(job.trialId);
    send({ type: 'result', result: { ...result, pid: process.pid } });
  });
});

// The engine's threads would keep an orphaned worker alive after its parent is gone.
process.on('disconnect', leave);
// Our stdout and stderr are the parent's stderr: when that pipe closes, a write fails with EPIPE.
process.stdout.on('error', leave);
process.stderr.on('error', leave);
