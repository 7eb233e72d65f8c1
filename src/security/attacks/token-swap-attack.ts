import { z } from 'zod';
import type { AttackEntry } from './attack.ts';

const tokenSwapOptions = z.strictObject({
  /** The most tokens swapped in one text, whatever ε allows. */
  maxSwaps: z.int().min(1).max(256).default(20),
});

export type TokenSwapOptions = z.output<typeof tokenSwapOptions>;

/**
 * Text: swaps up to ε of a text's tokens (at least one when ε > 0) for the vocabulary entries
 * whose embeddings most raise the loss to first order, one swap per round.
 */
export const tokenSwapAttack: AttackEntry<TokenSwapOptions> = {
  name: 'token-swap',
  description: 'swaps up to ε of a text’s tokens, guided by the embedding gradient (first order)',
  threats: ['tokens'],
  optionsSchema: tokenSwapOptions,
  create(options) {
    return {
      perturb: async (request) => (await import('./token-swap.ts')).tokenSwapAttack(request, { maxSwaps: options.maxSwaps }),
    };
  },
};
