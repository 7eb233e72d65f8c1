/**
 * The contract between `deepline ui`'s server (src/ui/) and its single-page app (web/): the JSON
 * body of every `/api/` response and the payload of every server-sent event. Plain types only —
 * this file has no runtime imports, so the front-end imports it with `import type`.
 *
 * Conventions: times are ISO-8601 strings (UTC); durations are milliseconds (`…Ms`); sizes are
 * bytes; hashes are the artifact store's sha256 hex; a field that is unknown is absent (never
 * `null`), except inside aligned arrays where `null` marks "absent in that run". Non-finite
 * numbers (a diverged trial) are sent as `null` where a type says `number | null`.
 *
 * Static files (for web/): the server serves the built app from `dist/web/` — not `dist/ui/`,
 * where `npm run build` (tsc) puts the compiled src/ui/ server; it still falls back to
 * `dist/ui/index.html` if that is where the app was built. Any non-`/api/` path without a file
 * answers index.html (client-side routing); files under `assets/` get a one-year immutable cache.
 *
 * Changes after the first commit are additive only (new optional fields, new endpoints, new
 * event types); a breaking change is announced here with its time.
 */

// ───────────────────────────── errors ─────────────────────────────

/** One problem with one input: `field` is the query/param/body field (`limit`, `ids[2]`, `version`). */
export interface ApiFieldIssue {
  readonly field: string;
  readonly message: string;
}

/**
 * Every 4xx/5xx answer. `code` is a deepline error code (docs/errors.md): `DL_UI_INPUT` (400, bad
 * query/param/body; `issues` says which field), `DL_RUN_NOT_FOUND` / `DL_UI_NOT_FOUND` (404),
 * `DL_UI_FORBIDDEN` (403: actions off, or a missing/wrong token), `DL_REGISTRY` / `DL_GATE` (409:
 * the registry refused the change).
 */
export interface ApiError {
  readonly error: {
    readonly code: string;
    readonly message: string;
    /** What to do about it. */
    readonly hint?: string;
    readonly issues?: readonly ApiFieldIssue[];
  };
}

// ───────────────────────────── GET /api/info ─────────────────────────────

/** What the server is and may do. */
export interface ServerInfo {
  /** deepline's package version. */
  readonly version: string;
  /** Absolute path of the workspace folder (`.deepline/`). */
  readonly workspace: string;
  /** Where the stores live: that folder, or the PostgreSQL URL (without its password). Added later: optional. */
  readonly location?: string;
  /** True when started with `--allow-actions`: promote/rollback are then possible with the token. */
  readonly actionsAllowed: boolean;
  /** Header that must carry the per-launch token on state-changing requests. */
  readonly tokenHeader: 'x-deepline-token';
  /** How often the server polls the stores for changes (ms); events arrive within about this. */
  readonly pollMs: number;
  /** Server time of this answer. */
  readonly now: string;
}

// ───────────────────────────── runs ─────────────────────────────

/** A run's status as shown: `interrupted` is a `running` run whose process is gone. */
export type UiRunStatus = 'running' | 'completed' | 'failed' | 'interrupted';

export type Direction = 'minimize' | 'maximize';

/** The task's metric as measured on the test split by the evaluate step. */
export interface PrimaryMetric {
  /** The task's `metric` (`accuracy`, `rmse`, …). */
  readonly name: string;
  /** The stored metric key it was read from (`test_accuracy`, `test_rmse`). */
  readonly key: string;
  /** Absent until the evaluate step has logged it (a running or failed run); `null` for NaN. */
  readonly value?: number | null;
  /** Which way is better. */
  readonly direction: Direction;
}

