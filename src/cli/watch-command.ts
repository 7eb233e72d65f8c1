import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DeeplineError, isDeeplineError } from '../errors/index.ts';
import { resolveRunFolder } from './resolve-run-folder.ts';
import { storeOptions } from './store-options.ts';

interface WatchOptions {
  every: string;
  window: string;
  alpha: string;
  correction: string;
  log?: string;
  webhook?: string;
  holdout: string;
  margin: string;
  once?: boolean;
}

export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description('watch a registered model: check its traffic for drift every interval, and retrain it when new labels have come in')
    .argument('<model>', 'a model in the registry (its production version is watched)')
    .option('--every <seconds>', 'seconds between checks', '300')
    .option('--window <n>', 'the most recent logged predictions each check compares', '500')
    .option('--alpha <p>', 'false-alarm rate after the correction', '0.01')
    .option('--correction <method>', 'holm, bh, bonferroni or none', 'holm')
    .option('--log <dir>', 'the prediction log folder (default: <home>/predictions)')
    .option('--webhook <url>', 'POST every drift result as JSON to this URL')
    .option('--holdout <share>', 'retraining: share of the labelled rows kept to judge champion and challenger', '0.3')
    .option('--margin <m>', 'retraining: how much better the challenger must be', '0.01')
    .option('--once', 'one check (and retraining, if due), then exit: 1 when drift remains, for cron and CI')
    .addHelpText('after', '\nOn drift it retrains when labels were imported since the newest version was registered\n(deepline label import); otherwise it says which inputs to label. Ctrl-C stops it between checks.')
    .action(async (model: string, opts: WatchOptions) => {
      const home = program.opts().home as string;
      const every = Number(opts.every);
      if (!(every > 0)) throw new DeeplineError('DL_USAGE', `--every must be a number of seconds > 0, but got ${opts.every}`);
      const [{ monitorModel, postWebhook }, { createRegistries }, { openWorkspace }, { openModelRegistry }, { retrainModel }, { readLabelBatches }] = await Promise.all([
        import('../monitor/monitor-model.ts'),
        import('../context/registries.ts'),
        import('../store/workspace.ts'),
        import('../model-registry/open-model-registry.ts'),
        import('../context/retrain-model.ts'),
        import('../monitor/retrain/merge-training-data.ts'),
      ]);
      const registries = createRegistries();
      const say = (line: string): void => void process.stdout.write(`[${new Date().toISOString()}] ${line}\n`);

      /** One round; true when drift is left unresolved. */
      const round = async (): Promise<boolean> => {
        const { dir } = await resolveRunFolder(model, home, { store: storeOptions(program) });
        const runName = existsSync(join(dir, 'run.json')) ? (JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { name?: string }).name : undefined;
        let result;
        try {
          result = await monitorModel({
            dir,
            name: model,
            logDir: resolve(opts.log ?? join(home, 'predictions')),
            monitorDir: join(home, 'monitor'),
            window: Number(opts.window),
            alpha: Number(opts.alpha),
            correction: opts.correction as 'holm',
            detectors: registries.driftDetectors,
          });
        } catch (e) {
          if (isDeeplineError(e) && e.code === 'DL_DATA_MISSING') {
            say(`waiting for traffic: ${e.message}`);
            return false;
          }
          throw e;
        }
        if (!result.drift) {
          say(`${model} (${runName ?? dir}): no drift in ${result.window} predictions`);
          return false;
        }
        say(`${model}: DRIFT in ${result.drifted.join(', ')} over ${result.window} predictions; report ${result.report}`);
        if (opts.webhook) await postWebhook(opts.webhook, result);

        // Labels imported after the newest version was registered are what a retraining would add.
        const workspace = await openWorkspace(home, storeOptions(program));
        const registry = openModelRegistry(workspace);
        try {
          const newest = (await registry.listVersions(model)).at(-1);
          const { batches } = await readLabelBatches(join(workspace.home, 'labels', model));
          const fresh = batches.filter((b) => !newest || b.importedAt > newest.registeredAt);
          if (fresh.length === 0) {
            say(`no labels since v${newest?.version}: label the inputs (deepline label export ${model} --by uncertainty --out label.csv, then deepline label import label.csv --model ${model})`);
            return true;
          }
          say(`${fresh.reduce((n, b) => n + b.rows, 0)} labelled rows since v${newest?.version}: retraining`);
          const decision = await retrainModel(workspace, { model, registries, holdout: Number(opts.holdout), margin: Number(opts.margin), actor: 'deepline watch' });
          say(decision.reason);
          return !decision.promoted;
        } finally {
          await registry.close();
          await workspace.close();
        }
      };

      if (opts.once) {
        if (await round()) throw new DeeplineError('DL_DRIFT', `${model} drifted, and no retrained version replaced it`, { hint: 'label the drifted inputs, import them, and run deepline watch again' });
        return;
      }
      say(`watching ${model} every ${every} s (Ctrl-C to stop)`);
      let stopping = false;
      let wake: (() => void) | undefined;
      const stop = (): void => {
        stopping = true;
        wake?.();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      while (!stopping) {
        try {
          await round();
        } catch (e) {
          // One failed round (a store briefly locked, a retraining that failed) is reported; the watch goes on.
          say(`check failed: ${(e as Error).message}`);
        }
        if (stopping) break;
        await new Promise<void>((done) => {
          wake = done;
          setTimeout(done, every * 1000);
        });
      }
      say('stopped');
    });
}
