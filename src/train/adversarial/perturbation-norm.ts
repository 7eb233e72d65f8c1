/**
 * How the size of a perturbation is measured, in units of each feature's range: `linf` bounds
 * every feature's move by ε; `l2` bounds the root-mean-square move over the free features by ε
 * (a Euclidean radius of ε·√(free features)), so the same ε means a comparable budget in both.
 */
export type PerturbationNorm = 'linf' | 'l2';

export const PERTURBATION_NORMS = ['linf', 'l2'] as const satisfies readonly PerturbationNorm[];
