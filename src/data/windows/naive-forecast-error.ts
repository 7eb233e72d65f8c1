/** How far off "the future equals the last value seen" is, in the target's units. */
export interface NaiveForecastError {
  readonly n: number;
  readonly mae: number;
  readonly rmse: number;
}

/**
 * The persistence baseline a forecaster must beat: predict the value at t from the one at
 * t - horizon (the last step a window sees), over target steps [from, to) of `target`.
 */
export function naiveForecastError(target: Float64Array, options: { horizon: number; from: number; to?: number }): NaiveForecastError {
  const first = Math.max(options.from, options.horizon);
  const end = Math.min(options.to ?? target.length, target.length);
  let abs = 0;
  let squares = 0;
  let n = 0;
  for (let t = first; t < end; t++) {
    const error = target[t] - target[t - options.horizon];
    abs += Math.abs(error);
    squares += error * error;
    n++;
  }
  return n === 0 ? { n, mae: NaN, rmse: NaN } : { n, mae: abs / n, rmse: Math.sqrt(squares / n) };
}
