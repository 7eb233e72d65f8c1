/**
 * Cramér's V between two categorical codings (codes 0..k-1, -1 = missing; rows missing either are
 * left out), with Bergsma's (2013) bias correction: the plain V grows with the number of
 * categories even between independent variables (an ID-like column would look predictive), the
 * corrected one stays near 0 there. `plain` is the textbook sqrt(chi² / (n (min(r, c) - 1))).
 */
export function cramersV(a: Int32Array, ka: number, b: Int32Array, kb: number): { v: number; plain: number; chi2: number; n: number } {
  const len = Math.min(a.length, b.length);
  // Dense counts where the contingency table is small, else only the cells that occur.
  const dense = ka * kb <= 4_000_000;
  const cells = dense ? new Float64Array(ka * kb) : undefined;
  const sparse = dense ? undefined : new Map<number, number>();
  const rowSums = new Float64Array(ka);
  const colSums = new Float64Array(kb);
  let n = 0;
  for (let i = 0; i < len; i++) {
    const x = a[i];
    const y = b[i];
    if (x < 0 || y < 0 || x >= ka || y >= kb) continue;
    const key = x * kb + y;
    if (cells) cells[key]++;
    else sparse!.set(key, (sparse!.get(key) ?? 0) + 1);
    rowSums[x]++;
    colSums[y]++;
    n++;
  }
  const r = rowSums.reduce((acc, s) => acc + (s > 0 ? 1 : 0), 0);
  const c = colSums.reduce((acc, s) => acc + (s > 0 ? 1 : 0), 0);
  if (n < 2 || r < 2 || c < 2) return { v: Number.NaN, plain: Number.NaN, chi2: Number.NaN, n };
  // chi² = n (Σ n_ij² / (n_i. n_.j) − 1): only the occupied cells contribute to the sum.
  let sum = 0;
  const add = (key: number, count: number): void => {
    sum += (count * count) / (rowSums[Math.floor(key / kb)] * colSums[key % kb]);
  };
  if (cells) {
    for (let key = 0; key < cells.length; key++) if (cells[key] > 0) add(key, cells[key]);
  } else {
    for (const [key, count] of sparse!) add(key, count);
  }
  const chi2 = Math.max(0, n * (sum - 1));
  const phi2 = chi2 / n;
  const plain = Math.sqrt(Math.min(1, phi2 / (Math.min(r, c) - 1)));
  const phi2c = Math.max(0, phi2 - ((r - 1) * (c - 1)) / (n - 1));
  const rc = r - (r - 1) ** 2 / (n - 1);
  const cc = c - (c - 1) ** 2 / (n - 1);
  const denom = Math.min(rc - 1, cc - 1);
  const v = denom > 0 ? Math.sqrt(Math.min(1, phi2c / denom)) : 0;
  return { v, plain, chi2, n };
}
