import type { Dataset } from '../data/dataset.ts';
import type { TargetScaler } from '../data/normalizer.ts';
import { unscaleTarget } from '../data/transform/target-scaler.ts';
import type { DataSummary } from './run-report.ts';

/**
 * Size, example shape and target distribution of a split, for the report. Numeric targets are
 * mapped back to original units with the transform's target `scaler` when there is one.
 */
export function summariseDataset(ds: Dataset, scaler?: TargetScaler): DataSummary {
  const base = { n: ds.n, featureShape: [...ds.featureShape], ...(ds.dataVersion ? { dataVersion: ds.dataVersion } : {}) };
  if (ds.target.kind === 'class') {
    const counts = new Array<number>(ds.target.classes.length).fill(0);
    for (let i = 0; i < ds.n; i++) counts[ds.y[i]]++;
    return { ...base, classCounts: counts };
  }
  if (ds.n === 0) return base;
  const y = scaler ? unscaleTarget(scaler, ds.y) : ds.y;
  let mean = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < y.length; i++) {
    mean += y[i];
    min = Math.min(min, y[i]);
    max = Math.max(max, y[i]);
  }
  mean /= y.length;
  let sq = 0;
  for (let i = 0; i < y.length; i++) sq += (y[i] - mean) ** 2;
  return { ...base, targetStats: { mean, std: Math.sqrt(sq / y.length), min, max } };
}