/** One row of the runs table. */
export interface RunSummary {
  readonly id: string;
  readonly name: string;
  readonly status: UiRunStatus;
  /** `tabular-classification`, `image-classification`, … */
  readonly taskType: string;
  /** Absolute path of the task file; '' for a run from `--data/--target`. */
  readonly taskFile: string;
  /** Content hash of the ingested raw data (run param `data.contentHash`); absent until ingested/published. */
  readonly dataVersion?: string;
  /** Version of the prepared data: raw hash + fitted transform (run param `data.version`). */
  readonly preparedDataVersion?: string;
  readonly metric?: PrimaryMetric;
  /** Wall time from start to end; for a running run, up to now. */
  readonly durationMs?: number;
  /** The engine the run trained on (`native`, `wasm`, …; run param `engine`). */
  readonly engine?: string;
  readonly startedAt: string;
  readonly endedAt?: string;
  /** True when the run has a `search` step (then `/api/runs/:id/study` answers). */
  readonly hasSearch: boolean;
  /** Steps recorded so far, and how many of them were cache hits. */
  readonly steps: number;
  readonly cachedSteps: number;
  /** Why it failed. */
  readonly error?: string;
}

/** Sort keys of `GET /api/runs`. */
export type RunSortKey = 'startedAt' | 'name' | 'status' | 'taskType' | 'metric' | 'duration' | 'engine';

/**
 * `GET /api/runs?limit=50&offset=0&status=completed,failed&task=tabular-classification&q=iris&sort=startedAt&order=desc`
 * - `limit` 1–500 (default 50), `offset` ≥ 0 (default 0);
 * - `status`: comma-separated `UiRunStatus` values; `task`: comma-separated task types;
 * - `q`: case-insensitive substring of id, name or task file;
 * - `sort` (default `startedAt`), `order` `asc|desc` (default `desc`). Sorting by `metric`
 *   orders by value (runs without a value last, whatever the order).
 */
export interface RunsPage {
  readonly runs: readonly RunSummary[];
  /** Runs matching the filters, over all pages. */
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  /** Every task type and status present in the workspace, for filter menus. */
  readonly facets: { readonly taskTypes: readonly string[]; readonly statuses: readonly UiRunStatus[] };
}

/** A step's status as shown (`interrupted`: it was running in a run whose process is gone). */
export type UiStepStatus = 'running' | 'completed' | 'cached' | 'failed' | 'interrupted';

