import type { TaskType } from './task-types.ts';
import type { Metric, TaskSpec, TrainSettings } from './task-spec.ts';

export interface TaskTypeDefaults {
  /** Whether the task predicts a class or a value; decides which metrics and fields apply. */
  readonly predicts: 'class' | 'value';
  readonly train: TrainSettings;
  /** The metric used when the task file names none. */
  readonly metric: Metric;
  /** The metrics that make sense for this task type; any other is an error. */
  readonly metrics: readonly Metric[];
}

const CLASSIFICATION_METRICS: readonly Metric[] = ['accuracy', 'macro-f1'];
const REGRESSION_METRICS: readonly Metric[] = ['rmse', 'mae', 'r2'];

/**
 * Per task type: training settings and metrics. Images need fewer, larger batches than small
 * tabular sets, which in turn need many epochs and more patience to converge on few rows.
 */
export const TASK_DEFAULTS: Readonly<Record<TaskType, TaskTypeDefaults>> = {
  'image-classification': {
    predicts: 'class',
    train: { epochs: 40, batchSize: 64, learningRate: 1e-3, patience: 6, schedule: 'cosine' },
    metric: 'accuracy',
    metrics: CLASSIFICATION_METRICS,
  },
  'tabular-classification': {
    predicts: 'class',
    train: { epochs: 200, batchSize: 32, learningRate: 1e-3, patience: 15, schedule: 'cosine' },
    metric: 'accuracy',
    metrics: CLASSIFICATION_METRICS,
  },
  'tabular-regression': {
    predicts: 'value',
    train: { epochs: 200, batchSize: 32, learningRate: 1e-3, patience: 15, schedule: 'cosine' },
    metric: 'rmse',
    metrics: REGRESSION_METRICS,
  },
  'text-classification': {
    predicts: 'class',
    train: { epochs: 20, batchSize: 32, learningRate: 1e-3, patience: 4, schedule: 'cosine' },
    metric: 'accuracy',
    metrics: CLASSIFICATION_METRICS,
  },
  'time-series-forecasting': {
    predicts: 'value',
    train: { epochs: 100, batchSize: 32, learningRate: 1e-3, patience: 10, schedule: 'cosine' },
    metric: 'rmse',
    metrics: REGRESSION_METRICS,
  },
};

/** Defaults that do not depend on the task type. `output` is relative to the task file's folder. */
export const COMMON_DEFAULTS = {
  split: { train: 0.7, validation: 0.15, test: 0.15 },
  seed: 42,
  engine: 'auto',
  // Every run writes model.onnx beside the TF.js model, checked against it on test examples.
  export: ['onnx'],
  outputDir: 'out',
  prepare: { dropDuplicates: true, impute: true, outliers: 'flag', labelNoise: 'flag', balance: 'auto' },
  augment: { flip: 'none', shift: 0, rotate: 0, crop: 0, noise: 0, tokenDropout: 0 },
  // A month of daily values covers weekly cycles four times over yet keeps examples plentiful in short series.
  series: { window: 30, horizon: 1 },
  search: { enabled: true, sampler: 'tpe', scheduler: 'asha', family: 'auto', prefer: 'accuracy', space: {}, crossValidation: 'auto', trialExamples: 'auto', ensemble: { enabled: 'auto', size: 5, selection: 'auto', seeds: 3 }, prior: { enabled: true, neighbours: 3, portfolio: 3 } },
  // Budgets from imperceptible to blatant; 200 examples give each accuracy within about ±3 points.
  security: { enabled: true, attack: 'auto', epsilons: [0, 0.01, 0.02, 0.05, 0.1, 0.2], examples: 200 },
  // PGD's steps per training batch when `train.adversarial.steps` is left out: each costs a
  // forward and backward pass, and a few already give most of the robustness (FGSM takes one).
  adversarialSteps: { pgd: 5, fgsm: 1 },
  // With `compress`: half the channels is where structured pruning starts to pay on every engine;
  // one point of accuracy is what a smaller or faster model may cost; 64 is a typical serving batch.
  compress: { method: 'channel', amount: 0.5, quantize: 'none', tolerance: 0.01, prefer: 'smallest', fineTuneEpochs: 8, batch: 64 },
  // The search's trial budget when the task file gives neither budget.trials nor budget.minutes.
  trials: 10,
} as const satisfies {
  split: TaskSpec['split'];
  seed: number;
  engine: TaskSpec['engine'];
  export: TaskSpec['export'];
  outputDir: string;
  prepare: TaskSpec['prepare'];
  augment: TaskSpec['augment'];
  series: NonNullable<TaskSpec['series']>;
  search: TaskSpec['search'];
  security: TaskSpec['security'];
  adversarialSteps: Readonly<Record<NonNullable<TaskSpec['train']['adversarial']>['attack'], number>>;
  compress: { method: string; amount: number } & Omit<NonNullable<TaskSpec['compress']>, 'mode' | 'prune'>;
  trials: number;
};
