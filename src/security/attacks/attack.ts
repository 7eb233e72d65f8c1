import type * as tf from '@tensorflow/tfjs';
import type { z } from 'zod';
import type { PerturbationBox } from '../../train/adversarial/perturbation-box.ts';

/**
 * What an attacker may change in the model's inputs. `box`: continuous features within their
 * valid range, some frozen (images, tables; ε is a fraction of each feature's range). `tokens`:
 * a row of token ids where whole tokens may be swapped for others of the vocabulary (text; ε is
 * the share of a text's tokens that may be swapped).
 */
export type ThreatModel =
  | { readonly kind: 'box'; readonly box: PerturbationBox }
  | { readonly kind: 'tokens'; readonly vocabSize: number };

export type ThreatKind = ThreatModel['kind'];

/** Examples to attack, row-major as in a Dataset: `n` inputs of `featureShape`, one class index each. */
export interface AttackExamples {
  readonly n: number;
  readonly featureShape: readonly number[];
  readonly x: Float32Array;
  readonly y: Float32Array;
}

export interface AttackRequest {
  /** A classifier with a softmax head, in inference mode throughout. */
  readonly model: tf.LayersModel;
  readonly examples: AttackExamples;
  readonly threat: ThreatModel;
  /** The budget: one for every example, or one per example (the minimal-perturbation search uses both). */
  readonly epsilon: number | Float32Array;
  /** Seeds every random choice (random starts). */
  readonly seed: number;
  /** Examples per forward/backward pass; default 256. */
  readonly batchSize?: number;
}

/** A configured attack: adversarial versions of examples, each within its ε of the original. */
export interface AdversarialAttack {
  /** The perturbed inputs, in the layout of `examples.x`; the same request always gives the same result. */
  perturb(request: AttackRequest): Promise<Float32Array>;
}

/**
 * A registry entry (`registries.attacks`): `optionsSchema` validates the task file's
 * `security.attack.options`. Modules that need TF.js are imported by `perturb`, never when the
 * entry is registered, so a cached run does not load TF.js for it.
 */
export interface AttackEntry<O = unknown> {
  readonly name: string;
  readonly description: string;
  /** The threat models it can attack. */
  readonly threats: readonly ThreatKind[];
  readonly optionsSchema: z.ZodType<O>;
  create(options: O): AdversarialAttack;
}
