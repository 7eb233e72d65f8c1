import type * as tf from '@tensorflow/tfjs';
import { DeeplineError } from '../../errors/index.ts';
import { kernelSparsity } from '../kernel-weights.ts';
import { channelGraph } from '../pruning/channel-graph.ts';
import { channelImportance } from '../pruning/channel-importance.ts';
import { pruneChannels } from '../pruning/prune-channels.ts';
import { selectChannels } from '../pruning/select-channels.ts';
import type { ChannelPrunerOptions } from './channel-pruner.ts';
import { fineTune } from './fine-tune.ts';
import type { PruneContext, PruneResult, PruneStepRecord } from './pruner.ts';

/** Batches the Taylor criterion averages its gradients over, per step. */
const TAYLOR_BATCHES = 16;

/** The channel pruner's work (see channelPruner): score, remove and fine-tune, `steps` times. */
export async function pruneChannelsGradually(model: tf.LayersModel, amount: number, options: ChannelPrunerOptions, context: PruneContext): Promise<PruneResult> {
  const criterion = options.criterion ?? 'taylor';
  const scope = options.scope ?? 'layer';
  const steps = options.steps ?? 3;
  const startedAt = performance.now();
  const first = channelGraph(model).spaces.filter((s) => !s.frozen);
  if (first.length === 0) {
    throw new DeeplineError('DL_COMPRESS', `model ${model.name} has no channels that structured pruning can remove (every layer feeds the output, a reshape, a concatenation or a recurrent layer)`, {
      hint: 'use compress.prune.method: magnitude (unstructured pruning) or quantization alone',
    });
  }
  const original = new Map(first.map((s) => [s.key, s.size]));
  const records: PruneStepRecord[] = [];
  let current: tf.LayersModel = model;
  for (let step = 1; step <= steps; step++) {
    context.signal?.throwIfAborted();
    const graph = channelGraph(current);
    const prunable = graph.spaces.filter((s) => !s.frozen && original.has(s.key));
    const scores = await channelImportance(current, graph, criterion, { train: context.train, batches: TAYLOR_BATCHES, batchSize: context.fineTune.batchSize, seed: context.seed + step });
    const fraction = (amount * step) / steps;
    const selection = selectChannels(
      prunable.map((s) => ({ key: s.key, original: original.get(s.key)!, scores: scores.get(s.key)! })),
      { fraction, scope },
    );
    const next = await pruneChannels(current, graph, selection);
    if (current !== model) current.dispose();
    current = next;
    const tuned = await fineTune(current, context, step, { startedAt });
    const record: PruneStepRecord = { step, steps, fraction, params: current.countParams(), valMetric: tuned.valMetric, epochs: tuned.epochs };
    records.push(record);
    context.onStep?.(record);
  }
  const after = new Map(channelGraph(current).spaces.map((s) => [s.key, s.size]));
  const sizes = [...original].map(([key, size]) => `${key} ${size}→${after.get(key) ?? '?'}`);
  return {
    model: current,
    params: current.countParams(),
    sparsity: kernelSparsity(current),
    steps: records,
    summary: `${Math.round(amount * 100)}% of channels (${criterion}, ${scope === 'layer' ? 'per layer' : 'global'}, ${steps} step${steps === 1 ? '' : 's'}): ${sizes.join(', ')}`,
  };
}
