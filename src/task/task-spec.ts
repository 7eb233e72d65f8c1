import { z } from 'zod';
import type { EngineName } from '../engine/engine.ts';
import { isPostgresUrl } from '../store/postgres/store-url.ts';
import { TASK_TYPES, type SupportedTask } from './task-types.ts';
import { gatesSchema, type ReleaseGates } from './release-gates.ts';


export const METRICS = ['accuracy', 'macro-f1', 'rmse', 'mae', 'r2'] as const;
export type Metric = (typeof METRICS)[number];

export const ENGINES = ['auto', 'native', 'tfjs-node', 'wasm', 'cpu'] as const satisfies readonly EngineName[];

/** The name becomes a folder name (`out/<name>`), so it is kept to characters every file system takes. */
export const TASK_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const positive = z.number().positive();
const positiveInt = z.int().positive();
/** Open interval (0, 1): a split part that must hold some examples. */
const share = z.number().gt(0).lt(1);

const imageSchema = z.strictObject({
  width: positiveInt,
  height: positiveInt,
  channels: z.literal([1, 3]),
});

const dataSchema = z.strictObject({
  path: z.string().min(1),
  // Any name: checked against the registered readers (plugins included) after parsing.
  format: z.string().min(1).optional(),
  target: z.string().min(1).optional(),
  header: positiveInt.optional(),
  image: imageSchema.optional(),
  classes: z.array(z.string().min(1)).min(2).optional(),
  group: z.string().min(1).optional(),
  time: z.string().min(1).optional(),
});

export const OUTLIER_ACTIONS = ['flag', 'drop', 'none'] as const;
export const LABEL_NOISE_ACTIONS = ['flag', 'drop', 'none'] as const;
export const BALANCE_MODES = ['auto', 'class-weights', 'oversample', 'none'] as const;
export const FLIP_MODES = ['none', 'horizontal', 'vertical', 'both'] as const;

const prepareSchema = z.strictObject({
  dropDuplicates: z.boolean().optional(),
  impute: z.boolean().optional(),
  outliers: z.enum(OUTLIER_ACTIONS).optional(),
  labelNoise: z.enum(LABEL_NOISE_ACTIONS).optional(),
  balance: z.enum(BALANCE_MODES).optional(),
});

const augmentSchema = z.strictObject({
  flip: z.enum(FLIP_MODES).optional(),
  shift: z.number().min(0).max(0.5).optional(),
  rotate: z.number().min(0).max(45).optional(),
  crop: z.number().min(0).max(0.5).optional(),
  noise: z.number().min(0).max(1).optional(),
  tokenDropout: z.number().min(0).max(0.5).optional(),
});

export const ADVERSARIAL_ATTACKS = ['pgd', 'fgsm'] as const;
const normSchema = z.enum(['linf', 'l2']);

/** Adversarial training: every training batch is replaced by its adversarial version. */
const adversarialSchema = z.strictObject({
  attack: z.enum(ADVERSARIAL_ATTACKS),
  epsilon: z.number().gt(0).max(1),
  steps: z.int().min(1).max(100).optional(),
  norm: normSchema.optional(),
});

/**
 * The names a task file may choose from, read from the run context's registries (built-ins and
 * plugins), with each entry's options schema: the schema below accepts any name, and
 * `parseTaskObject` checks names and options against this.
 */
export interface TaskVocabulary {
  /** The registered readers' formats (`data.format`). */
  readonly formats: readonly string[];
  /** The registered exporters (`export`). */
  readonly exporters: readonly string[];
  readonly samplers: ReadonlyMap<string, z.ZodType>;
  /** `none` (no early stopping) is always accepted besides these. */
  readonly schedulers: ReadonlyMap<string, z.ZodType>;
  /** The registered attacks (`security.attack`); `auto` is always accepted besides these. */
  readonly attacks?: ReadonlyMap<string, z.ZodType>;
  /** The registered pruning methods (`compress.prune.method`) with their options schemas. */
  readonly pruners?: ReadonlyMap<string, z.ZodType>;
  /** The registered trial executors (`executor.kind`). */
  readonly executors?: readonly string[];
}

