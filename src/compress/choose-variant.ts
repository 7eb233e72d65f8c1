/** What choosing needs of a variant: its name and, per format, size, speed and metric. */
export interface VariantFigures {
  readonly name: string;
  readonly artifacts: readonly { readonly format: string; readonly bytes: number; readonly batchMs: number; readonly metric: number }[];
}

export interface ToleranceRule {
  readonly tolerance: number;
  readonly higherIsBetter: boolean;
}

/**
 * The metric lost going from `baseline` to `value`: absolute for a metric where higher is better
 * (accuracy: 0.01 is one point), relative for an error (RMSE: 0.01 is 1% more); negative when better.
 */
export function metricLoss(baseline: number, value: number, higherIsBetter: boolean): number {
  if (higherIsBetter) return baseline - value;
  return baseline === 0 ? value - baseline : (value - baseline) / Math.abs(baseline);
}

/** Whether every artifact of `variant` is within the tolerance of the baseline's artifact of the same format. */
export function withinTolerance(variant: VariantFigures, baseline: VariantFigures, rule: ToleranceRule): boolean {
  return variant.artifacts.every((a) => {
    const base = baseline.artifacts.find((b) => b.format === a.format);
    return base !== undefined && Number.isFinite(a.metric) && metricLoss(base.metric, a.metric, rule.higherIsBetter) <= rule.tolerance + 1e-9;
  });
}

export interface Choice {
  readonly name: string;
  readonly reason: string;
}

/**
 * `compress: auto`: among the variants within tolerance of `baseline` (the float model, always
 * among them), the one whose `served` artifact is the smallest (`prefer: smallest`) or fastest at
 * the serving batch (`prefer: fastest`); ties go to the smaller, then to the earlier variant.
 */
export function chooseVariant(variants: readonly VariantFigures[], baseline: string, options: ToleranceRule & { readonly prefer: 'smallest' | 'fastest'; readonly served: string }): Choice {
  const base = variants.find((v) => v.name === baseline)!;
  const served = (v: VariantFigures) => v.artifacts.find((a) => a.format === options.served) ?? v.artifacts[0]!;
  const eligible = variants.filter((v) => withinTolerance(v, base, options));
  const key = (v: VariantFigures): [number, number] => (options.prefer === 'smallest' ? [served(v).bytes, served(v).batchMs] : [served(v).batchMs, served(v).bytes]);
  const best = eligible.reduce((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    return kb[0] < ka[0] || (kb[0] === ka[0] && kb[1] < ka[1]) ? b : a;
  }, base);
  const rejected = variants.length - eligible.length;
  const what = options.prefer === 'smallest' ? `smallest ${options.served} file` : `fastest ${options.served} model at the serving batch`;
  return {
    name: best.name,
    reason: `${what} among ${eligible.length} variant${eligible.length === 1 ? '' : 's'} within the tolerance${rejected > 0 ? ` (${rejected} lost more)` : ''}`,
  };
}
