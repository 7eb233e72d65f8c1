import { z } from 'zod';
import type { PruneScope } from '../pruning/select-channels.ts';
import type { Pruner } from './pruner.ts';

export interface MagnitudePrunerOptions {
  /** `global` (default): one magnitude threshold for all kernels, so small layers keep more; `layer`: each kernel loses `amount` of its weights. */
  readonly scope?: PruneScope;
  /** Pruning steps, each followed by fine-tuning (default 3). */
  readonly steps?: number;
}

const optionsSchema = z.strictObject({
  scope: z.enum(['layer', 'global']).optional(),
  steps: z.int().min(1).max(20).optional(),
});

/**
 * Unstructured magnitude pruning (Han et al. 2015): the smallest weights of every kernel are set
 * to zero, and kept at zero through fine-tuning. The model keeps its shape, so it is no faster;
 * what it gains shows in compressed size (gzip) and, quantized, in the zeros' codes.
 */
export const magnitudePruner: Pruner<MagnitudePrunerOptions> = {
  name: 'magnitude',
  description: 'unstructured: zeroes the smallest weights of every kernel; same shape, smaller once compressed (gzip)',
  optionsSchema,
  prune: async (model, amount, options, context) => (await import('./magnitude-pruning.ts')).pruneMagnitudeGradually(model, amount, options, context),
};