export const QUANTIZE_MODES = ['none', 'float16', 'int8'] as const;

/** `compress.prune`: a share of channels (structured, the default method) or `{ amount, method, options }`. */
const pruneSchema = z.union([
  z.number().gt(0).lt(1),
  z.strictObject({
    amount: z.number().gt(0).lt(1),
    // Any name: checked against the registered pruners (plugins included) after parsing.
    method: z.string().min(1).optional(),
    options: z.record(z.string(), z.unknown()).optional(),
  }),
]);

/** `compress: auto`, or what to prune and quantize (and, with `auto: true`, the tolerance the choice keeps to). */
const compressSchema = z.union([
  z.literal('auto'),
  z.strictObject({
    prune: pruneSchema.optional(),
    quantize: z.enum(QUANTIZE_MODES).optional(),
    auto: z.boolean().optional(),
    tolerance: z.number().min(0).max(1).optional(),
    prefer: z.enum(['smallest', 'fastest']).optional(),
    fineTuneEpochs: z.int().min(0).max(1000).optional(),
    batch: z.int().min(1).max(4096).optional(),
  }),
]);

/** A registered strategy by name, or `{ name, options }` for its options (validated by its entry). */
const strategySchema = z.union([
  z.string().min(1),
  z.strictObject({ name: z.string().min(1), options: z.record(z.string(), z.unknown()).optional() }),
]);

export const PREFERENCES = ['accuracy', 'balanced'] as const;

/** One search-space override: a fixed value, a range, or a list of choices. */
const spaceOverrideSchema = z.union([
  z.union([z.string(), z.number(), z.boolean()]),
  z.strictObject({ low: z.number().finite(), high: z.number().finite(), log: z.boolean().optional() }),
  z.strictObject({ choices: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1) }),
]);

const searchSchema = z.strictObject({
  enabled: z.boolean().optional(),
  sampler: strategySchema.optional(),
  scheduler: strategySchema.optional(),
  workers: z.int().min(1).max(256).optional(),
  family: z.string().min(1).optional(),
  prefer: z
    .union([
      z.enum(PREFERENCES),
      z.strictObject({ error: z.number().min(0).optional(), latency: z.number().min(0).optional(), params: z.number().min(0).optional() }),
    ])
    .optional(),
  space: z.record(z.string().min(1), spaceOverrideSchema).optional(),
  families: z.union([z.literal('all'), z.array(z.string().min(1)).min(2).max(16)]).optional(),
  warmStart: z.array(z.record(z.string().min(1), z.union([z.number(), z.string(), z.boolean()]))).max(64).optional(),
  crossValidation: z.union([z.literal('auto'), z.int().min(1).max(20)]).optional(),
  trialExamples: z.union([z.literal('auto'), z.literal('all'), z.int().min(10)]).optional(),
  ensemble: z
    .union([
      z.boolean(),
      z.literal('auto'),
      z.strictObject({ enabled: z.union([z.boolean(), z.literal('auto')]).optional(), size: z.int().min(2).max(20).optional(), selection: z.enum(['auto', 'greedy', 'average']).optional(), seeds: z.int().min(1).max(10).optional() }),
    ])
    .optional(),
  prior: z
    .union([z.boolean(), z.strictObject({ enabled: z.boolean().optional(), neighbours: z.int().min(1).max(20).optional(), portfolio: z.int().min(0).max(16).optional() })])
    .optional(),
});

/**
 * `executor:` where trials run: `local` worker processes (the default), or `bullmq` jobs on a Redis
 * queue that `deepline worker` processes take (`redis` defaults to DEEPLINE_REDIS_URL). `kind` is
 * any registered executor, checked against the registry after parsing.
 */
const executorSchema = z.strictObject({
  kind: z.string().min(1),
  redis: z.string().regex(/^rediss?:\/\//, { error: 'use a redis:// URL such as redis://127.0.0.1:6379' }).optional(),
  prefix: z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: 'use letters, digits, `.`, `_` and `-` only' }).optional(),
  queue: z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: 'use letters, digits, `.`, `_` and `-` only' }).optional(),
  attempts: z.int().min(1).max(20).optional(),
});

