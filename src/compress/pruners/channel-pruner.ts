import { z } from 'zod';
import type { ImportanceCriterion } from '../pruning/channel-importance.ts';
import type { PruneScope } from '../pruning/select-channels.ts';
import type { Pruner } from './pruner.ts';

export interface ChannelPrunerOptions {
  /** `taylor` (default) or `l1`: see ImportanceCriterion. */
  readonly criterion?: ImportanceCriterion;
  /** `layer` (default): each layer loses `amount` of its channels; `global`: channels compete across layers. */
  readonly scope?: PruneScope;
  /** Pruning steps, each followed by fine-tuning; `amount` is reached in equal parts (default 3). */
  readonly steps?: number;
}

const optionsSchema = z.strictObject({
  criterion: z.enum(['l1', 'taylor']).optional(),
  scope: z.enum(['layer', 'global']).optional(),
  steps: z.int().min(1).max(20).optional(),
});

/**
 * Structured pruning: removes whole filters and units (and everything that reads them), so the
 * result is a smaller dense model that is smaller on disk and faster on every engine. Gradual:
 * `steps` rounds of score → remove → fine-tune, each removing an equal part of `amount`. TF.js
 * loads when it runs, not when it is registered.
 */
export const channelPruner: Pruner<ChannelPrunerOptions> = {
  name: 'channel',
  description: 'structured: removes whole conv filters and dense units (L1 or Taylor importance), rebuilding a smaller dense model',
  optionsSchema,
  prune: async (model, amount, options, context) => (await import('./channel-pruning.ts')).pruneChannelsGradually(model, amount, options, context),
};
