import * as tf from '@tensorflow/tfjs';
import { DeeplineError } from '../../errors/index.ts';
import { layerSeed } from '../../seed/layer-seed.ts';
import type { FamilyBuildContext } from './model-family.ts';

/**
 * The embedding layer every text family starts with, after checking that the input is a row of
 * token ids and that the build context carries the transform's vocabulary size (which sizes the table).
 */
export function tokenEmbedding(familyName: string, embeddingDim: number, { inputShape, seed, vocabSize }: FamilyBuildContext): tf.layers.Layer {
  if (inputShape.length !== 1) {
    throw new DeeplineError('DL_TASK_FIELD', `the ${familyName} family needs a row of token ids of shape [maxLen], but got [${inputShape.join(', ')}]`, {
      hint: 'use it for text-classification, whose transform turns each text into token ids',
    });
  }
  if (vocabSize === undefined || !Number.isInteger(vocabSize) || vocabSize < 2) {
    throw new DeeplineError('DL_INTERNAL', `the ${familyName} family needs the vocabulary size of the data transform, but got ${String(vocabSize)}`, {
      hint: "pass vocabSize (the transform's vocabulary length) when building a text model",
    });
  }
  return tf.layers.embedding({
    inputDim: vocabSize,
    outputDim: embeddingDim,
    inputShape: [inputShape[0]],
    // Small uniform vectors, as Keras does: no token dominates a pooled or convolved sum at the start.
    embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: layerSeed(seed, 0) }),
    name: 'embedding',
  });
}