const securitySchema = z.strictObject({
  enabled: z.boolean().optional(),
  attack: strategySchema.optional(),
  epsilons: z.array(z.number().min(0).max(1)).min(1).max(32).optional(),
  examples: z.int().min(1).max(100_000).optional(),
  epsilon: z.number().gt(0).max(1).optional(),
  minRobustAccuracy: z.number().min(0).max(1).optional(),
});

/**
 * A task file as written (phase one of validation). Strict at every level, so a misspelt key is
 * an error rather than a silently ignored setting. Defaults that depend on the task type (which
 * may itself be inferred from the data) are applied later, by `parseTaskObject`.
 */
export const taskFileSchema = z.strictObject({
  name: z
    .string()
    .regex(TASK_NAME_PATTERN, { error: 'use letters, digits, `.`, `_` and `-` only (it names the output folder)' })
    .optional(),
  task: z.enum(TASK_TYPES).optional(),
  data: dataSchema,
  metric: z.enum(METRICS).optional(),
  // test may be 0 only where the data brings its own test set (checked across fields later).
  split: z.strictObject({ train: share, validation: share, test: z.number().min(0).lt(1) }).optional(),
  seed: z.int().min(0).max(2 ** 32 - 1).optional(),
  budget: z
    .strictObject({ minutes: positive.optional(), trials: positiveInt.optional(), epochs: positiveInt.optional() })
    .optional(),
  train: z
    .strictObject({
      epochs: positiveInt.optional(),
      batchSize: positiveInt.optional(),
      learningRate: positive.optional(),
      patience: z.int().min(0).optional(),
      schedule: z.enum(['constant', 'cosine']).optional(),
      adversarial: adversarialSchema.optional(),
    })
    .optional(),
  constraints: z
    .strictObject({
      maxLatencyMs: positive.optional(),
      maxModelSizeMB: positive.optional(),
      maxParams: positiveInt.optional(),
      maxMemoryMB: positive.optional(),
    })
    .optional(),
  prepare: prepareSchema.optional(),
  augment: augmentSchema.optional(),
  search: searchSchema.optional(),
  executor: executorSchema.optional(),
  security: securitySchema.optional(),
  compress: compressSchema.optional(),
  series: z.strictObject({ window: z.int().min(2).max(1024).optional(), horizon: z.int().min(1).max(1024).optional() }).optional(),
  engine: z.enum(ENGINES).optional(),
  output: z.string().min(1).optional(),
  /** Deployment formats written and checked after training (registered exporters); [] for none. */
  export: z.array(z.string().min(1)).optional(),
  /** Plugin modules (paths relative to the task file) whose `register(context)` adds entries. */
  plugins: z.array(z.string().min(1)).optional(),
  /** Release gates a model version must pass to be promoted in the model registry: metric → ">= 0.7". */
  gates: gatesSchema.optional(),
  /** Where the run's records go: a PostgreSQL URL shared by every machine (see docs/task-file.md#store). */
  store: z
    .string()
    .min(1)
    .refine(isPostgresUrl, { message: 'must be a PostgreSQL URL such as postgres://user@db.example:5432/deepline (leave it out for the embedded store in .deepline/)' })
    .refine((url) => !/^[^:]+:\/\/[^/@]*:[^/@]*@/.test(url), { message: 'must not hold a password: set PGPASSWORD or ~/.pgpass instead, so it is not recorded with the run' })
    .optional(),
});

/** A task file's content as written, before defaults. */
export type TaskFile = z.input<typeof taskFileSchema>;

type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Fields given outside the task file (command-line options), merged over it before validation. */
export type TaskOverrides = DeepPartial<TaskFile>;

export interface ImageShape {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
}

