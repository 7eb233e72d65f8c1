import type { LearningCurve } from '../src/ui/api-types.ts';
import type { LearningCurveEpoch } from '../src/evaluate/charts/learning-curve-options.ts';

/**
 * A run's training history from its logged curves (the train step logs `loss`, `val_loss` and
 * `val_acc` or `val_rmse` per epoch), in the shape the report's learning-curve charts take.
 */
export function trainingHistory(curves: readonly LearningCurve[]): { history: LearningCurveEpoch[]; metricName: string } | undefined {
  const train = curves.filter((c) => c.step === 'train' && c.axis === 'epoch');
  const of = (key: string): LearningCurve | undefined => train.find((c) => c.key === key);
  const metric = of('val_acc') ?? of('val_rmse') ?? train.find((c) => c.key.startsWith('val_') && c.key !== 'val_loss');
  const loss = of('loss');
  if (!loss && !metric) return undefined;
  const epochs = [...new Set([...(loss?.points ?? []), ...(of('val_loss')?.points ?? []), ...(metric?.points ?? [])].map((p) => p.x))].sort((a, b) => a - b);
  const at = (c: LearningCurve | undefined, x: number): number => c?.points.find((p) => p.x === x)?.y ?? Number.NaN;
  const metricName = metric?.key === 'val_acc' ? 'accuracy' : metric?.key === 'val_rmse' ? 'rmse' : (metric?.key.replace(/^val_/, '') ?? 'metric');
  return { history: epochs.map((epoch) => ({ epoch, loss: at(loss, epoch), valLoss: at(of('val_loss'), epoch), valMetric: at(metric, epoch) })), metricName };
}
