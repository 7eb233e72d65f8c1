/**
 * The linear baselines of `npm run bench:tabular`, written here so they run in the same process
 * and on the same splits as deepline: standardised multinomial logistic regression (L2, its C
 * chosen by 5-fold cross-validation), ridge regression (closed form, λ by 5-fold CV), and the
 * TF-IDF features the text baseline feeds to the logistic regression.
 */

/** Rows of numbers, one Float64Array per example. */
export type Matrix = Float64Array[];

/** Per-column mean and standard deviation of `x` (a constant column gets deviation 1). */
export function fitStandardiser(x: Matrix): (row: Float64Array) => Float64Array {
  const d = x[0]?.length ?? 0;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (const row of x) for (let j = 0; j < d; j++) mean[j] += row[j]! / x.length;
  for (const row of x) for (let j = 0; j < d; j++) sd[j] += (row[j]! - mean[j]!) ** 2 / x.length;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]!) || 1;
  return (row) => row.map((v, j) => (v - mean[j]!) / sd[j]!);
}

/**
 * Multinomial logistic regression minimising mean cross-entropy + ||W||² / (2·C·n), as
 * scikit-learn's `LogisticRegression(C)`, by full-batch gradient descent with a backtracking step.
 * Rows are walked by their non-zero entries, so TF-IDF rows (thousands of columns, a few dozen
 * non-zero) cost what they hold. Returns a function giving the predicted class of a row.
 */
export function fitLogistic(x: Matrix, y: Int32Array, classes: number, c: number, iterations = 300): (row: Float64Array) => number {
  const n = x.length;
  const d = (x[0]?.length ?? 0) + 1;
  const rows = x.map(nonZero);
  const w = new Float64Array(classes * d);
  const lambda = 1 / (c * n);
  const scores = (weights: Float64Array, row: SparseRow, z: Float64Array): number => {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) {
      const base = k * d;
      let s = weights[base + d - 1]!;
      for (let e = 0; e < row.index.length; e++) s += weights[base + row.index[e]!]! * row.value[e]!;
      z[k] = s;
      if (s > max) max = s;
    }
    return max;
  };
  const loss = (weights: Float64Array, grad?: Float64Array): number => {
    let total = 0;
    grad?.fill(0);
    const z = new Float64Array(classes);
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      const max = scores(weights, row, z);
      let sum = 0;
      for (let k = 0; k < classes; k++) sum += Math.exp(z[k]! - max);
      total += Math.log(sum) + max - z[y[i]!]!;
      if (grad) {
        for (let k = 0; k < classes; k++) {
          const g = (Math.exp(z[k]! - max) / sum - (k === y[i] ? 1 : 0)) / n;
          const base = k * d;
          for (let e = 0; e < row.index.length; e++) grad[base + row.index[e]!] += g * row.value[e]!;
          grad[base + d - 1] += g;
        }
      }
    }
    let penalty = 0;
    for (let k = 0; k < classes; k++) {
      for (let j = 0; j < d - 1; j++) {
        penalty += weights[k * d + j]! ** 2;
        if (grad) grad[k * d + j] += lambda * weights[k * d + j]!;
      }
    }
    return total / n + (lambda * penalty) / 2;
  };
  const grad = new Float64Array(w.length);
  let step = 1;
  let current = loss(w, grad);
  for (let it = 0; it < iterations; it++) {
    const norm = grad.reduce((s, g) => s + g * g, 0);
    if (norm < 1e-12) break;
    let next: Float64Array;
    let value: number;
    // Armijo backtracking: halve the step until the loss falls enough, then try a longer one next time.
    for (;;) {
      next = w.map((v, i) => v - step * grad[i]!);
      value = loss(next);
      if (value <= current - 0.5 * step * norm || step < 1e-8) break;
      step /= 2;
    }
    w.set(next);
    current = loss(w, grad);
    step *= 2;
  }
  const z = new Float64Array(classes);
  return (row) => {
    scores(w, nonZero(row), z);
    let best = 0;
    for (let k = 1; k < classes; k++) if (z[k]! > z[best]!) best = k;
    return best;
  };
}

