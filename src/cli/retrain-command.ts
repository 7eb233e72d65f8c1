import type { Command } from 'commander';
import { DeeplineError } from '../errors/index.ts';
import { printJson } from './output.ts';
import { storeOptions } from './store-options.ts';

interface RetrainCommandOptions {
  holdout: string;
  margin: string;
  promote: boolean;
  by?: string;
  json?: boolean;
}

export function registerRetrainCommand(program: Command): void {
  program
    .command('retrain')
    .description("retrain a registered model on its data plus the labels imported since, and promote the challenger if it beats the champion on fresh labelled rows")
    .argument('<model>', 'a model in the registry (its production version is the champion)')
    .option('--holdout <share>', 'share of the labelled rows kept to judge champion and challenger', '0.3')
    .option('--margin <m>', 'how much better the challenger must be: accuracy points, or relative RMSE', '0.01')
    .option('--no-promote', 'register the challenger, but leave production as it is')
    .option('--by <actor>', 'who or what retrains (recorded; default: the OS user)')
    .option('--json', 'print the decision as JSON')
    .action(async (model: string, opts: RetrainCommandOptions) => {
      const holdout = Number(opts.holdout);
      const margin = Number(opts.margin);
      if (!(holdout > 0 && holdout < 1)) throw new DeeplineError('DL_USAGE', `--holdout must be between 0 and 1, but got ${opts.holdout}`);
      if (!(margin >= 0)) throw new DeeplineError('DL_USAGE', `--margin must be >= 0, but got ${opts.margin}`);
      const [{ openWorkspace }, { createRegistries }, { createReporter }, { retrainModel }] = await Promise.all([
        import('../store/workspace.ts'),
        import('../context/registries.ts'),
        import('../pipeline/reporters/create-reporter.ts'),
        import('../context/retrain-model.ts'),
      ]);
      const workspace = await openWorkspace(program.opts().home as string, storeOptions(program));
      const reporter = createReporter(process.stderr);
      try {
        const decision = await retrainModel(workspace, {
          model,
          holdout,
          margin,
          noPromote: !opts.promote,
          registries: createRegistries(),
          onEvent: (e) => reporter.onEvent(e),
          ...(opts.by && { actor: opts.by }),
        });
        reporter.close();
        if (opts.json) return printJson(decision);
        process.stdout.write(
          [
            `${model}: challenger v${decision.challenger.version} trained on ${decision.trainRows} new labelled rows (data version ${decision.dataVersion.slice(0, 12)})`,
            `${decision.reason}`,
            decision.promoted ? `v${decision.challenger.version} is now in production` : `production stays v${decision.champion.version}`,
            '',
          ].join('\n'),
        );
      } finally {
        reporter.close();
        await workspace.close();
      }
    });
}