/** How the data stage cleans and balances the training data. */
export interface PrepareSettings {
  /** Drop exact duplicate rows (default true). */
  readonly dropDuplicates: boolean;
  /** Impute missing values (median / most frequent, fitted on train) with an indicator column (default true). */
  readonly impute: boolean;
  /** Robust outlier rule: report them (`flag`, default), drop them from training, or skip the check. */
  readonly outliers: (typeof OUTLIER_ACTIONS)[number];
  /** Likely mislabelled training examples: report them (`flag`, default), drop them, or skip the check. */
  readonly labelNoise: (typeof LABEL_NOISE_ACTIONS)[number];
  /** `auto`: class weights when classes are imbalanced; or forced weights, oversampling, or nothing. */
  readonly balance: (typeof BALANCE_MODES)[number];
}

/** On-the-fly training-time augmentation; every field at 0 / `none` (the default) turns it off. */
export interface AugmentSettings {
  readonly flip: (typeof FLIP_MODES)[number];
  /** Largest shift as a share of the image size. */
  readonly shift: number;
  /** Largest rotation in degrees. */
  readonly rotate: number;
  /** Largest share cropped away (then resized back). */
  readonly crop: number;
  /** Standard deviation of Gaussian noise on normalised pixels. */
  readonly noise: number;
  /** Probability of dropping each token of a text. */
  readonly tokenDropout: number;
}

/** How a time series becomes examples: the last `window` values predict the one `horizon` steps ahead. */
export interface SeriesSettings {
  /** Past time steps each example sees (default 30). */
  readonly window: number;
  /** How many steps past the window's last one the predicted value lies (default 1: the next). */
  readonly horizon: number;
}

export type SpaceOverride = string | number | boolean | { readonly low: number; readonly high: number; readonly log?: boolean } | { readonly choices: readonly (string | number | boolean)[] };

/** How the model search runs; the budget (`budget.trials`, `budget.minutes`) bounds it. */
export interface SearchSettings {
  /** false: train the family's default model once with `train` settings (no search). */
  readonly enabled: boolean;
  /** A registered sampler's name (default `tpe`). */
  readonly sampler: string;
  /** Options for the sampler, validated by its entry; absent means its defaults. */
  readonly samplerOptions?: Readonly<Record<string, unknown>>;
  /** Early stopping of unpromising trials; `none` trains every trial to its end. */
  readonly scheduler: string;
  /** Options for the scheduler, validated by its entry; absent means its defaults. */
  readonly schedulerOptions?: Readonly<Record<string, unknown>>;
  /** Trials in parallel; absent: one per core. */
  readonly workers?: number;
  /** Model family, or `auto` (the modality's default). */
  readonly family: string;
  /**
   * Families the search chooses among, as a categorical parameter with each family's space
   * conditional on it (`all`: every searchable family of the data's modality); absent: `family` alone.
   */
  readonly families?: 'all' | readonly string[];
  /**
   * How the final model is picked from the Pareto front of (error, latency, parameters):
   * `accuracy` (lowest error; ties by latency, then size), `balanced` (equal weights), or
   * weights per objective.
   */
  readonly prefer: (typeof PREFERENCES)[number] | { readonly error?: number; readonly latency?: number; readonly params?: number };
  /** Overrides of the family's default search space, by parameter name. */
  readonly space: Readonly<Record<string, SpaceOverride>>;
  /**
   * Configurations tried first, in order, before the sampler's own (e.g. the best of an earlier
   * study, as `deepline retrain` passes the champion's); one outside the space is skipped.
   */
  readonly warmStart?: readonly Readonly<Record<string, number | string | boolean>>[];
  /**
   * Folds each trial is scored on: `auto` (default) uses 5-fold cross-validation over train +
   * validation for tables and text of at most 2,000 examples and the validation split otherwise;
   * 1 always the validation split; k ≥ 2 always k folds.
   */
  readonly crossValidation: 'auto' | number;
  /**
   * The most training examples one trial trains on, as a stratified sample (judged on 5,000
   * validation examples, or half the sample's size when that is more): `auto` (default) 10,000 when there are more than 20,000, and then the
   * search takes 20% of a time budget and the final training, on all the data, the rest; `all`
   * every example; a number, that many.
   */
  readonly trialExamples: 'auto' | 'all' | number;
  /**
   * The final model as an ensemble of the search's best cross-validated trials (up to `size`,
   * chosen by greedy selection or as the top `size`, `auto`: whichever predicts the folds better),
   * each retrained on train + validation and exported as one model. `auto` (default): wherever the
   * trials were cross-validated, unless the task compresses the model or trains adversarially;
   * `true` also turns cross-validation on (`crossValidation: auto` then means 5 folds). Each
   * member (or the best trial, when it is chosen alone) retrains `seeds` times from different
   * initial weights, and the copies are averaged too.
   */
  readonly ensemble: { readonly enabled: 'auto' | boolean; readonly size: number; readonly selection: 'auto' | 'greedy' | 'average'; readonly seeds: number };
  /**
   * The learned warm start: the search's first trials and TPE's prior come from the `neighbours`
   * past tasks nearest in meta-features (deepline's shipped prior and this workspace's finished
   * studies), `portfolio` of their best configurations tried first. On by default: with the
   * shipped prior, the same searches reach better test scores (bench:warmstart, bench:tabular).
   */
  readonly prior: { readonly enabled: boolean; readonly neighbours: number; readonly portfolio: number };
}

