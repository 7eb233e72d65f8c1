import type { z } from 'zod';
import type { BatchAugment } from './batch-augment.ts';

/** What an augmenter transforms: image batches [b, h, w(, c)] or token-id batches [b, maxLen]. */
export type AugmentTarget = 'image' | 'text';

/**
 * One kind of training-time augmentation, registered by (appliesTo, name). `optionsSchema`
 * validates options before `create` trusts them; `create` fixes the options and a seed and
 * returns the batch transform.
 */
export interface Augmenter<O = unknown> {
  readonly name: string;
  readonly appliesTo: AugmentTarget;
  readonly description: string;
  readonly optionsSchema: z.ZodType<O>;
  create(options: O, seed: number): BatchAugment;
}
