import { z } from 'zod';
import { PERTURBATION_NORMS } from '../../train/adversarial/perturbation-norm.ts';
import type { AttackEntry } from './attack.ts';

const fgsmOptions = z.strictObject({
  norm: z.enum(PERTURBATION_NORMS).default('linf'),
  /** Start from a random point of the ball (fast-FGSM, Wong et al. 2020); then the step is 1.25 ε by default. */
  randomStart: z.boolean().default(false),
  /** The step's length as a fraction of ε; default 1 (1.25 with a random start). */
  stepSize: z.number().gt(0).max(4).optional(),
});

export type FgsmOptions = z.output<typeof fgsmOptions>;

/**
 * The fast gradient sign method (Goodfellow et al. 2015): one step of ε along the sign of the
 * loss's input gradient (its direction under L2), clipped to the valid range.
 */
export const fgsmAttack: AttackEntry<FgsmOptions> = {
  name: 'fgsm',
  description: 'one gradient-sign step of ε (L∞ or L2), optionally from a random start',
  threats: ['box'],
  optionsSchema: fgsmOptions,
  create(options) {
    const settings = { norm: options.norm, steps: 1, randomStart: options.randomStart, stepSize: options.stepSize ?? (options.randomStart ? 1.25 : 1) };
    return {
      perturb: async (request) => (await import('./gradient-attack.ts')).gradientAttack(request, settings),
    };
  },
};
