import type { Params } from '../../search/space.ts';
import { FORMAT_VERSIONS } from './format-versions.ts';

export const PRIOR_FORMAT_VERSION = FORMAT_VERSIONS.prior;

/**
 * What describes a task to the warm start (auto-sklearn's meta-features): computed from the
 * prepared data before the search, so two tasks can be compared without their data.
 * Modality, family and target kind are never compared by distance: a configuration only carries
 * over to the same family, and classification and regression heads differ.
 */
export interface TaskMetaFeatures {
  readonly modality: string;
  readonly targetKind: 'class' | 'numeric';
  /** Training plus validation examples. */
  readonly rows: number;
  /** Values per example (the product of the feature shape). */
  readonly features: number;
  /** Classes (0 for regression). */
  readonly classes: number;
  /** Entropy of the class shares over log(classes): 1 balanced, near 0 one class dominant (1 for regression). */
  readonly classEntropy: number;
  /** The smallest class's share times the class count: 1 balanced (1 for regression). */
  readonly minorityRatio: number;
  /** Mean absolute skewness of the features (a sample of rows and features). */
  readonly skewness: number;
  /** Mean excess kurtosis of the features, clipped to [-3, 50]. */
  readonly kurtosis: number;
  /** Share of features with at most two distinct values (one-hot columns, binary pixels). */
  readonly binaryShare: number;
  /** Share of feature values that are exactly 0. */
  readonly sparsity: number;
  /**
   * The landmarker: a tiny linear model's 3-fold cross-validated score on at most 600 training
   * rows — accuracy above the majority class, (acc − majority) / (1 − majority), for
   * classification; R² clipped to [0, 1] for regression. How far a linear model gets says how
   * much depth and capacity the task needs.
   */
  readonly landmarker: number;
}

/** One good configuration of a past task, with the validation error it reached. */
export interface PriorConfig {
  readonly params: Params;
  readonly error: number;
}

/** A past task as the warm start knows it: its meta-features and its best distinct configurations. */
export interface PriorTask {
  /** Unique key: the study's name for a workspace task, the meta-training task's name for a shipped one. */
  readonly name: string;
  /** What a person calls it: the task file's name, or the meta-training task's. */
  readonly label: string;
  readonly family: string;
  readonly metaFeatures: TaskMetaFeatures;
  /** What `error` measures: `1 - accuracy` or `rmse` (on the task's own scale). */
  readonly errorName: string;
  /** Best first, distinct, at most 5. */
  readonly configs: readonly PriorConfig[];
  readonly createdAt: string;
}

/** The prior deepline ships (`priors/default-prior.json`), or one `deepline prior build` writes. */
export interface PriorFile {
  readonly formatVersion: typeof PRIOR_FORMAT_VERSION;
  /** How it was made: the command, the budget per task and the tasks left out, for people. */
  readonly builtWith: string;
  readonly tasks: readonly PriorTask[];
}
