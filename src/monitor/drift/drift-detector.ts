/** What a drift detector compares: one column's values, one column's category counts, or embedding rows. */
export type DriftSample =
  | { readonly kind: 'numeric'; readonly values: ArrayLike<number> }
  | { readonly kind: 'categorical'; readonly counts: Readonly<Record<string, number>> }
  | { readonly kind: 'embedding'; readonly rows: Float32Array; readonly dim: number };

export type DriftKind = DriftSample['kind'];

/** One detector's verdict on one feature: a test (p-value) or a size against a threshold. */
export interface DriftTestResult {
  readonly statistic: number;
  /** A test's p-value before any multiple-testing correction; absent for a size (PSI). */
  readonly pValue?: number;
  /** For a size: drift when the statistic exceeds this. */
  readonly threshold?: number;
}

export interface DriftTestOptions {
  /** Seeds what is random in a test (permutations), so a verdict can be reproduced. */
  readonly seed: number;
}

/**
 * One way of telling whether a window of production data differs from the training reference,
 * for one kind of data. Registered in the run context's `driftDetectors` under `<kind>/<name>`
 * (`numeric/ks`, `categorical/chi2`, `embedding/mmd`); a plugin adds its own the same way.
 */
export interface DriftDetector<K extends DriftKind = DriftKind> {
  readonly name: string;
  readonly kind: K;
  readonly description: string;
  test(reference: Extract<DriftSample, { kind: K }>, window: Extract<DriftSample, { kind: K }>, options: DriftTestOptions): DriftTestResult;
}

/** The registry key of a detector: `<kind>/<name>`. */
export function driftDetectorKey(kind: DriftKind, name: string): string {
  return `${kind}/${name}`;
}