/** One step of a run: a bar of the timeline. */
export interface StepView {
  readonly id: number;
  readonly name: string;
  /** The step's code version. */
  readonly version: string;
  readonly status: UiStepStatus;
  /** True when its outputs were reused from an earlier run (cache hit). */
  readonly cached: boolean;
  readonly startedAt: string;
  readonly endedAt?: string;
  /** Stored duration; for a running step, up to now. */
  readonly durationMs?: number;
  /** Start relative to the run's start (ms): the bar's x position. */
  readonly offsetMs: number;
  readonly params: unknown;
  /** Output name → artifact hash. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly error?: string;
}

/** The last value of one metric of one step. */
export interface MetricValue {
  readonly step: string;
  readonly key: string;
  /** `null` for NaN. */
  readonly value: number | null;
  readonly at: string;
}

/** A per-epoch (or per-step) series of one metric of one step: a learning curve. */
export interface LearningCurve {
  /** The step that logged it (`train`, `search`). */
  readonly step: string;
  /** `loss`, `val_loss`, `val_accuracy`, `trial_error`, `best_error`, … */
  readonly key: string;
  /** What `x` counts: training epochs, or the logged step (e.g. the trial number). */
  readonly axis: 'epoch' | 'step';
  readonly points: readonly { readonly x: number; readonly y: number | null }[];
}

export interface ArtifactView {
  readonly hash: string;
  /** `<step>.<output>` names it was written or read under in this run (`train.model`). */
  readonly names: readonly string[];
  readonly kind: 'json' | 'file' | 'dir';
  readonly size: number;
  readonly createdAt: string;
  /** `GET` this to download it (a dir answers with its file listing; append `/<path>` for a file). */
  readonly url: string;
}

/** A node of the lineage graph: the data, a step, an artifact, or the published model. */
export interface LineageNode {
  /** `data:<hash>`, `step:<id>`, `artifact:<hash>`. */
  readonly id: string;
  readonly kind: 'data' | 'step' | 'artifact' | 'model';
  readonly label: string;
  readonly hash?: string;
  readonly stepId?: number;
}

/** An edge: an artifact read by a step (`input`) or written by one (`output`), under `name`. */
export interface LineageLink {
  readonly from: string;
  readonly to: string;
  readonly name: string;
  readonly direction: 'input' | 'output';
}

/** From the data version through the steps to the model. */
export interface LineageView {
  readonly dataVersion?: string;
  readonly preparedDataVersion?: string;
  /** The artifact holding the trained model (the `train.model` output, or `compress.model`). */
  readonly modelHash?: string;
  readonly nodes: readonly LineageNode[];
  readonly links: readonly LineageLink[];
}

/** Where more about a run is; absent ones do not exist (yet). URLs are relative to the server. */
export interface RunLinks {
  readonly report?: string;
  readonly dataReport?: string;
  readonly study?: string;
  readonly compression?: string;
  readonly security?: string;
  /** SSE stream of this run's events. */
  readonly events: string;
}

/** `GET /api/runs/:id` (the full id; a unique prefix is accepted too). */
export interface RunDetailView {
  readonly run: RunSummary;
  /** The validated task spec. */
  readonly spec: unknown;
  readonly steps: readonly StepView[];
  /** Flat `a.b` params (the spec's settings, `engine`, `data.version`, …). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Last value of every metric logged without an epoch/step axis, plus the last of each series. */
  readonly metrics: readonly MetricValue[];
  readonly curves: readonly LearningCurve[];
  readonly artifacts: readonly ArtifactView[];
  readonly lineage: LineageView;
  /** The run's study name, when it has a search (the study may not exist yet while it starts). */
  readonly study?: string;
  readonly links: RunLinks;
  /** Whether this server takes actions (`--allow-actions`): deleting the run. */
  readonly actionsAllowed: boolean;
}

/** DELETE /api/runs/:id. */
export interface RunDeletedView {
  readonly deleted: { readonly id: string; readonly name: string };
}

// ───────────────────────────── compare ─────────────────────────────

/** One key across the compared runs. `values[i]` belongs to `runs[i]`; `null`: the run lacks it. */
export interface CompareRow {
  readonly key: string;
  readonly values: readonly unknown[];
  /** True when not all runs have the same value (by canonical JSON). */
  readonly differs: boolean;
}

/** `GET /api/compare?ids=a,b[,c…]` (2–10 distinct run ids). */
export interface CompareView {
  readonly runs: readonly RunSummary[];
  /** Every param of any run, sorted by key. */
  readonly params: readonly CompareRow[];
  /** Every final metric (`<step>/<key>`) of any run, sorted. */
  readonly metrics: readonly CompareRow[];
  /** Learning curves per run, aligned with `runs`. */
  readonly curves: readonly (readonly LearningCurve[])[];
}

// ───────────────────────────── studies (search) ─────────────────────────────

/** A trial's state as shown: `rejected` is a trial refused before training (constraint or time). */
export type UiTrialState = 'complete' | 'pruned' | 'rejected' | 'failed' | 'running';

export interface TrialView {
  /** Store id (unique in the workspace). */
  readonly id: number;
  /** 0-based position in the study. */
  readonly number: number;
  readonly state: UiTrialState;
  readonly params: Readonly<Record<string, unknown>>;
  /** `[error, latencyMs, paramCount]` for complete and pruned trials; `null` for a non-finite value. */
  readonly values?: readonly (number | null)[];
  /** Validation error (1 − accuracy, or RMSE): `values[0]`. */
  readonly error?: number | null;
  /** Milliseconds per single-example prediction, as measured: `values[1]`. */
  readonly latencyMs?: number | null;
  /** Parameter count (the model's size): `values[2]`. */
  readonly paramCount?: number | null;
  /** Each epoch's reported values, in epoch order. */
  readonly intermediate: readonly { readonly epoch: number; readonly values: readonly (number | null)[] }[];
  readonly startedAt: string;
  readonly endedAt?: string;
  /** End − start; for a running trial, up to now. */
  readonly durationMs: number;
  /** Why it failed, or the constraint that rejected it. */
  readonly message?: string;
  readonly rejectedFor?: 'constraint' | 'time';
  readonly retryOf?: number;
  readonly interrupted?: boolean;
}

/** One point of the best-so-far curve: after trial `number` finished complete, the best error was `best`. */
export interface BestSoFarPoint {
  readonly number: number;
  readonly trialId: number;
  readonly error: number;
  readonly best: number;
}

/**
 * How much of the variance of the error each parameter explains, estimated by binning: for each
 * parameter, complete trials are grouped by its value (categorical, or at most 4 distinct numbers:
 * each value; other numbers: 4 equal-count bins of their rank), and `raw` = ε² = (between-group
 * SS − (groups − 1) · within-group mean square) / total SS of the error — the share of its
 * variance explained by that parameter alone, beyond what chance groupings explain (0 when every
 * trial is its own group) — then normalised so the parameters sum to 1. Needs ≥ 3 complete trials.
 */
export interface ParamImportance {
  readonly param: string;
  /** 0–1, normalised over parameters. */
  readonly importance: number;
  /** ε² before normalisation (0–1). */
  readonly raw: number;
}

/** `GET /api/studies/:name` and `GET /api/runs/:id/study`. */
export interface StudyView {
  readonly name: string;
  /** The run whose search step runs this study, when known. */
  readonly runId?: string;
  /** True while a search step of a live run is working on it. */
  readonly live: boolean;
  readonly objectives: readonly { readonly name: string; readonly direction: Direction }[];
  /** What `error` measures: `1 - accuracy` or `rmse` (from the study summary; absent while live). */
  readonly errorName?: string;
  readonly family?: string;
  readonly sampler?: string;
  readonly scheduler?: string;
  readonly createdAt: string;
  readonly trials: readonly TrialView[];
  /** Trials by state (rejected counted apart from pruned/failed). */
  readonly counts: Readonly<Record<UiTrialState, number>>;
  /** Trials that finished (every state but running). */
  readonly finished: number;
  /** The lowest error of a complete trial. */
  readonly best?: { readonly trialId: number; readonly number: number; readonly error: number };
  /** The trial the search chose (by `search.prefer` from the Pareto front), once the step finished. */
  readonly chosenTrialId?: number;
  readonly bestSoFar: readonly BestSoFarPoint[];
  /** Ids of complete trials no other complete trial beats on all of error, latency and size. */
  readonly paretoFront: readonly number[];
  readonly importances: readonly ParamImportance[];
  /** Names the estimator: `binned-epsilon-squared`. */
  readonly importanceMethod: string;
  /** Every parameter name seen, in first-seen order (parallel-coordinates axes). */
  readonly paramNames: readonly string[];
}

/** `GET /api/studies`: every study in the workspace, newest first. */
export interface StudyListItem {
  readonly name: string;
  readonly runId?: string;
  readonly createdAt: string;
  readonly trials: number;
  readonly live: boolean;
}

// ───────────────────────────── models ─────────────────────────────

export type UiStage = 'none' | 'staging' | 'production' | 'archived';

export interface ModelVersionView {
  readonly version: number;
  readonly stage: UiStage;
  readonly registeredAt: string;
  readonly runId?: string;
  readonly task: string;
  readonly dataVersion?: string;
  /** Test metrics: accuracy, macroF1 / rmse, mae, r2; latencyMs; n. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Release gates as written: metric → `">= 0.7"`. */
  readonly gates: Readonly<Record<string, string>>;
  /** Bytes of the pinned files. */
  readonly size: number;
  /** The output folder it was registered from. */
  readonly source: string;
  readonly actor: string;
  readonly note?: string;
}

export interface StageEventView {
  readonly id: number;
  readonly version: number;
  readonly kind: 'register' | 'promote' | 'replaced' | 'rollback';
  readonly from?: UiStage;
  readonly to: UiStage;
  readonly actor: string;
  readonly reason?: string;
  readonly forced: boolean;
  readonly gates?: readonly { readonly metric: string; readonly operator: string; readonly threshold: number; readonly measured?: number; readonly passed: boolean }[];
  readonly at: string;
}

export interface ModelView {
  readonly name: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly production?: number;
  readonly staging?: number;
  /** Oldest first. */
  readonly versions: readonly ModelVersionView[];
}

/** `GET /api/models`. */
export interface ModelsView {
  readonly models: readonly ModelView[];
  readonly actionsAllowed: boolean;
}

/** `GET /api/models/:name`: the model and its history, oldest first. */
export interface ModelDetailView {
  readonly model: ModelView;
  readonly history: readonly StageEventView[];
  readonly actionsAllowed: boolean;
}

/**
 * `POST /api/models/:name/promote`, body `{ version, stage?: 'production'|'staging'|'archived',
 * reason?, force? }`; `POST /api/models/:name/rollback`, body `{ reason? }`. Both need the server
 * started with `--allow-actions` and the header `x-deepline-token: <token>` (printed at start);
 * otherwise 403. The actor recorded is `ui`.
 */
export interface StageChangeView {
  readonly model: string;
  readonly version: number;
  readonly stage: UiStage;
  /** The version moved out of that stage, if any. */
  readonly replaced?: number;
  readonly events: readonly StageEventView[];
}

// ───────────────────────────── monitoring ─────────────────────────────

export interface FeatureDriftView {
  readonly feature: string;
  /** `numeric`, `categorical`, `embedding`. */
  readonly kind: string;
  /** `ks`, `chi2`, `mmd`, `psi`. */
  readonly detector: string;
  readonly statistic: number;
  readonly pValue?: number;
  /** After the multiple-testing correction: compare with `alpha`. */
  readonly adjustedPValue?: number;
  readonly threshold?: number;
  readonly drift: boolean;
}

/** One `deepline monitor` check (its JSON result under `<home>/monitor/<model>/`). */
export interface DriftCheckView {
  /** File stem: the time the check ran. */
  readonly id: string;
  /** First and last logged prediction of the window. */
  readonly from: string;
  readonly to: string;
  readonly window: number;
  readonly drift: boolean;
  readonly drifted: readonly string[];
  readonly alpha: number;
  readonly correction: string;
  readonly features: readonly FeatureDriftView[];
  /** The HTML drift report, when it is still there. */
  readonly reportUrl?: string;
}

/** Serving metrics read from the prediction log (`<home>/predictions/<model>/`). */
export interface ServingStatsView {
  /** Logged instances read (the most recent `limit`, default 5000). */
  readonly records: number;
  readonly from: string;
  readonly to: string;
  /** Request latency in the server (ms), over the records. */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly mean: number };
  /** Instances per answering model version ('' when unversioned). */
  readonly versions: Readonly<Record<string, number>>;
  /** Predicted labels (classification) and how often. */
  readonly labels?: Readonly<Record<string, number>>;
  /** Per minute: instances and median latency (ms). */
  readonly perMinute: readonly { readonly minute: string; readonly count: number; readonly p50LatencyMs: number }[];
  /** Lines skipped as unreadable. */
  readonly skipped: number;
}

