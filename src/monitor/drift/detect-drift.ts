import padjust from '@stdlib/stats-padjust';
import { DeeplineError } from '../../errors/index.ts';
import type { Registry } from '../../extensions/registry.ts';
import { driftDetectorKey, type DriftDetector, type DriftKind, type DriftSample } from './drift-detector.ts';

export const CORRECTIONS = ['holm', 'bh', 'bonferroni', 'none'] as const;
export type Correction = (typeof CORRECTIONS)[number];

export interface DriftCheckOptions {
  /**
   * Family-wise (holm, bonferroni) or false-discovery (bh) rate; default 0.01: an alarm starts
   * labelling and retraining, so one in a hundred unshifted windows is as often as it may cry wolf.
   */
  readonly alpha?: number;
  /** Multiple-testing correction over the features' p-values; default holm. */
  readonly correction?: Correction;
  /** Detector name per kind of data; default ks, chi2 and mmd. */
  readonly detectors?: Partial<Record<DriftKind, string>>;
  readonly seed?: number;
}

export interface FeatureDrift {
  readonly feature: string;
  readonly kind: DriftKind;
  readonly detector: string;
  readonly statistic: number;
  readonly pValue?: number;
  /** The p-value after the correction: compare with alpha. */
  readonly adjustedPValue?: number;
  readonly threshold?: number;
  readonly drift: boolean;
}

export interface DriftCheck {
  readonly alpha: number;
  readonly correction: Correction;
  readonly features: readonly FeatureDrift[];
  readonly drift: boolean;
  /** The features that drifted, most significant first. */
  readonly drifted: readonly string[];
}

const DEFAULT_DETECTORS: Record<DriftKind, string> = { numeric: 'ks', categorical: 'chi2', embedding: 'mmd' };

/**
 * Compares a window of production data with the training reference, feature by feature (a column,
 * the predictions, the embeddings), each with its kind's detector; the p-values are corrected
 * together for multiple testing, so checking 50 columns does not raise 50 times as many false
 * alarms. A feature of the reference missing from the window is an error: the window is then
 * not the same kind of data.
 */
export function detectDrift(
  reference: Readonly<Record<string, DriftSample>>,
  window: Readonly<Record<string, DriftSample>>,
  detectors: Registry<DriftDetector>,
  options: DriftCheckOptions = {},
): DriftCheck {
  const alpha = options.alpha ?? 0.01;
  const correction = options.correction ?? 'holm';
  const raw = Object.entries(reference).map(([feature, ref]) => {
    const win = window[feature];
    if (!win) throw new DeeplineError('DL_DATA_VALUE', `the window has no ${feature}, which the reference has`, { hint: 'compare traffic of the same model: its log records every input column' });
    if (win.kind !== ref.kind) throw new DeeplineError('DL_DATA_VALUE', `${feature} is ${ref.kind} in the reference but ${win.kind} in the window`);
    const name = options.detectors?.[ref.kind] ?? DEFAULT_DETECTORS[ref.kind];
    const detector = detectors.get(driftDetectorKey(ref.kind, name), 'DL_USAGE');
    return { feature, kind: ref.kind, detector: name, ...detector.test(ref as never, win as never, { seed: options.seed ?? 0 }) };
  });
  const tested = raw.filter((r) => r.pValue !== undefined);
  const adjusted = correction === 'none' || tested.length === 0 ? tested.map((r) => r.pValue!) : (padjust(tested.map((r) => r.pValue!), correction) as number[]);
  const adjustedOf = new Map(tested.map((r, k) => [r.feature, adjusted[k]!]));
  const features: FeatureDrift[] = raw.map((r) => {
    const adjustedPValue = adjustedOf.get(r.feature);
    const drift = adjustedPValue !== undefined ? adjustedPValue < alpha : r.threshold !== undefined && r.statistic > r.threshold;
    return { ...r, ...(adjustedPValue !== undefined && { adjustedPValue }), drift };
  });
  const drifted = features
    .filter((f) => f.drift)
    .sort((a, b) => (a.adjustedPValue ?? 0) - (b.adjustedPValue ?? 0))
    .map((f) => f.feature);
  return { alpha, correction, features, drift: drifted.length > 0, drifted };
}
