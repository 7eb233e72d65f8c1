import * as tf from '@tensorflow/tfjs';
import type { AdversarialSettings } from '../../task/task-spec.ts';
import { layerSeed } from '../../seed/layer-seed.ts';
import type { AugmentContext } from '../augment/batch-augment.ts';
import { perturbBatch } from './perturb-batch.ts';
import type { PerturbationBox } from './perturbation-box.ts';

/**
 * Replaces a training batch by adversarial examples of the model as it stands (fitModel's
 * `adversarial`). Returns a new tensor and never disposes its inputs.
 */
export type AdversarialBatch = (model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, ctx: AugmentContext) => tf.Tensor;

/**
 * Adversarial training as the task file sets it (`train.adversarial`): every batch is attacked
 * from a random start within ε of each feature's range (the box of the training split, with a
 * table's categorical features frozen), by PGD with `steps` steps of 2.5 ε / steps (Madry et al.
 * 2018), or by one FGSM step of 1.25 ε (fast adversarial training, Wong et al. 2020). The attack
 * sees the model in inference mode (no dropout, batch-norm moving statistics), so it attacks the
 * model that will be deployed; each batch's random start derives from the seed, epoch and batch.
 */
export function createAdversarialTraining(settings: AdversarialSettings, box: PerturbationBox, seed: number): AdversarialBatch {
  const steps = settings.attack === 'fgsm' ? 1 : settings.steps;
  const stepSize = settings.attack === 'fgsm' ? 1.25 : 2.5 / steps;
  return (model, x, y, ctx) =>
    perturbBatch((input) => model.apply(input, { training: false }) as tf.Tensor, x, y, box, {
      norm: settings.norm,
      epsilon: settings.epsilon,
      steps,
      stepSize,
      randomStart: true,
      seed: layerSeed(seed, ctx.epoch * 1_000_003 + ctx.batch),
    });
}