interface SparseRow {
  readonly index: Int32Array;
  readonly value: Float64Array;
}

function nonZero(row: Float64Array): SparseRow {
  const index: number[] = [];
  for (let j = 0; j < row.length; j++) if (row[j] !== 0) index.push(j);
  return { index: Int32Array.from(index), value: Float64Array.from(index, (j) => row[j]!) };
}

/** Ridge regression on standardised features with an unpenalised intercept, by the normal equations. */
export function fitRidge(x: Matrix, y: Float64Array, lambda: number): (row: Float64Array) => number {
  const d = x[0]?.length ?? 0;
  const yMean = y.reduce((s, v) => s + v, 0) / y.length;
  const a = Array.from({ length: d }, () => new Float64Array(d));
  const b = new Float64Array(d);
  for (let i = 0; i < x.length; i++) {
    const row = x[i]!;
    for (let j = 0; j < d; j++) {
      b[j] += row[j]! * (y[i]! - yMean);
      for (let k = 0; k < d; k++) a[j]![k] += row[j]! * row[k]!;
    }
  }
  for (let j = 0; j < d; j++) a[j]![j] += lambda;
  const w = solve(a, b);
  return (row) => row.reduce((s, v, j) => s + v * w[j]!, yMean);
}

/** Gaussian elimination with partial pivoting (a and b are overwritten). */
function solve(a: Float64Array[], b: Float64Array): Float64Array {
  const d = b.length;
  for (let col = 0; col < d; col++) {
    let pivot = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    [b[col], b[pivot]] = [b[pivot]!, b[col]!];
    for (let r = col + 1; r < d; r++) {
      const f = a[r]![col]! / a[col]![col]!;
      for (let k = col; k < d; k++) a[r]![k] -= f * a[col]![k]!;
      b[r] -= f * b[col]!;
    }
  }
  const w = new Float64Array(d);
  for (let r = d - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < d; k++) s -= a[r]![k]! * w[k]!;
    w[r] = s / a[r]![r]!;
  }
  return w;
}

/** The value of `candidates` whose model scores best (higher is better) over `folds` folds of the rows. */
export function crossValidate<T>(n: number, folds: number, candidates: readonly T[], score: (value: T, train: number[], held: number[]) => number): T {
  const order = Array.from({ length: n }, (_, i) => i);
  let best = candidates[0] as T;
  let bestScore = -Infinity;
  for (const value of candidates) {
    let total = 0;
    for (let f = 0; f < folds; f++) {
      const held = order.filter((i) => i % folds === f);
      const train = order.filter((i) => i % folds !== f);
      total += score(value, train, held);
    }
    if (total > bestScore) [best, bestScore] = [value, total];
  }
  return best;
}

/** Lower-cased word tokens (letters and digits). */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * TF-IDF with scikit-learn's defaults (smooth idf: ln((1+n)/(1+df)) + 1, rows L2-normalised),
 * unigrams and bigrams, vocabulary from the training documents.
 */
export function fitTfidf(documents: readonly string[][]): (tokens: string[]) => Float64Array {
  const terms = (tokens: string[]): string[] => [...tokens, ...tokens.slice(1).map((t, i) => `${tokens[i]} ${t}`)];
  const df = new Map<string, number>();
  for (const doc of documents) for (const term of new Set(terms(doc))) df.set(term, (df.get(term) ?? 0) + 1);
  const index = new Map([...df.keys()].map((t, i) => [t, i]));
  const idf = Float64Array.from([...df.values()], (v) => Math.log((1 + documents.length) / (1 + v)) + 1);
  return (tokens) => {
    const row = new Float64Array(index.size);
    for (const term of terms(tokens)) {
      const i = index.get(term);
      if (i !== undefined) row[i] += idf[i]!;
    }
    const norm = Math.sqrt(row.reduce((s, v) => s + v * v, 0)) || 1;
    return row.map((v) => v / norm);
  };
}