export interface MonitoringModelView {
  readonly model: string;
  /** Oldest first. */
  readonly checks: readonly DriftCheckView[];
  readonly serving?: ServingStatsView;
}

/** `GET /api/monitoring` (every monitored or logged model) and `GET /api/monitoring/:model`. */
export interface MonitoringView {
  readonly models: readonly MonitoringModelView[];
}

// ───────────────────────────── compression / security ─────────────────────────────

export interface CompressionArtifactView {
  readonly format: string;
  readonly fileName: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** The task metric on the test split, measured on this saved file. */
  readonly metric: number;
  readonly batch1Ms: number;
  /** Milliseconds per call on `batch` examples. */
  readonly batchMs: number;
  readonly runtime: string;
}

export interface CompressionVariantView {
  /** `float32`, `int8`, `channel-50%+int8`. */
  readonly name: string;
  readonly precision: string;
  readonly pruning?: { readonly method: string; readonly amount: number; readonly sparsity: number; readonly summary: string };
  readonly params: number;
  readonly withinTolerance: boolean;
  readonly chosen: boolean;
  readonly artifacts: readonly CompressionArtifactView[];
}

/** `GET /api/runs/:id/compression`: `compression` is absent when the run has no compress step (yet). */
export interface CompressionView {
  readonly runId: string;
  readonly compression?: {
    readonly metric: { readonly name: string; readonly higherIsBetter: boolean };
    readonly mode: 'fixed' | 'auto';
    readonly tolerance: number;
    readonly batch: number;
    readonly servedFormat: string;
    readonly baseline: string;
    readonly chosen: string;
    readonly reason: string;
    readonly variants: readonly CompressionVariantView[];
  };
}

