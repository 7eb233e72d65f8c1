import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DeeplineError } from '../errors/index.ts';
import { printJson, printTable } from './output.ts';
import { resolveRunFolder } from './resolve-run-folder.ts';
import { storeOptions } from './store-options.ts';

interface MonitorCommandOptions {
  log?: string;
  name?: string;
  window: string;
  since?: string;
  version?: string;
  alpha: string;
  correction: string;
  report?: string;
  webhook?: string;
  json?: boolean;
}

export function registerMonitorCommand(program: Command): void {
  program
    .command('monitor')
    .description('compare a window of logged predictions with the training reference; exit 1 on drift')
    .argument('<model>', 'the model as deepline serve was given it: an output folder, a run id, or a registry name')
    .option('--name <name>', 'the name the model was served and logged under (default: its task name)')
    .option('--log <dir>', 'the prediction log folder (default: <home>/predictions)')
    .option('--window <n>', 'the most recent logged predictions to check', '500')
    .option('--since <time>', 'only predictions logged at or after this time (ISO 8601)')
    .option('--version <v>', 'only predictions answered by this model version')
    .option('--alpha <p>', 'false-alarm rate after the correction', '0.01')
    .option('--correction <method>', 'multiple-testing correction: holm, bh, bonferroni or none', 'holm')
    .option('--report <file>', 'where to write the HTML drift report (default: <home>/monitor/<name>/<time>.html)')
    .option('--webhook <url>', 'POST the result as JSON to this URL')
    .option('--json', 'print the result as JSON')
    .action(async (spec: string, opts: MonitorCommandOptions) => {
      const home = program.opts().home as string;
      const windowSize = Number(opts.window);
      const alpha = Number(opts.alpha);
      if (!Number.isInteger(windowSize) || windowSize < 2) throw new DeeplineError('DL_USAGE', `--window must be a whole number >= 2, but got ${opts.window}`);
      if (!(alpha > 0 && alpha < 1)) throw new DeeplineError('DL_USAGE', `--alpha must be between 0 and 1, but got ${opts.alpha}`);
      const [{ CORRECTIONS }, { monitorModel, postWebhook }, { createRegistries }] = await Promise.all([
        import('../monitor/drift/detect-drift.ts'),
        import('../monitor/monitor-model.ts'),
        import('../context/registries.ts'),
      ]);
      const correction = opts.correction as (typeof CORRECTIONS)[number];
      if (!CORRECTIONS.includes(correction)) throw new DeeplineError('DL_USAGE', `--correction must be one of ${CORRECTIONS.join(', ')}, but got ${opts.correction}`);

      const { name: given, dir } = await resolveRunFolder(spec, home, { store: storeOptions(program) });
      const runName = existsSync(join(dir, 'run.json')) ? (JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { name?: string }).name : undefined;
      const name = opts.name ?? given ?? runName ?? 'model';
      const summary = await monitorModel({
        dir,
        name,
        logDir: resolve(opts.log ?? join(home, 'predictions')),
        monitorDir: join(home, 'monitor'),
        window: windowSize,
        alpha,
        correction,
        detectors: createRegistries().driftDetectors,
        ...(opts.since && { since: opts.since }),
        ...(opts.version && { version: opts.version }),
        ...(opts.report && { report: opts.report }),
      });
      if (opts.webhook) await postWebhook(opts.webhook, summary);

      if (opts.json) printJson(summary);
      else {
        printTable(
          ['feature', 'test', 'statistic', 'p (corrected)', ''],
          summary.features.map((f) => [f.feature, f.detector, f.statistic.toPrecision(3), f.adjustedPValue !== undefined ? f.adjustedPValue.toPrecision(3) : `> ${f.threshold}?`, f.drift ? 'DRIFT' : 'ok']),
        );
        process.stdout.write(`${summary.window} predictions of ${name} from ${summary.from} to ${summary.to}; report: ${summary.report}\n`);
        if (summary.untested.length > 0) process.stdout.write(`not tested (no values logged): ${summary.untested.join(', ')}\n`);
      }
      if (summary.drift) {
        throw new DeeplineError('DL_DRIFT', `${name} drifted in ${summary.drifted.join(', ')} (alpha ${alpha}, ${correction} correction, ${summary.window} predictions)`, { hint: `see ${summary.report}` });
      }
    });
}
