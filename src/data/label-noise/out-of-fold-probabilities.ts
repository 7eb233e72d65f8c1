import { layerSeed } from '../../seed/layer-seed.ts';
import type { FoldClassifier, FoldData } from './fold-classifier.ts';
import { stratifiedFolds } from './stratified-folds.ts';

export interface OutOfFoldOptions {
  readonly folds: number;
  readonly seed: number;
  readonly model: FoldClassifier;
  readonly signal?: AbortSignal;
  onFold?(done: number, total: number): void;
}

/**
 * Row-major [n, k] class probabilities where each example's row comes from a model that never
 * saw it: stratified folds, one model per fold trained on the others. Probabilities for an
 * example's own label are then an honest measure of how much the rest of the data agrees with it.
 */
export async function outOfFoldProbabilities(data: FoldData, options: OutOfFoldOptions): Promise<Float32Array> {
  const { n, d, k } = data;
  const fold = stratifiedFolds(data.y, options.folds, options.seed);
  const out = new Float32Array(n * k);
  for (let f = 0; f < options.folds; f++) {
    options.signal?.throwIfAborted();
    const heldIdx: number[] = [];
    const trainIdx: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? heldIdx : trainIdx).push(i);
    if (heldIdx.length === 0) continue;
    const train = gather(data, trainIdx);
    const held = gather(data, heldIdx);
    const p = await options.model.fitPredict(
      { x: train.x, y: train.y, n: trainIdx.length, d, k },
      { x: held.x, n: heldIdx.length },
      // Each fold's model gets its own seed, so folds do not share a batch order.
      { seed: layerSeed(options.seed, f), signal: options.signal },
    );
    heldIdx.forEach((i, r) => out.set(p.subarray(r * k, (r + 1) * k), i * k));
    options.onFold?.(f + 1, options.folds);
  }
  return out;
}

function gather(data: FoldData, indices: number[]): { x: Float32Array; y: Float32Array } {
  const { d } = data;
  const x = new Float32Array(indices.length * d);
  const y = new Float32Array(indices.length);
  indices.forEach((i, r) => {
    x.set(data.x.subarray(i * d, (i + 1) * d), r * d);
    y[r] = data.y[i];
  });
  return { x, y };
}