/** `GET /api/runs/:id/security`: `robustness` is absent when the run has no robustness step (yet). */
export interface SecurityView {
  readonly runId: string;
  readonly robustness?:
    | { readonly status: 'skipped'; readonly reason: string }
    | {
        readonly status: 'measured';
        readonly attack: string;
        /** What ε counts: a fraction of each feature's range, or of a text's tokens. */
        readonly epsilonUnit: 'range' | 'tokens';
        readonly examples: number;
        readonly cleanAccuracy: number;
        /** Accuracy under attack per ε, non-increasing. */
        readonly curve: readonly { readonly epsilon: number; readonly accuracy: number }[];
        /** Median smallest ε that flips a prediction; `null` when most hold at the largest tried. */
        readonly minimalEpsilon?: number | null;
        readonly gate?: { readonly epsilon: number; readonly minRobustAccuracy: number; readonly robustAccuracy: number; readonly passed: boolean };
      };
}

// ───────────────────────────── server-sent events ─────────────────────────────

/**
 * `GET /api/events[?run=<id>][&study=<name>]`: a `text/event-stream`. Each message is
 * `event: <type>` + `id: <seq>` + `data: <JSON of UiEvent>`. Events are found by polling the
 * stores every `ServerInfo.pollMs` (default 250 ms), so they also come from a `deepline run` in
 * another process, within about a second of the change. With `run`, only that run's events (and
 * its study's); with `study`, only that study's trial events. A comment line `: ping` every 15 s
 * keeps proxies open. After a reconnect, refetch the resource: events are not replayed.
 */
