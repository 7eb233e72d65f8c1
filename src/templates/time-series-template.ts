import { balanceStep } from '../data/steps/balance-step.ts';
import { dataReportStep } from '../data/steps/data-report-step.ts';
import { ingestTableStep } from '../data/steps/ingest-table-step.ts';
import { profileStep } from '../data/steps/profile-step.ts';
import { schemaStep } from '../data/steps/schema-step.ts';
import { tableSplitStep } from '../data/steps/table-split-step.ts';
import { windowStep } from '../data/steps/window-step.ts';
import { sourceFingerprint } from '../data/source-fingerprint.ts';
import { evaluateStep } from '../evaluate/steps/evaluate-step.ts';
import { reportStep } from '../evaluate/steps/report-step.ts';
import { timeSeriesFamily } from '../models/families/time-series-family.ts';
import { buildModelStep } from '../models/steps/build-model-step.ts';
import { definePipeline } from '../pipeline/pipeline.ts';
import { COMMON_DEFAULTS } from '../task/task-defaults.ts';
import type { TaskSpec } from '../task/task-spec.ts';
import { trainStep } from '../train/steps/train-step.ts';
import type { Template } from './template.ts';

/**
 * A column of numbers ordered by `data.time` → its value `series.horizon` steps ahead:
 *   ingest → profile, schema → split in time order → window (fitted on train) → balance (none) →
 *   build-model (series-cnn) → train → evaluate → report, data-report
 * No clean step: dropping "duplicate" rows or outliers would punch holes in the series.
 */
export const timeSeriesTemplate: Template = {
  task: 'time-series-forecasting',
  description: 'sliding windows over the time-ordered series, a 1-D CNN, mean squared error; the last-value forecast as baseline',
  async buildPipeline(spec) {
    const target = spec.data.target!;
    const series = spec.series ?? COMMON_DEFAULTS.series;
    const budgetMs = spec.budget.minutes === undefined ? undefined : spec.budget.minutes * 60_000;
    return definePipeline([
      ingestTableStep({
        source: { path: spec.data.path, format: spec.data.format as 'csv' | 'tsv' | 'jsonl', target },
        fingerprint: await sourceFingerprint(spec.data.path),
        taskKind: 'regression',
      }),
      profileStep({ targetKind: 'numeric' }, { input: 'ingest.table' }),
      schemaStep({}, { input: 'ingest.table' }),
      tableSplitStep({ fractions: spec.split, stratify: false, ...(spec.data.time && { time: spec.data.time }) }, { from: 'ingest' }),
      windowStep({ window: series.window, horizon: series.horizon, ...(spec.data.time && { time: spec.data.time }) }),
      balanceStep({ mode: 'none' }, { from: 'window' }),
      buildModelStep({ family: timeSeriesFamily.name }, { inputs: { train: 'window.train' } }),
      trainStep(
        {
          epochs: spec.train.epochs,
          batchSize: spec.train.batchSize,
          learningRate: spec.train.learningRate,
          patience: spec.train.patience,
          // Training gets most of the budget; data preparation, evaluation and reports the rest.
          ...(budgetMs !== undefined && { timeBudgetMs: Math.round(budgetMs * 0.85) }),
        },
        { inputs: { train: 'balance.train', validation: 'window.validation' } },
      ),
      evaluateStep({}, { inputs: { test: 'window.test', transform: 'window.transform' } }),
      reportStep(
        { taskName: spec.name, taskType: spec.task },
        { inputs: { train: 'window.train', validation: 'window.validation', test: 'window.test', transform: 'window.transform' } },
      ),
      dataReportStep({ title: spec.name }, { inputs: { profile: 'profile.profile', summary: 'ingest.summary' } }),
    ]);
  },
  publish: (_spec: TaskSpec) => ({
    'train.model': 'model',
    'window.transform': 'transform.json',
    'window.baseline': 'baseline.json',
    'schema.schema': 'data-schema.json',
    'evaluate.metrics': 'metrics.json',
    'report.report': '.',
    'data-report.report': '.',
  }),
};
