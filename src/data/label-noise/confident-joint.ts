/** The confident joint of out-of-fold probabilities and given labels (Northcutt et al., 2021). */
export interface ConfidentJoint {
  /**
   * t_j: mean probability of class j over the examples labelled j. NaN for a class no example
   * carries, so no example is ever confidently put in it (every comparison with NaN is false).
   */
  readonly thresholds: number[];
  /** counts[given][confident]: examples labelled `given` whose confident class is `confident`. */
  readonly counts: number[][];
  /** Per example, the most probable class among those reaching their own threshold; -1 when none does. */
  readonly confidentClass: Int32Array;
  /** Examples per given label. */
  readonly labelCounts: number[];
}

/**
 * Counts, for every (given label, confident class) pair, the examples whose probability of that
 * class reaches the class's threshold (the most probable such class when several do). Thresholds
 * per class, not one cut-off, because a model is less sure of some classes than of others.
 */
export function confidentJoint(probabilities: Float32Array, labels: ArrayLike<number>, k: number): ConfidentJoint {
  const n = labels.length;
  const sum = new Float64Array(k);
  const labelCounts = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    sum[labels[i]] += probabilities[i * k + labels[i]];
    labelCounts[labels[i]]++;
  }
  const thresholds = Array.from(sum, (s, j) => (labelCounts[j] > 0 ? s / labelCounts[j] : NaN));
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const confidentClass = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * k;
    let confident = -1;
    for (let j = 0; j < k; j++) {
      const p = probabilities[row + j];
      if (p >= thresholds[j] && (confident < 0 || p > probabilities[row + confident])) confident = j;
    }
    confidentClass[i] = confident;
    if (confident >= 0) counts[labels[i]][confident]++;
  }
  return { thresholds, counts, confidentClass, labelCounts };
}
