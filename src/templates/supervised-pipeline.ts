import { ingestStep } from '../data/steps/ingest-step.ts';
import { normalizeStep } from '../data/steps/normalize-step.ts';
import { splitStep } from '../data/steps/split-step.ts';
import { sourceFingerprint } from '../data/source-fingerprint.ts';
import { evaluateStep } from '../evaluate/steps/evaluate-step.ts';
import { reportStep } from '../evaluate/steps/report-step.ts';
import { buildModelStep } from '../models/steps/build-model-step.ts';
import { definePipeline, type Pipeline } from '../pipeline/pipeline.ts';
import type { TaskSpec } from '../task/task-spec.ts';
import { trainStep } from '../train/steps/train-step.ts';
import type { Publication } from './template.ts';

export interface SupervisedOptions {
  /** Model family for the modality ('mlp', 'cnn'), or 'auto'. */
  readonly family: string;
  readonly taskKind: 'classification' | 'regression';
}

/**
 * The pipeline every supervised task shares: ingest → split → normalise (fitted on train) →
 * choose the model → train with early stopping → evaluate on test → report. Templates differ in
 * the model family and the task kind; later stages (profiling, search, compression) slot in here.
 */
export async function supervisedPipeline(spec: TaskSpec, options: SupervisedOptions): Promise<Pipeline> {
  const budgetMs = spec.budget.minutes === undefined ? undefined : spec.budget.minutes * 60_000;
  return definePipeline([
    ingestStep({
      source: {
        path: spec.data.path,
        format: spec.data.format,
        target: spec.data.target,
        image: spec.data.image,
        classes: spec.data.classes,
        taskKind: options.taskKind,
      },
      fingerprint: await sourceFingerprint(spec.data.path),
    }),
    splitStep({ fractions: spec.split, stratify: options.taskKind === 'classification' }),
    normalizeStep({ scaleTarget: options.taskKind === 'regression' }),
    buildModelStep({ family: options.family }),
    trainStep({
      epochs: spec.train.epochs,
      batchSize: spec.train.batchSize,
      learningRate: spec.train.learningRate,
      patience: spec.train.patience,
      // Training gets most of the budget; data preparation, evaluation and reports the rest.
      ...(budgetMs !== undefined && { timeBudgetMs: Math.round(budgetMs * 0.85) }),
    }),
    evaluateStep(),
    reportStep({ taskName: spec.name, taskType: spec.task }),
  ]);
}

/** What every supervised run publishes into its output folder. */
export const SUPERVISED_PUBLICATION: Publication = {
  'train.model': 'model',
  'normalize.transform': 'transform.json',
  'evaluate.metrics': 'metrics.json',
  'report.report': '.',
};
