import * as tf from '@tensorflow/tfjs';
import type { Activation } from './genome.ts';

/**
 * The weight initializer that keeps activations' variance stable for `activation`
 * (He for the ReLU family, LeCun for SELU, Glorot otherwise), seeded.
 */
export function kernelInitializer(activation: Activation | 'linear' | 'softmax', seed: number): ReturnType<typeof tf.initializers.heNormal> {
  switch (activation) {
    case 'relu':
    case 'elu':
    case 'swish':
      return tf.initializers.heNormal({ seed });
    case 'selu':
      return tf.initializers.leCunNormal({ seed });
    default:
      return tf.initializers.glorotUniform({ seed });
  }
}
