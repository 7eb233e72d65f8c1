import type { GateMetric, GateOperator, ReleaseGates } from '../task/release-gates.ts';

/**
 * Where a version stands. `none`: registered, never promoted. At most one version of a model is
 * in `production` and at most one in `staging`; a version moved out of either by another's
 * promotion (or by a rollback) is `archived`.
 */
export type Stage = 'none' | 'staging' | 'production' | 'archived';
export const STAGES: readonly Stage[] = ['none', 'staging', 'production', 'archived'];
/** The stages a version can be promoted to. */
export type TargetStage = Exclude<Stage, 'none'>;
/** The stages only one version holds at a time, which `deepline serve name@stage` follows. */
export type ServingStage = 'staging' | 'production';

/** The servable files of a version, pinned in the artifact store when it was registered. */
export interface PinnedArtifacts {
  /** The content hash of the pinned folder in the artifact store. */
  readonly hash: string;
  /** Bytes, all files together. */
  readonly size: number;
  /** Posix path inside the folder → sha256 of the file: model.onnx, transform.json, model/… */
  readonly files: Readonly<Record<string, string>>;
}

/** What a version is registered with; the store adds its number, stage and time. */
export interface NewModelVersion {
  /** The model's name: letters, digits, `.`, `_`, `-`, starting with a letter or digit, up to 64. */
  readonly model: string;
  /** The run that trained it, when known (run.json's `runId`). */
  readonly runId?: string;
  /** The task type, e.g. `tabular-classification`. */
  readonly task: string;
  /** The data version the run trained on (run param `data.version`): raw content hash + fitted transform. */
  readonly dataVersion?: string;
  /** The raw data's content hash (run param `data.contentHash`). */
  readonly dataContentHash?: string;
  /** Test metrics as flat numbers: accuracy, macroF1 / rmse, mae, r2; latencyMs; n. */
  readonly metrics: Readonly<Record<string, number>>;
  /** The run's release gates as written in its task file; `{}` when none. */
  readonly gates: ReleaseGates;
  readonly artifacts: PinnedArtifacts;
  /** The run output folder it was copied from (for people; the pinned copy is what is served). */
  readonly source: string;
  /** Who or what registered it. */
  readonly actor: string;
  readonly note?: string;
}

export interface ModelVersion extends NewModelVersion {
  /** 1, 2, 3, … per model, in registration order; never reused. */
  readonly version: number;
  readonly stage: Stage;
  readonly registeredAt: string;
}

export interface RegisteredModel {
  readonly name: string;
  readonly createdAt: string;
  /** How many versions it has; the newest is number `versions`. */
  readonly versions: number;
  readonly production?: number;
  readonly staging?: number;
  /** The time of its last registration or stage change. */
  readonly updatedAt: string;
}

/** One gate checked at a promotion: what was required, what was measured, whether it passed. */
export interface GateResult {
  readonly metric: GateMetric;
  readonly operator: GateOperator;
  readonly threshold: number;
  /** Absent when the version has no such measurement (which fails the gate). */
  readonly measured?: number;
  readonly passed: boolean;
}

/**
 * One entry of a model's history. `register`: a version appeared (stage `none`); `promote`: a
 * version was moved to a stage on request; `replaced`: the version that held that stage was
 * archived by it; `rollback`: production returned to an earlier version (two entries: the
 * version leaving production and the one returning).
 */
export interface StageEvent {
  /** Increases with every event of the store: history is in this order. */
  readonly id: number;
  readonly model: string;
  readonly version: number;
  readonly kind: 'register' | 'promote' | 'replaced' | 'rollback';
  /** Absent for `register`. */
  readonly from?: Stage;
  readonly to: Stage;
  readonly actor: string;
  readonly reason?: string;
  /** True when gates failed and the change was made anyway (`--force`). */
  readonly forced: boolean;
  /** The gates checked for a promotion; absent when none were checked. */
  readonly gates?: readonly GateResult[];
  readonly at: string;
}

export interface StageChangeRequest {
  readonly model: string;
  readonly version: number;
  readonly stage: TargetStage;
  readonly actor: string;
  readonly reason?: string;
  /** The gates as checked by the caller (see promoteVersion); recorded with the change. */
  readonly gates?: readonly GateResult[];
  /** Make the change although a gate failed; refused (DL_GATE) when a gate failed without it. */
  readonly force?: boolean;
}

/** What a stage change did: the version moved, and the one it moved out of that stage, if any. */
export interface StageChange {
  readonly version: ModelVersion;
  readonly replaced?: ModelVersion;
  readonly events: readonly StageEvent[];
}

/**
 * Named models, their numbered versions and the stages those versions are in, with every change
 * recorded (who, why, when, which gates). Versions are append-only: only `stage` changes, and
 * only through `promote` and `rollback`, which record events. Every method is atomic, also
 * between processes sharing the storage: two registrations never get the same number, and two
 * stage changes never leave two versions in production. Records come back deeply frozen.
 * A miss (unknown model or version, a stage change that cannot be made) is DL_REGISTRY; a driver
 * failure is DL_STORE.
 *
 * Implementations: SQLite (on the workspace's metadata.db), PostgreSQL later; both pass
 * `modelRegistryStoreConformance` in src/testing/.
 */
export interface ModelRegistryStore {
  /** Adds the next version of `model` (creating the model at version 1), in stage `none`. */
  registerVersion(version: NewModelVersion): Promise<ModelVersion>;
  getModel(name: string): Promise<RegisteredModel | undefined>;
  /** Every model, by name. */
  listModels(): Promise<RegisteredModel[]>;
  getVersion(model: string, version: number): Promise<ModelVersion | undefined>;
  /** A model's versions, oldest first; none for an unknown model. */
  listVersions(model: string): Promise<ModelVersion[]>;
  /** The version now in `stage`, if any. Cheap: servers poll it. */
  versionInStage(model: string, stage: ServingStage): Promise<ModelVersion | undefined>;
  /**
   * Moves a version to `stage`. Into production or staging, the version that held it goes to
   * archived (a `replaced` event). Refused: an unknown version, a version already in `stage`, or
   * a failed gate without `force`.
   */
  promote(request: StageChangeRequest): Promise<StageChange>;
  /**
   * Production returns to the version that was in production before the current one (skipping
   * versions archived on request since); the current one is archived. Refused when the model has
   * no production version or no earlier one to return to.
   */
  rollback(request: { model: string; actor: string; reason?: string }): Promise<StageChange>;
  /** A model's events, oldest first. */
  history(model: string): Promise<StageEvent[]>;
  close(): Promise<void>;
}