/** The task file's `executor:`: a registered executor's name and, for `bullmq`, where its queue is. */
export interface ExecutorSettings {
  readonly kind: string;
  /** `redis://host:port[/db]`; absent: DEEPLINE_REDIS_URL. */
  readonly redis?: string;
  /** BullMQ key prefix (default `deepline`). */
  readonly prefix?: string;
  /** Queue name (default `trials`). */
  readonly queue?: string;
  /** Attempts per trial job when a worker's processing throws (default 3). */
  readonly attempts?: number;
}

export interface TrainSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Epochs without validation improvement before training stops; 0 turns early stopping off. */
  readonly patience: number;
  /** The learning rate over the training: `cosine` (default) anneals it to 0, `constant` keeps it. */
  readonly schedule: 'constant' | 'cosine';
  /** Adversarial training (classification); absent: standard training. */
  readonly adversarial?: AdversarialSettings;
}

/**
 * Trains on adversarial examples instead of the clean ones (Madry et al.): PGD with random start,
 * or FGSM with random start (fast adversarial training, Wong et al.), within ε of the range of
 * each feature, as the robustness step measures it.
 */
export interface AdversarialSettings {
  readonly attack: (typeof ADVERSARIAL_ATTACKS)[number];
  /** The radius as a fraction of each feature's range. */
  readonly epsilon: number;
  /** Gradient steps per batch: 1 for FGSM; PGD's default 5. */
  readonly steps: number;
  readonly norm: 'linf' | 'l2';
}

/**
 * The robustness step and the release gate. Classification only: other tasks record why they
 * were skipped.
 */
export interface SecuritySettings {
  /** Measure accuracy under attack after evaluation (default true). */
  readonly enabled: boolean;
  /** A registered attack, or `auto` (`pgd` for images and tables, `token-swap` for text). */
  readonly attack: string;
  readonly attackOptions?: Readonly<Record<string, unknown>>;
  /** The budgets of the accuracy curve, as fractions of each feature's range (text: of its tokens). */
  readonly epsilons: readonly number[];
  /** The most test examples attacked (a seeded sample). */
  readonly examples: number;
  /** The release gate: the run fails when accuracy under attack at `epsilon` is below `minRobustAccuracy`. */
  readonly epsilon?: number;
  readonly minRobustAccuracy?: number;
}

/**
 * Compression after evaluation (the compress step): `fixed` saves the pruning and quantization
 * the task names as the run's model; `auto` measures the float model, float16, int8 and a pruned
 * model in each, and keeps the smallest (or fastest) whose metric stays within `tolerance`.
 */
