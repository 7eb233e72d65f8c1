import type { Dataset } from '../dataset.ts';
import { classWeights } from './class-weights.ts';
import { isImbalanced } from './is-imbalanced.ts';
import { oversample } from './oversample.ts';

export type BalanceMode = 'auto' | 'class-weights' | 'oversample' | 'none';

/** The `balance` artifact: what the training split looked like and what was done about it. */
export interface BalanceReport {
  readonly mode: BalanceMode;
  /** What was applied: `auto` resolves to class weights or nothing. */
  readonly applied: 'class-weights' | 'oversample' | 'none';
  readonly reason: string;
  readonly imbalanced?: boolean;
  /** Largest over smallest present class count. */
  readonly ratio?: number;
  readonly counts?: readonly { readonly class: string; readonly before: number; readonly after: number }[];
  /** Loss weight per class index, for `fitModel`'s `classWeights`. */
  readonly classWeights?: readonly number[];
}

/**
 * Decides and applies balancing for a training split: `auto` uses class weights when the
 * classes are imbalanced (see `isImbalanced`) and nothing otherwise; `oversample` copies
 * minority examples. Regression data passes through unchanged.
 */
export function balanceTraining(train: Dataset, mode: BalanceMode, seed: number): { train: Dataset; report: BalanceReport } {
  if (train.target.kind !== 'class') {
    return { train, report: { mode, applied: 'none', reason: 'regression target: nothing to balance' } };
  }
  const classes = train.target.classes;
  const countsOf = (ds: Dataset): number[] => {
    const c = new Array<number>(classes.length).fill(0);
    for (let i = 0; i < ds.n; i++) c[ds.y[i]]++;
    return c;
  };
  const before = countsOf(train);
  const present = before.filter((c) => c > 0);
  const ratio = Math.max(...present) / Math.min(...present);
  const imbalanced = isImbalanced(before);
  const applied = mode === 'auto' ? (imbalanced ? 'class-weights' : 'none') : mode;
  const balanced = applied === 'oversample' ? oversample(train, seed) : train;
  const after = countsOf(balanced);
  const reason =
    mode === 'auto' ? `classes ${imbalanced ? 'are' : 'are not'} imbalanced (largest / smallest = ${ratio.toFixed(2)}, threshold 1.5)` : `prepare.balance is ${mode}`;
  return {
    train: balanced,
    report: {
      mode,
      applied,
      reason,
      imbalanced,
      ratio,
      counts: classes.map((name, k) => ({ class: name, before: before[k], after: after[k] })),
      classWeights: applied === 'class-weights' ? classWeights(train.y, classes.length) : undefined,
    },
  };
}
