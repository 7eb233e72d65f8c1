import { defineStep, type Step } from '../../pipeline/step.ts';
import { balanceTraining, type BalanceMode } from '../balance/balance-training.ts';
import { getDataset, putDataset } from './dataset-artifact.ts';

/**
 * Step `balance`: decides how training makes up for imbalanced classes (`prepare.balance`).
 * Outputs `balance` (BalanceReport JSON; its `classWeights` go to the train step) and `train`:
 * the input as is, or with minority classes oversampled. It runs after label-noise detection,
 * so copies of one example never vouch for each other across cross-validation folds.
 */
export function balanceStep(params: { mode?: BalanceMode } = {}, options: { from?: string } = {}): Step<'train', 'train' | 'balance'> {
  const mode = params.mode ?? 'auto';
  return defineStep<'train', 'train' | 'balance'>({
    name: 'balance',
    version: '1',
    params: { mode },
    inputs: { train: `${options.from ?? 'label-noise'}.train` },
    outputs: ['train', 'balance'],
    description: 'balance the training classes',
    async run(ctx, inputs) {
      const train = await getDataset(ctx, inputs.train);
      const { train: balanced, report } = balanceTraining(train, mode, ctx.seed);
      ctx.log.info({ applied: report.applied, reason: report.reason }, 'balance');
      return {
        train: report.applied === 'oversample' ? await putDataset(ctx, 'train', balanced) : inputs.train,
        balance: await ctx.artifacts.putJson(report),
      };
    },
  });
}
