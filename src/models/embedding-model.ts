import * as tf from '@tensorflow/tfjs';

/**
 * The model up to its embedding: the input of its last dense layer (the penultimate
 * representation the classifier or regressor head reads). Drift on images and text is measured
 * there — on what the model itself sees — rather than on pixels or token ids. The exported ONNX
 * model's `embedding` output, where present, is this same tensor. Undefined for a model whose
 * last dense layer reads its input directly (a linear model has no representation of its own).
 */
export function embeddingModel(model: tf.LayersModel): tf.LayersModel | undefined {
  const dense = [...model.layers].reverse().find((layer) => layer.getClassName() === 'Dense');
  if (!dense) return undefined;
  const input = dense.input as tf.SymbolicTensor | tf.SymbolicTensor[];
  const tensor = Array.isArray(input) ? input[0]! : input;
  if (model.inputs.includes(tensor)) return undefined;
  return tf.model({ inputs: model.inputs, outputs: tensor });
}
