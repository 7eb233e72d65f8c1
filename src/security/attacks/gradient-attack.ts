import * as tf from '@tensorflow/tfjs';
import { DeeplineError } from '../../errors/index.ts';
import { layerSeed } from '../../seed/layer-seed.ts';
import { perturbBatch, type PerturbOptions } from '../../train/adversarial/perturb-batch.ts';
import type { AttackRequest } from './attack.ts';

/** How FGSM and PGD differ: the steps, their length, and where they start. */
export type GradientAttackSettings = Pick<PerturbOptions, 'norm' | 'steps' | 'stepSize' | 'randomStart'>;

/**
 * Runs the gradient attack (perturbBatch) over a request's examples batch by batch, each batch
 * with its own seed; an example stops moving once it is misclassified.
 */
export async function gradientAttack(request: AttackRequest, settings: GradientAttackSettings): Promise<Float32Array> {
  const { model, examples, threat } = request;
  if (threat.kind !== 'box') throw new DeeplineError('DL_INTERNAL', `a gradient attack moves continuous inputs, not ${threat.kind}`);
  const size = threat.box.size;
  const batchSize = request.batchSize ?? 256;
  const out = new Float32Array(examples.n * size);
  const forward = (x: tf.Tensor): tf.Tensor => model.apply(x, { training: false }) as tf.Tensor;
  for (let start = 0, batch = 0; start < examples.n; start += batchSize, batch++) {
    const end = Math.min(examples.n, start + batchSize);
    const x = tf.tensor(examples.x.subarray(start * size, end * size), [end - start, ...examples.featureShape]);
    const y = tf.tensor1d(examples.y.subarray(start, end));
    try {
      const epsilon = typeof request.epsilon === 'number' ? request.epsilon : request.epsilon.subarray(start, end);
      const adversarial = perturbBatch(forward, x, y, threat.box, { ...settings, epsilon, seed: layerSeed(request.seed, batch), stopOnSuccess: true });
      out.set(await adversarial.data(), start * size);
      adversarial.dispose();
    } finally {
      tf.dispose([x, y]);
    }
    // Let timers and signal handlers run between batches.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return out;
}
