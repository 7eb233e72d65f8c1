import type { LearningCurve } from '../src/ui/api-types.ts';
import type { LearningCurveEpoch } from '../src/evaluate/charts/learning-curve-options.ts';

/**
 * A run's training history from its logged curves (the train step logs `loss`, `val_loss` and
 * `val_acc` or `val_rmse` per epoch), in the shape the report's learning-curve charts take. An
 * ensemble logs each model's curves under `member<k>/`: the first model's are shown (as the run
 * report shows them), with `models` saying how many there are.
 */
export function trainingHistory(curves: readonly LearningCurve[]): { history: LearningCurveEpoch[]; metricName: string; models?: number } | undefined {
  const epochCurves = curves.filter((c) => c.step === 'train' && c.axis === 'epoch');
  const members = new Set(epochCurves.flatMap((c) => /^(member\d+)\//.exec(c.key)?.[1] ?? []));
  const ensemble = !epochCurves.some((c) => c.key === 'loss') && members.has('member1');
  const train = ensemble ? epochCurves.flatMap((c) => (c.key.startsWith('member1/') ? [{ ...c, key: c.key.slice('member1/'.length) }] : [])) : epochCurves.filter((c) => !c.key.startsWith('member'));
  const of = (key: string): LearningCurve | undefined => train.find((c) => c.key === key);
  const metric = of('val_acc') ?? of('val_rmse') ?? train.find((c) => c.key.startsWith('val_') && c.key !== 'val_loss');
  const loss = of('loss');
  if (!loss && !metric) return undefined;
  const epochs = [...new Set([...(loss?.points ?? []), ...(of('val_loss')?.points ?? []), ...(metric?.points ?? [])].map((p) => p.x))].sort((a, b) => a - b);
  const at = (c: LearningCurve | undefined, x: number): number => c?.points.find((p) => p.x === x)?.y ?? Number.NaN;
  const metricName = metric?.key === 'val_acc' ? 'accuracy' : metric?.key === 'val_rmse' ? 'rmse' : (metric?.key.replace(/^val_/, '') ?? 'metric');
  const history = epochs.map((epoch) => ({ epoch, loss: at(loss, epoch), valLoss: at(of('val_loss'), epoch), valMetric: at(metric, epoch) }));
  return { history, metricName, ...(ensemble && { models: members.size }) };
}
