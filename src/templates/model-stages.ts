import { buildModelStep } from '../models/steps/build-model-step.ts';
import type { Step } from '../pipeline/step.ts';
import { searchStep } from '../search/steps/search-step.ts';
import { SMALL_DATA } from '../search/cross-validation/small-data-plan.ts';
import { COMMON_DEFAULTS } from '../task/task-defaults.ts';
import type { TrialConstraints } from '../search/executors/trial-job.ts';
import type { TaskSpec } from '../task/task-spec.ts';
import { trainStep } from '../train/steps/train-step.ts';

export interface ModelStagesWiring {
  /** The template's family when the task file leaves `search.family` at `auto`. */
  readonly family: string;
  /** Training examples after balancing, e.g. `balance.train`. */
  readonly train: string;
  readonly validation: string;
  readonly balance: string;
  /**
   * The data transform (e.g. `transform.transform`): adversarial training and the search's
   * robustness constraint read the categorical features they must leave alone from it.
   */
  readonly transform?: string;
}

export interface ModelStages {
  readonly steps: Step[];
  /** The output holding the final model's genome, for the report. */
  readonly genome: string;
  /** The search's StudySummary, when a search runs. */
  readonly study?: string;
}

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
  // The time each stage gets is the run budget's (pipeline/run-budget.ts); the minutes are in
  // the steps' params because a different budget trains a different model.
  const minutes = spec.budget.minutes;
  const family = spec.search.family === 'auto' ? wiring.family : spec.search.family;
  const common = {
    epochs: spec.train.epochs,
    batchSize: spec.train.batchSize,
    learningRate: spec.train.learningRate,
    patience: spec.train.patience,
    schedule: spec.train.schedule,
    augment: spec.augment,
    ...(spec.train.adversarial && { adversarial: spec.train.adversarial }),
  };
  // The transform is read only when something attacks the inputs during training or the search.
  const gate = spec.security.enabled && spec.security.minRobustAccuracy !== undefined ? robustnessConstraint(spec) : undefined;
  const transform = wiring.transform !== undefined && (spec.train.adversarial !== undefined || gate !== undefined) ? { transform: wiring.transform } : {};
  if (!spec.search.enabled) {
    return {
      genome: 'build-model.genome',
      steps: [
        buildModelStep({ family }, { inputs: { train: wiring.train } }),
        trainStep(
          { ...common, ...(minutes !== undefined && { budgetMinutes: minutes }) },
          { inputs: { train: wiring.train, validation: wiring.validation, balance: wiring.balance, ...(spec.train.adversarial && transform) } },
        ),
      ],
    };
  }
  const trials = spec.budget.trials ?? (minutes === undefined ? COMMON_DEFAULTS.trials : undefined);
  const ensemble = ensembleOf(spec);
  // `ensemble: true` asks for cross-validated trials to choose members from.
  const crossValidation = spec.search.ensemble.enabled === true && spec.search.crossValidation === 'auto' ? SMALL_DATA.folds : spec.search.crossValidation;
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
          ...(spec.search.warmStart && spec.search.warmStart.length > 0 && { warmStart: spec.search.warmStart }),
          ...(spec.search.prior.enabled && { warmStartPrior: { neighbours: spec.search.prior.neighbours, portfolio: spec.search.prior.portfolio } }),
          warmStartLabel: spec.name,
          ...(trials !== undefined && { trials }),
          ...(spec.budget.trials === undefined && minutes === undefined && { defaultBudget: true }),
          ...(crossValidation !== 1 && { crossValidation }),
          ...(spec.search.trialExamples !== 'auto' && { trialExamples: spec.search.trialExamples }),
          ...(spec.search.families !== undefined && { families: spec.search.families }),
          ...(minutes !== undefined && { minutes }),
          ...(spec.search.workers !== undefined && { workers: spec.search.workers }),
          patience: spec.train.patience,
          ...(spec.budget.epochs !== undefined && { maxEpochs: spec.budget.epochs }),
          constraints: {
            ...(spec.constraints.maxLatencyMs !== undefined && { maxLatencyMs: spec.constraints.maxLatencyMs }),
            ...(spec.constraints.maxParams !== undefined && { maxParams: spec.constraints.maxParams }),
            ...(spec.constraints.maxMemoryMB !== undefined && { maxMemoryMB: spec.constraints.maxMemoryMB }),
            ...(gate && { robustness: gate }),
          },
          engine: spec.engine,
          ...(augments(spec.augment) && { augment: spec.augment }),
          ...(spec.train.adversarial && { adversarial: spec.train.adversarial }),
          defaultTraining: { learningRate: spec.train.learningRate, batchSize: spec.train.batchSize, epochs: spec.train.epochs, schedule: spec.train.schedule },
        },
        { inputs: { train: wiring.train, validation: wiring.validation, balance: wiring.balance, ...transform }, ...(spec.executor && { executor: spec.executor }) },
      ),
      trainStep(
        { ...common, refit: true, ...(minutes !== undefined && { budgetMinutes: minutes }), ...(ensemble && { ensemble }) },
        {
          inputs: {
            train: wiring.train,
            validation: wiring.validation,
            balance: wiring.balance,
            genome: 'search.genome',
            training: 'search.training',
            ...(spec.train.adversarial && transform),
            ...(ensemble && { candidates: 'search.candidates' }),
          },
        },
      ),
    ],
  };
}

/**
 * The ensemble the final training may build (`search.ensemble`), or none: off when the task turns
 * it off, and under `auto` when the model is to be compressed or trained adversarially (pruning
 * and attacks are measured on single networks).
 */
function ensembleOf(spec: TaskSpec): { size: number; selection: TaskSpec['search']['ensemble']['selection']; seeds: number } | undefined {
  const { enabled, size, selection, seeds } = spec.search.ensemble;
  if (enabled === false) return undefined;
  if (enabled === 'auto' && (spec.compress !== undefined || spec.train.adversarial !== undefined)) return undefined;
  return { size, selection, seeds };
}

/**
 * The release gate as a search constraint: trials whose validation accuracy under PGD at the
 * gate's ε falls short are rejected, so the search looks for a model that can pass it. Images and
 * tables only (a text's trials are not attacked: token-swap lives above the search); PGD with
 * `security.attack`'s norm and steps when it names pgd or fgsm, else L∞ with 10 steps.
 */
function robustnessConstraint(spec: TaskSpec): NonNullable<TrialConstraints['robustness']> | undefined {
  if (spec.task === 'text-classification') return undefined;
  const { security } = spec;
  const options = ['pgd', 'fgsm'].includes(security.attack) ? (security.attackOptions ?? {}) : {};
  const norm = options.norm === 'l2' ? 'l2' : 'linf';
  const steps = security.attack === 'fgsm' ? 1 : typeof options.steps === 'number' ? options.steps : 10;
  return { epsilon: security.epsilon!, minAccuracy: security.minRobustAccuracy!, norm, steps, examples: 100 };
}
