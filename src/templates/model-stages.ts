import { buildModelStep } from '../models/steps/build-model-step.ts';
import type { Step } from '../pipeline/step.ts';
import { searchStep } from '../search/steps/search-step.ts';
import { COMMON_DEFAULTS } from '../task/task-defaults.ts';
import type { TaskSpec } from '../task/task-spec.ts';
import { trainStep } from '../train/steps/train-step.ts';

export interface ModelStagesWiring {
  /** The template's family when the task file leaves `search.family` at `auto`. */
  readonly family: string;
  /** Training examples after balancing, e.g. `balance.train`. */
  readonly train: string;
  readonly validation: string;
  readonly balance: string;
}

export interface ModelStages {
  readonly steps: Step[];
  /** The output holding the final model's genome, for the report. */
  readonly genome: string;
  /** The search's StudySummary, when a search runs. */
  readonly study?: string;
}

/**
 * Shares of `budget.minutes`: the search, then the final retrain; the rest is data preparation,
 * evaluation and reports. A trial trains at most as long as the retrain could take for it (the
 * retrain sees train + validation, ~1.2x the examples), so the chosen model always fits.
 */
const SEARCH_SHARE = 0.6;
const REFIT_SHARE = 0.3;
const TRIAL_SHARE = REFIT_SHARE / 1.25;
const TRAIN_SHARE = 0.85;

/**
 * The model stages every template ends its data stages with. By default a search:
 *   search (trials in worker processes, within budget.trials / budget.minutes) →
 *   train (the chosen model, retrained on train + validation)
 * With `search.enabled: false`, one training of the family's default model:
 *   build-model → train (early stopping on validation)
 */
/** Whether any augmentation is on (all off is the default; leaving it out keeps the study's name). */
function augments(a: TaskSpec['augment']): boolean {
  return a.flip !== 'none' || a.shift > 0 || a.rotate > 0 || a.crop > 0 || a.noise > 0 || a.tokenDropout > 0;
}

export function modelStages(spec: TaskSpec, wiring: ModelStagesWiring): ModelStages {
  const budgetMs = spec.budget.minutes === undefined ? undefined : spec.budget.minutes * 60_000;
  const family = spec.search.family === 'auto' ? wiring.family : spec.search.family;
  const common = {
    epochs: spec.train.epochs,
    batchSize: spec.train.batchSize,
    learningRate: spec.train.learningRate,
    patience: spec.train.patience,
    schedule: spec.train.schedule,
    augment: spec.augment,
  };
  if (!spec.search.enabled) {
    return {
      genome: 'build-model.genome',
      steps: [
        buildModelStep({ family }, { inputs: { train: wiring.train } }),
        trainStep(
          { ...common, ...(budgetMs !== undefined && { timeBudgetMs: Math.round(budgetMs * TRAIN_SHARE) }) },
          { inputs: { train: wiring.train, validation: wiring.validation, balance: wiring.balance } },
        ),
      ],
    };
  }
  const trials = spec.budget.trials ?? (budgetMs === undefined ? COMMON_DEFAULTS.trials : undefined);
  return {
    genome: 'search.genome',
    study: 'search.study',
    steps: [
      searchStep(
        {
          family,
          sampler: spec.search.sampler,
          ...(spec.search.samplerOptions !== undefined && { samplerOptions: spec.search.samplerOptions }),
          scheduler: spec.search.scheduler,
          ...(spec.search.schedulerOptions !== undefined && { schedulerOptions: spec.search.schedulerOptions }),
          prefer: spec.search.prefer,
          space: spec.search.space,
          ...(trials !== undefined && { trials }),
          ...(budgetMs !== undefined && { minutes: (budgetMs * SEARCH_SHARE) / 60_000, trialMs: Math.round(budgetMs * TRIAL_SHARE) }),
          ...(spec.search.workers !== undefined && { workers: spec.search.workers }),
          patience: spec.train.patience,
          ...(spec.budget.epochs !== undefined && { maxEpochs: spec.budget.epochs }),
          constraints: {
            ...(spec.constraints.maxLatencyMs !== undefined && { maxLatencyMs: spec.constraints.maxLatencyMs }),
            ...(spec.constraints.maxParams !== undefined && { maxParams: spec.constraints.maxParams }),
            ...(spec.constraints.maxMemoryMB !== undefined && { maxMemoryMB: spec.constraints.maxMemoryMB }),
          },
          engine: spec.engine,
          ...(augments(spec.augment) && { augment: spec.augment }),
          defaultTraining: { learningRate: spec.train.learningRate, batchSize: spec.train.batchSize, epochs: spec.train.epochs, schedule: spec.train.schedule },
        },
        { inputs: { train: wiring.train, validation: wiring.validation, balance: wiring.balance } },
      ),
      trainStep(
        { ...common, refit: true, ...(budgetMs !== undefined && { timeBudgetMs: Math.round(budgetMs * REFIT_SHARE) }) },
        { inputs: { train: wiring.train, validation: wiring.validation, balance: wiring.balance, genome: 'search.genome', training: 'search.training' } },
      ),
    ],
  };
}
