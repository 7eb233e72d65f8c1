import { z } from 'zod';
import { PERTURBATION_NORMS } from '../../train/adversarial/perturbation-norm.ts';
import type { AttackEntry } from './attack.ts';

const pgdOptions = z.strictObject({
  norm: z.enum(PERTURBATION_NORMS).default('linf'),
  /** Gradient steps; few keep the robustness step cheap, and more rarely find much more on small models. */
  steps: z.int().min(1).max(1000).default(10),
  /** Each step's length as a fraction of ε; default 2.5 / steps, so the steps can cross the ball and back. */
  stepSize: z.number().gt(0).max(4).optional(),
  randomStart: z.boolean().default(true),
});

export type PgdOptions = z.output<typeof pgdOptions>;

/**
 * Projected gradient descent (Madry et al. 2018): from a random point of the ε-ball, `steps`
 * gradient steps on the loss, each projected back on the ball and the valid range.
 */
export const pgdAttack: AttackEntry<PgdOptions> = {
  name: 'pgd',
  description: 'projected gradient steps within the ε-ball (L∞ or L2) from a random start',
  threats: ['box'],
  optionsSchema: pgdOptions,
  create(options) {
    const settings = { norm: options.norm, steps: options.steps, randomStart: options.randomStart, ...(options.stepSize !== undefined && { stepSize: options.stepSize }) };
    return {
      perturb: async (request) => (await import('./gradient-attack.ts')).gradientAttack(request, settings),
    };
  },
};
