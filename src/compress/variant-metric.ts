import type { Dataset } from '../data/dataset.ts';
import type { TargetScaler } from '../data/normalizer.ts';
import { unscaleTarget } from '../data/transform/target-scaler.ts';
import { argmaxRows } from '../evaluate/argmax-rows.ts';
import { accuracy, rmse } from '../evaluate/metrics.ts';

/** The metric compressed variants are compared on, as the evaluate step reports it. */
export interface VariantMetric {
  readonly name: 'accuracy' | 'rmse';
  readonly higherIsBetter: boolean;
  /** The metric of outputs (row-major [n, units]) against the test split's targets. */
  score(outputs: Float32Array, units: number): number;
}

/** Accuracy for classification; RMSE in the target's own units (the scaler undone) for regression. */
export function variantMetric(test: Dataset, scaler?: TargetScaler): VariantMetric {
  if (test.target.kind === 'class') return { name: 'accuracy', higherIsBetter: true, score: (outputs, units) => accuracy(test.y, argmaxRows(outputs, units)) };
  const truth = unscaleTarget(scaler, test.y);
  return { name: 'rmse', higherIsBetter: false, score: (outputs) => rmse(truth, unscaleTarget(scaler, outputs)) };
}
