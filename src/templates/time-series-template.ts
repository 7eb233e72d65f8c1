import { balanceStep } from '../data/steps/balance-step.ts';
import { ingestTableStep } from '../data/steps/ingest-table-step.ts';
import { profileStep } from '../data/steps/profile-step.ts';
import { schemaStep } from '../data/steps/schema-step.ts';
import { tableSplitStep } from '../data/steps/table-split-step.ts';
import { windowStep } from '../data/steps/window-step.ts';
import { sourceFingerprint } from '../data/source-fingerprint.ts';
import { definePipeline } from '../pipeline/pipeline.ts';
import { COMMON_DEFAULTS } from '../task/task-defaults.ts';
import { evaluationPublication, evaluationTail } from './evaluation-tail.ts';
import { modelStages } from './model-stages.ts';
import type { TaskSpec } from '../task/task-spec.ts';
import type { Template } from './template.ts';

/** The series family's name (models/families/time-series-family.ts), without loading its TF.js code. */
const SERIES_FAMILY = 'series-cnn';

/**
 * A column of numbers ordered by `data.time` → its value `series.horizon` steps ahead:
 *   ingest → profile, schema → split in time order → window (fitted on train) → balance (none) →
 *   search (series-cnn) → train (final) → evaluate → report, data-report
 * No clean step: dropping "duplicate" rows or outliers would punch holes in the series.
 */
export const timeSeriesTemplate: Template = {
  task: 'time-series-forecasting',
  description: 'sliding windows over the time-ordered series, a 1-D CNN, mean squared error; the last-value forecast as baseline',
  async buildPipeline(spec) {
    const target = spec.data.target!;
    const series = spec.series ?? COMMON_DEFAULTS.series;
    const model = modelStages(spec, { family: SERIES_FAMILY, train: 'balance.train', validation: 'window.validation', balance: 'balance.balance' });
    return definePipeline([
      ingestTableStep({
        source: { path: spec.data.path, format: spec.data.format as 'csv' | 'tsv' | 'jsonl', target, ...(spec.data.header !== undefined && { header: spec.data.header }) },
        fingerprint: await sourceFingerprint(spec.data.path),
        taskKind: 'regression',
      }),
      profileStep({ targetKind: 'numeric' }, { input: 'ingest.table' }),
      schemaStep({}, { input: 'ingest.table' }),
      tableSplitStep({ fractions: spec.split, stratify: false, ...(spec.data.time && { time: spec.data.time }) }, { from: 'ingest' }),
      windowStep({ window: series.window, horizon: series.horizon, ...(spec.data.time && { time: spec.data.time }) }),
      balanceStep({ mode: 'none' }, { from: 'window' }),
      ...model.steps,
      ...evaluationTail(spec, { prepared: 'window', model }),
    ]);
  },
  publish: (spec: TaskSpec) => ({
    ...evaluationPublication(spec, 'window'),
    'window.baseline': 'baseline.json',
    'schema.schema': 'data-schema.json',
  }),
};
