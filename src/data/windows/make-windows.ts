/** A time-ordered multichannel series; channel 0 is the target, the rest are covariates. */
export interface Series {
  /** `channels[c][t]`: value of channel c at time step t, all of one length, finite. */
  readonly channels: readonly Float64Array[];
}

export interface WindowOptions {
  /** Past steps each example sees. */
  readonly window: number;
  /** Steps between the window's last step and the predicted one (1 = the next step). */
  readonly horizon: number;
  /** First time step whose value may be a target; earlier steps only serve as inputs (context). */
  readonly from: number;
  /** One past the last time step whose value may be a target (default: the series' end). */
  readonly to?: number;
}

/** Supervised examples cut from a series: `x` is [n, window, channels] row-major. */
export interface Windows {
  readonly n: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
  /** The time step each example's target comes from. */
  readonly targetSteps: Int32Array;
}

/**
 * Sliding windows: the example for target step t sees steps t - horizon - window + 1 … t - horizon
 * of every channel and predicts channel 0 at t. Only steps in [from, to) are targets, so a caller
 * that concatenates train | validation | test and windows each split by its range gets examples
 * whose targets never leave their split, while inputs may reach back into earlier splits — the
 * values a forecaster would have seen at that time. Steps too early to fill a window are skipped.
 */
export function makeWindows(series: Series, options: WindowOptions): Windows {
  const { window, horizon } = options;
  const channels = series.channels.length;
  const length = channels === 0 ? 0 : series.channels[0].length;
  if (!Number.isInteger(window) || window < 1 || !Number.isInteger(horizon) || horizon < 1) {
    throw new RangeError(`window and horizon must be integers ≥ 1, but got ${window} and ${horizon}`);
  }
  const first = Math.max(options.from, window + horizon - 1);
  const end = Math.min(options.to ?? length, length);
  const n = Math.max(0, end - first);
  const x = new Float32Array(n * window * channels);
  const y = new Float32Array(n);
  const targetSteps = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = first + i;
    const start = t - horizon - window + 1;
    for (let w = 0; w < window; w++) {
      for (let c = 0; c < channels; c++) x[(i * window + w) * channels + c] = series.channels[c][start + w];
    }
    y[i] = series.channels[0][t];
    targetSteps[i] = t;
  }
  return { n, x, y, targetSteps };
}
