import type { Registry } from '../../extensions/registry.ts';
import { chiSquaredHomogeneity } from './chi-squared.ts';
import { driftDetectorKey, type DriftDetector } from './drift-detector.ts';
import { ksTwoSample } from './ks-two-sample.ts';
import { mmdPermutationTest } from './mmd.ts';
import { binCounts, populationStabilityIndex, quantileEdges } from './psi.ts';

/** Category counts of both sides over the union of their categories, in one order. */
function alignCounts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): [number[], number[]] {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const count = (counts: Readonly<Record<string, number>>, k: string): number => (Object.hasOwn(counts, k) ? counts[k]! : 0);
  return [names.map((k) => count(a, k)), names.map((k) => count(b, k))];
}

const PSI_MAJOR_SHIFT = 0.25;

export const ksDetector: DriftDetector<'numeric'> = {
  name: 'ks',
  kind: 'numeric',
  description: 'two-sample Kolmogorov–Smirnov test (exact p-value for samples up to 25M pairs)',
  test: (reference, window) => {
    const { statistic, pValue } = ksTwoSample(reference.values, window.values);
    return { statistic, pValue };
  },
};

export const numericPsiDetector: DriftDetector<'numeric'> = {
  name: 'psi',
  kind: 'numeric',
  description: 'population stability index over the reference deciles (drift above 0.25)',
  test: (reference, window) => {
    const edges = quantileEdges(reference.values);
    return { statistic: populationStabilityIndex(binCounts(reference.values, edges), binCounts(window.values, edges)), threshold: PSI_MAJOR_SHIFT };
  },
};

export const chiSquaredDetector: DriftDetector<'categorical'> = {
  name: 'chi2',
  kind: 'categorical',
  description: "Pearson's chi-squared test of homogeneity on the category counts",
  test: (reference, window) => {
    const { statistic, pValue } = chiSquaredHomogeneity(...alignCounts(reference.counts, window.counts));
    return { statistic, pValue };
  },
};

export const categoricalPsiDetector: DriftDetector<'categorical'> = {
  name: 'psi',
  kind: 'categorical',
  description: 'population stability index over the categories (drift above 0.25)',
  test: (reference, window) => ({ statistic: populationStabilityIndex(...alignCounts(reference.counts, window.counts)), threshold: PSI_MAJOR_SHIFT }),
};

export const mmdDetector: DriftDetector<'embedding'> = {
  name: 'mmd',
  kind: 'embedding',
  description: "maximum mean discrepancy on the model's embeddings, Gaussian kernel, permutation test",
  test: (reference, window, options) => {
    if (reference.dim !== window.dim) throw new RangeError(`embeddings of ${reference.dim} and ${window.dim} values cannot be compared`);
    const { statistic, pValue } = mmdPermutationTest(reference.rows, window.rows, reference.dim, { seed: options.seed });
    return { statistic, pValue };
  },
};

/** Registers deepline's drift detectors under `<kind>/<name>`. */
export function registerBuiltins(registry: Registry<DriftDetector>): void {
  for (const detector of [ksDetector, numericPsiDetector, chiSquaredDetector, categoricalPsiDetector, mmdDetector] as DriftDetector[]) {
    registry.register(driftDetectorKey(detector.kind, detector.name), detector);
  }
}
