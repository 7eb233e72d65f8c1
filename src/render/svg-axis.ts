/** Axis helpers shared by the report's inline-SVG charts. */

/** A degenerate range [v, v] widened to [v − 1, v + 1], so it can be drawn. */
export function spread(lo: number, hi: number): [number, number] {
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

/** Round tick values (1, 2, 2.5, 5 x 10^k steps) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  [lo, hi] = spread(lo, hi);
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let t = Math.floor(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  if (ticks[ticks.length - 1] < hi) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

/** A coordinate rounded to 0.1 px, to keep the SVG text short. */
export function r(v: number): number {
  return Math.round(v * 10) / 10;
}
