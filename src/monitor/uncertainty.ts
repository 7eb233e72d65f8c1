/**
 * How unsure a classifier is of one prediction, read off its class probabilities. `entropy` is
 * in nats (−Σ p·ln p); `normalizedEntropy` divides it by ln k, so 0 is certain and 1 is a uniform
 * guess whatever the number of classes; `margin` is the top probability minus the runner-up's
 * (near 0: the model hesitates between two classes).
 */
export interface ClassificationUncertainty {
  readonly entropy: number;
  readonly normalizedEntropy: number;
  readonly margin: number;
}

/**
 * The spread of S stochastic passes over one instance (MC-dropout, or the members of an
 * ensemble). For classes: the entropy of the mean probabilities (total uncertainty), the mean of
 * each pass's entropy (what the data leaves open), and their difference, the mutual information
 * (what the model does not know: large where the passes disagree); `std` is the standard deviation
 * of the top class's probability across passes. For a value: the passes' mean and std.
 */
export type SampleSpread =
  | { readonly samples: number; readonly predictiveEntropy: number; readonly expectedEntropy: number; readonly mutualInformation: number; readonly std: number }
  | { readonly samples: number; readonly mean: number; readonly std: number };

/** Entropy, normalised entropy and margin of one probability vector (taken as given, not renormalised). */
export function classificationUncertainty(probabilities: ArrayLike<number>): ClassificationUncertainty {
  const k = probabilities.length;
  let entropy = 0;
  let top = -Infinity;
  let second = -Infinity;
  for (let c = 0; c < k; c++) {
    const p = probabilities[c]!;
    if (p > 0) entropy -= p * Math.log(p);
    if (p > top) {
      second = top;
      top = p;
    } else if (p > second) {
      second = p;
    }
  }
  // One class leaves nothing to doubt: a margin of the whole probability, no entropy to normalise.
  const normalizedEntropy = k > 1 ? entropy / Math.log(k) : 0;
  const margin = k > 1 ? top - second : k === 1 ? top : 0;
  return { entropy, normalizedEntropy, margin };
}

/**
 * The spread of `samples` passes over one instance: `values` holds `samples` rows of `units`
 * outputs (class probabilities when `classification`, else one value per row, the first unit read).
 */
export function sampleSpread(values: ArrayLike<number>, samples: number, units: number, classification: boolean): SampleSpread {
  if (!(samples >= 1) || values.length !== samples * units) throw new RangeError(`expected ${samples} passes of ${units} outputs, but got ${values.length} values`);
  if (!classification) {
    const column = Array.from({ length: samples }, (_, s) => values[s * units]!);
    const mean = column.reduce((a, b) => a + b, 0) / samples;
    return { samples, mean, std: Math.sqrt(column.reduce((a, v) => a + (v - mean) ** 2, 0) / samples) };
  }
  const mean = new Float64Array(units);
  let expectedEntropy = 0;
  for (let s = 0; s < samples; s++) {
    const row = Array.from({ length: units }, (_, c) => values[s * units + c]!);
    row.forEach((p, c) => (mean[c]! += p / samples));
    expectedEntropy += classificationUncertainty(row).entropy / samples;
  }
  const predictiveEntropy = classificationUncertainty(mean).entropy;
  let top = 0;
  for (let c = 1; c < units; c++) if (mean[c]! > mean[top]!) top = c;
  let variance = 0;
  for (let s = 0; s < samples; s++) variance += (values[s * units + top]! - mean[top]!) ** 2 / samples;
  // Rounding can leave a hair below zero where every pass agrees.
  return { samples, predictiveEntropy, expectedEntropy, mutualInformation: Math.max(0, predictiveEntropy - expectedEntropy), std: Math.sqrt(variance) };
}
