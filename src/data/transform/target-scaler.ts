import { parseTransform, type TargetScaler } from '../normalizer.ts';
import { parseTableTransform } from './table-transform.ts';

/**
 * The regression target's standardisation from either kind of fitted transform (the table
 * transform of tabular/text data, or the normaliser of image/numeric data); undefined when the
 * target is not scaled. Evaluation and reports use it to speak in the target's own units.
 */
export function targetScalerOf(transformJson: unknown): TargetScaler | undefined {
  if ((transformJson as { kind?: unknown } | null)?.kind === 'table') {
    const t = parseTableTransform(transformJson);
    return t.target.kind === 'numeric' ? { mean: t.target.mean, std: t.target.std } : undefined;
  }
  return parseTransform(transformJson).target;
}

/** Values on the standardised scale back to the target's units (identity without a scaler). */
export function unscaleTarget(scaler: TargetScaler | undefined, y: ArrayLike<number>): Float32Array {
  const { mean, std } = scaler ?? { mean: 0, std: 1 };
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i] * std + mean;
  return out;
}
