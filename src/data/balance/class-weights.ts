/**
 * Inverse-frequency loss weights for `k` classes from training labels `y`: w_c = n / (m · n_c)
 * over the m classes present. The mean weight over the training examples is then exactly 1
 * (Σ_c n_c · w_c = n), so the loss keeps its scale and the learning rate means the same thing
 * with or without weights (scikit-learn's `balanced`). A class with no training example gets
 * weight 1, which never weighs anything.
 */
export function classWeights(y: ArrayLike<number>, k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < y.length; i++) counts[y[i]]++;
  const present = counts.filter((c) => c > 0).length;
  return counts.map((c) => (c > 0 ? y.length / (present * c) : 1));
}
