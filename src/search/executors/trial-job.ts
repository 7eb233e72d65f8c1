import type { EngineName } from '../../engine/engine.ts';
import type { AdversarialSettings, AugmentSettings } from '../../task/task-spec.ts';

/**
 * One trial as plain JSON, so it can cross a process boundary (IPC today, a Redis queue later):
 * everything a worker needs to rebuild, train and measure the model is in here.
 */
export interface TrialJob {
  readonly trialId: number;
  /** A model genome, e.g. `{ family: 'mlp', ... }`; validated by the family's schema in the worker. */
  readonly genome: unknown;
  readonly training: {
    readonly epochs: number;
    readonly batchSize: number;
    readonly learningRate: number;
    readonly patience: number;
    readonly optimizer?: 'adam' | 'sgd' | 'rmsprop';
    readonly weightDecay?: number;
    readonly schedule?: 'constant' | 'cosine';
  };
  /** Loss weight per class index (the balance step's class weights). */
  readonly classWeights?: readonly number[];
  /** The task file's `augment`: trials train as the final model will. */
  readonly augment?: AugmentSettings;
  /** The task file's `train.adversarial`: trials train on adversarial examples as the final model will. */
  readonly adversarial?: AdversarialSettings;
  /**
   * The table features an attacker may not move (true at their index: one-hot slots, booleans,
   * indicators), for adversarial training and the robustness constraint; absent: all may move.
   */
  readonly frozen?: readonly boolean[];
  /**
   * Hard limits checked after the model is built and before it trains: a model over one of them
   * never trains and its trial ends `rejected`.
   */
  readonly constraints?: TrialConstraints;
  /**
   * Score by k-fold cross-validation over train + validation instead of the validation split
   * (small data): `folds` models, the folds dealt by `stratifiedFolds` with `seed` (the same for
   * every trial of a study), the error their mean; the result carries the out-of-fold predictions.
   */
  readonly crossValidation?: { readonly folds: number; readonly seed: number };
  /** Folders written by `saveDataset`; a worker loads each folder once and keeps it. */
  readonly data: { readonly train: string; readonly validation: string };
  /**
   * The same data as content hashes in the run's artifact store, for workers on other machines
   * (`deepline worker --store`): they fetch the folders by hash instead of reading `data`.
   */
  readonly artifacts?: { readonly train: string; readonly validation: string };
  /**
   * Large data: the trial trains on a stratified sample of `train` examples and is judged on one
   * of `validation` (trial-data-plan.ts), both drawn with `seed`, the same for every trial of a
   * study so that they are compared on the same examples. Absent: all of both.
   */
  readonly sample?: { readonly train: number; readonly validation: number; readonly seed: number };
  readonly seed: number;
  readonly engine: EngineName;
  /**
   * The most threads the trial's kernels may use (native engine): its share of the cores, default
   * 1. The training picks 1 or this many by timing its first batches (EngineOptions.threads).
   */
  readonly threads?: number;
  /** Training stops after the epoch that passes this many milliseconds. */
  readonly timeBudgetMs?: number;
  /**
   * With `timeBudgetMs`: the epochs a trial must be able to train within it to be compared with
   * the others (the scheduler's first rung). A model whose first batches project more than that
   * is rejected as too slow, seconds after it starts instead of minutes.
   */
  readonly minEpochs?: number;
}

export interface TrialConstraints {
  /** Milliseconds per single-example prediction on the worker's engine. */
  readonly maxLatencyMs?: number;
  readonly maxParams?: number;
  /** Estimated training memory (weights, gradients, optimizer state, activations of one batch). */
  readonly maxMemoryMB?: number;
  /**
   * The release gate as a constraint (`security.minRobustAccuracy` at `security.epsilon`): after
   * training, validation accuracy under PGD must reach `minAccuracy`, or the trial is rejected.
   */
  readonly robustness?: { readonly epsilon: number; readonly minAccuracy: number; readonly norm: 'linf' | 'l2'; readonly steps: number; readonly examples: number };
}

/**
 * The objectives of a trained model, all "lower is better", in this order in every `values`
 * vector: validation error (1 − accuracy, or RMSE), milliseconds per single-example prediction
 * on the worker's engine, and the parameter count.
 */
export interface TrialObjectives {
  readonly error: number;
  readonly latencyMs: number;
  readonly params: number;
}

/** One finished epoch: `values` is `[error, latencyMs, params]` after that epoch. */
export interface TrialProgress {
  readonly trialId: number;
  readonly epoch: number;
  readonly values: readonly number[];
}

/** Sent once a worker has taken the job, before the data is loaded. */
export interface TrialStart {
  readonly trialId: number;
  /** The process running it (a distributed executor may give a host-qualified id instead). */
  readonly pid: number;
}

/**
 * How a trial ended: `complete` ran its training to the end (all epochs, early stopping or time
 * budget); `stopped` was ended by `stop()` after `epochs` epochs; `failed` threw or lost its
 * worker; `rejected` broke a constraint or was too slow for its time (`error` says which).
 */
export interface TrialResult {
  readonly trialId: number;
  readonly state: 'complete' | 'stopped' | 'failed' | 'rejected';
  /** Why a `rejected` trial was: a hard constraint, or too slow for its time. */
  readonly rejectedFor?: 'constraint' | 'time';
  /** Epochs fully trained. */
  readonly epochs: number;
  /** The epoch whose weights were best on validation (complete trials). */
  readonly bestEpoch?: number;
  /** Present for `complete` (and for `stopped` after at least one epoch): the last epoch's objectives. */
  readonly objectives?: TrialObjectives;
  readonly values?: readonly number[];
  /**
   * With `crossValidation`, a complete trial's out-of-fold predictions over train + validation
   * (in that order), row-major [n, units]: what an ensemble of trials is chosen on.
   */
  readonly outOfFold?: { readonly values: readonly number[]; readonly units: number };
  readonly error?: string;
  readonly pid?: number;
  readonly durationMs: number;
}