export interface CompressSettings {
  readonly mode: 'fixed' | 'auto';
  /** The pruning asked for (`auto`: the pruned candidate; default 50% of channels). */
  readonly prune?: { readonly method: string; readonly amount: number; readonly options?: Readonly<Record<string, unknown>> };
  readonly quantize: (typeof QUANTIZE_MODES)[number];
  /** Largest metric loss allowed: absolute for accuracy (0.01 = 1 point), relative for RMSE and the like (0.01 = 1%). */
  readonly tolerance: number;
  readonly prefer: 'smallest' | 'fastest';
  /** Fine-tuning epochs after each pruning step. */
  readonly fineTuneEpochs: number;
  /** The serving batch the second latency figure is measured at. */
  readonly batch: number;
}

/**
 * A validated task with every default applied and every path absolute; deeply frozen.
 * Produced only by `loadTaskFile` / `parseTaskObject`, so code downstream can trust it.
 */
export interface TaskSpec {
  readonly name: string;
  readonly task: SupportedTask;
  readonly data: {
    /** Absolute path of the data file or folder. */
    readonly path: string;
    /** A built-in format (`DataFormat`) or a plugin reader's name. */
    readonly format: string;
    /** The label column; set exactly when `format` is a table format. */
    readonly target?: string;
    /**
     * CSV/TSV/image list: the 1-based line of the header, the lines above it skipped; set when the
     * task file gives it or when it was found below line 1. Absent: the first line.
     */
    readonly header?: number;
    /** For image tasks: the shape CSV pixel columns are reshaped to, or folder images resized to. */
    readonly image?: ImageShape;
    /** Display names of the classes, in label order (e.g. for IDX labels 0..9). */
    readonly classes?: readonly string[];
    /** Rows sharing a value of this column never span two splits. */
    readonly group?: string;
    /** Rows are split in time order by this column (time series). */
    readonly time?: string;
  };
  readonly metric: Metric;
  readonly split: { readonly train: number; readonly validation: number; readonly test: number };
  readonly seed: number;
  /** Limits for the whole run; an absent field means no limit of that kind. */
  readonly budget: { readonly minutes?: number; readonly trials?: number; readonly epochs?: number };
  readonly train: TrainSettings;
  /** Deployment limits the chosen model must meet; absent means unconstrained. */
  readonly constraints: {
    readonly maxLatencyMs?: number;
    readonly maxModelSizeMB?: number;
    readonly maxParams?: number;
    readonly maxMemoryMB?: number;
  };
  readonly prepare: PrepareSettings;
  readonly augment: AugmentSettings;
  readonly search: SearchSettings;
  /** Where trials run (`executor:`); absent: `local`, or `bullmq` when DEEPLINE_REDIS_URL is set. */
  readonly executor?: ExecutorSettings;
  readonly security: SecuritySettings;
  /** Compression of the trained model; absent: none (the default). */
  readonly compress?: CompressSettings;
  /** Windowing, set (defaults applied) exactly when the task is time-series-forecasting. */
  readonly series?: SeriesSettings;
  readonly engine: EngineName;
  /** The exporters that write the model for deployment (default `onnx`), in order. */
  readonly export: readonly string[];
  /** Absolute paths of the plugin modules the run loads, in order; absent when none. */
  readonly plugins?: readonly string[];
  /** Release gates checked when a version of this model is promoted (`deepline registry promote`); absent when none. */
  readonly gates?: ReleaseGates;
  /**
   * The PostgreSQL URL the run's records (metadata, studies, artifacts, registry) go to; absent:
   * `--store`, DEEPLINE_STORE_URL or the embedded stores. Where records go, not what is learnt.
   */
  readonly store?: string;
  /** Absolute path of the output folder. */
  readonly output: string;
  /** Where the spec came from; not part of what is learnt. */
  readonly source: {
    /** Absolute path of the task file, when there was one. */
    readonly file?: string;
    /** Folder relative paths were resolved against. */
    readonly baseDir: string;
    /** Why the task type was inferred as it was, when the file left `task` out. */
    readonly taskInference?: string;
    /** Which lines above the header were skipped and why, when `data.header` was found rather than given. */
    readonly headerInference?: string;
  };
}
