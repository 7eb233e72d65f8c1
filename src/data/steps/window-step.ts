import { defineStep, type Step } from '../../pipeline/step.ts';
import { loadTable } from '../table.ts';
import { windowSplits } from '../windows/window-splits.ts';
import { putDataset } from './dataset-artifact.ts';

export interface WindowParams {
  /** Past time steps each example sees (the task's `series.window`). */
  readonly window: number;
  /** Steps ahead the single predicted value lies (the task's `series.horizon`). */
  readonly horizon: number;
  /** The task's `data.time`: kept out of the inputs. */
  readonly time?: string;
}

export type WindowInput = 'train' | 'validation' | 'test';
export type WindowOutput = 'train' | 'validation' | 'test' | 'transform' | 'baseline';

/**
 * Step `window`: turns the time-ordered split tables into sliding-window Datasets of shape
 * [window, channels] (see `windowSplits`), standardised with statistics of the training rows.
 * Outputs the three Datasets, `transform` (a `tabular-standardize` normaliser whose target scaler
 * the evaluate step uses) and `baseline` (JSON: the last-value forecast's MAE/RMSE on validation
 * and test in the target's units — the figure a forecaster must beat).
 */
export function windowStep(params: WindowParams, options: { from?: string } = {}): Step<WindowInput, WindowOutput> {
  const from = options.from ?? 'split';
  return defineStep<WindowInput, WindowOutput>({
    name: 'window',
    version: '1',
    params: { window: params.window, horizon: params.horizon, time: params.time ?? null },
    inputs: { train: `${from}.train`, validation: `${from}.validation`, test: `${from}.test` },
    outputs: ['train', 'validation', 'test', 'transform', 'baseline'],
    description: 'cut the series into sliding windows',
    async run(ctx, inputs) {
      const [train, validation, test] = await Promise.all([inputs.train, inputs.validation, inputs.test].map(async (ref) => loadTable(await ctx.artifacts.localPath(ref))));
      const windowed = windowSplits({ train, validation, test }, params);
      const baseline = { kind: 'naive-last-value', horizon: params.horizon, channels: windowed.channels, ...windowed.naive };
      ctx.log.info(
        `windows: ${windowed.train.n} train, ${windowed.validation.n} validation, ${windowed.test.n} test of [${windowed.train.featureShape.join(', ')}]; ` +
          `last-value baseline on test: MAE ${windowed.naive.test.mae.toFixed(4)}, RMSE ${windowed.naive.test.rmse.toFixed(4)}`,
      );
      return {
        train: await putDataset(ctx, 'train', windowed.train),
        validation: await putDataset(ctx, 'validation', windowed.validation),
        test: await putDataset(ctx, 'test', windowed.test),
        transform: await ctx.artifacts.putJson(windowed.transform),
        baseline: await ctx.artifacts.putJson(baseline),
      };
    },
  });
}
