import type { TaskMetaFeatures } from '../../store/formats/prior-task.ts';

/**
 * Meta-features on comparable scales, for a Euclidean distance: sizes in decades, shares as they
 * are, moments squashed, and the landmarker counted twice, since how far a linear model gets says
 * most about the capacity and regularisation a task wants.
 */
export function metaFeatureVector(m: TaskMetaFeatures): number[] {
  return [
    Math.log10(Math.max(1, m.rows)) / 2,
    Math.log10(Math.max(1, m.features)) / 2,
    Math.log2(1 + m.classes) / 3,
    m.classEntropy,
    m.minorityRatio,
    Math.min(m.skewness, 10) / 5,
    Math.max(-3, Math.min(m.kurtosis, 50)) / 25,
    m.binaryShare,
    m.sparsity,
    2 * m.landmarker,
  ];
}

/**
 * How far apart two tasks are; Infinity when a configuration cannot carry over at all (another
 * modality or target kind).
 */
export function taskDistance(a: TaskMetaFeatures, b: TaskMetaFeatures): number {
  if (a.modality !== b.modality || a.targetKind !== b.targetKind) return Number.POSITIVE_INFINITY;
  const va = metaFeatureVector(a);
  const vb = metaFeatureVector(b);
  return Math.sqrt(va.reduce((s, x, i) => s + (x - vb[i]) ** 2, 0));
}
