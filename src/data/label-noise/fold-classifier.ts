/** The training part of one cross-validation fold: flattened features and class indices. */
export interface FoldData {
  /** Row-major [n, d]. */
  readonly x: Float32Array;
  /** Class index per example. */
  readonly y: Float32Array;
  readonly n: number;
  readonly d: number;
  /** Number of classes; probabilities always have this many columns, even for classes absent from the fold. */
  readonly k: number;
}

/** What a classifier needs besides the data: a seed for every random choice, and a way to stop. */
export interface FoldFitContext {
  readonly seed: number;
  readonly signal?: AbortSignal;
}

/**
 * A cheap probabilistic classifier for out-of-fold predictions: trained on one fold's training
 * part, it returns class probabilities for the held-out examples. Label-noise detection only
 * needs calibrated-enough probabilities, not the best model, so speed matters more than accuracy.
 */
export interface FoldClassifier {
  readonly name: string;
  /** Row-major [held.n, k] probabilities for the held-out examples (features as in `train`). */
  fitPredict(train: FoldData, held: { readonly x: Float32Array; readonly n: number }, ctx: FoldFitContext): Promise<Float32Array>;
}