export type UiEvent =
  | { readonly type: 'hello'; readonly seq: number; readonly at: string; readonly pollMs: number }
  | { readonly type: 'run-started'; readonly seq: number; readonly at: string; readonly runId: string; readonly name: string }
  | { readonly type: 'run-finished'; readonly seq: number; readonly at: string; readonly runId: string; readonly status: UiRunStatus }
  | { readonly type: 'step-started'; readonly seq: number; readonly at: string; readonly runId: string; readonly stepId: number; readonly step: string }
  | {
      readonly type: 'step-finished';
      readonly seq: number;
      readonly at: string;
      readonly runId: string;
      readonly stepId: number;
      readonly step: string;
      readonly status: UiStepStatus;
      readonly durationMs?: number;
    }
  | { readonly type: 'trial-started'; readonly seq: number; readonly at: string; readonly study: string; readonly runId?: string; readonly trialId: number; readonly number: number }
  | {
      /** A new epoch was reported by a running trial. */
      readonly type: 'trial-progress';
      readonly seq: number;
      readonly at: string;
      readonly study: string;
      readonly runId?: string;
      readonly trialId: number;
      readonly number: number;
      readonly epoch: number;
      readonly values: readonly (number | null)[];
    }
  | {
      readonly type: 'trial-finished';
      readonly seq: number;
      readonly at: string;
      readonly study: string;
      readonly runId?: string;
      readonly trialId: number;
      readonly number: number;
      readonly state: UiTrialState;
      readonly error?: number | null;
      /** The study's trials that have finished, and the best error of a complete one, after this trial. */
      readonly finished: number;
      readonly best?: number;
    }
  | { readonly type: 'models-changed'; readonly seq: number; readonly at: string };

export type UiEventType = UiEvent['type'];
