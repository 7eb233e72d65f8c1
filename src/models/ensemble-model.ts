import * as tf from '@tensorflow/tfjs';
import { DeeplineError } from '../errors/index.ts';

/**
 * One TF.js model that averages `members` (each a trained single-input, single-output model on
 * the same input): every member's layers are rebuilt under a `m<k>_` prefix on one shared input,
 * given the member's weights, and an Average layer takes each member's output `weights[k]` times
 * (integer weights, as greedy ensemble selection gives them). A plain graph of the built-in
 * layers — no model nested in a model — so it saves, loads, serves and exports to ONNX like any
 * single model (the Average becomes one ONNX Mean node). A lone member is returned as it is.
 */
export function ensembleModel(members: readonly tf.LayersModel[], weights: readonly number[]): tf.LayersModel {
  const kept = members.map((m, k) => ({ model: m, weight: weights[k] ?? 0, k })).filter((m) => m.weight > 0);
  if (kept.length === 0) throw new DeeplineError('DL_INTERNAL', 'an ensemble needs at least one member with a positive weight');
  if (kept.length === 1) return kept[0]!.model;
  const shape = kept[0]!.model.inputs[0]!.shape.slice(1) as number[];
  const input = tf.input({ shape, name: 'ensemble_input' });
  const outputs: tf.SymbolicTensor[] = [];
  for (const { model, weight, k } of kept) {
    const out = rebuild(functionalOf(model), input, `m${k}_`);
    for (let i = 0; i < weight; i++) outputs.push(out);
  }
  const averaged = tf.layers.average({ name: 'ensemble_average' }).apply(outputs) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: averaged, name: 'ensemble' });
}

interface LayerNode {
  readonly inputTensors: readonly tf.SymbolicTensor[];
  readonly outputTensors: readonly tf.SymbolicTensor[];
}

/** Re-applies `model`'s layers, in topological order, on `input`; returns its output there. */
function rebuild(model: tf.LayersModel, input: tf.SymbolicTensor, prefix: string): tf.SymbolicTensor {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new DeeplineError('DL_INTERNAL', `an ensemble member must have one input and one output, but ${model.name} has ${model.inputs.length} and ${model.outputs.length}`);
  }
  const mapped = new Map<number, tf.SymbolicTensor>([[model.inputs[0]!.id, input]]);
  const registry = tf.serialization.SerializationMap.getMap().classNameMap;
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const nodes = (layer as unknown as { inboundNodes: LayerNode[] }).inboundNodes;
    if (nodes.length !== 1) throw new DeeplineError('DL_INTERNAL', `layer ${layer.name} is used ${nodes.length} times; ensemble members use each layer once`);
    const entry = registry[layer.getClassName()];
    if (!entry) throw new DeeplineError('DL_INTERNAL', `layer class ${layer.getClassName()} is not registered with TF.js, so it cannot be rebuilt in an ensemble`);
    const [cls, fromConfig] = entry;
    const clone = fromConfig(cls, { ...layer.getConfig(), name: `${prefix}${layer.name}` } as tf.serialization.ConfigDict) as tf.layers.Layer;
    const node = nodes[0]!;
    const inputs = node.inputTensors.map((t) => {
      const value = mapped.get(t.id);
      if (!value) throw new DeeplineError('DL_INTERNAL', `layer ${layer.name} reads a tensor from outside its model`);
      return value;
    });
    const out = clone.apply(inputs.length === 1 ? inputs[0]! : inputs) as tf.SymbolicTensor | tf.SymbolicTensor[];
    const outs = Array.isArray(out) ? out : [out];
    node.outputTensors.forEach((t, i) => mapped.set(t.id, outs[i]!));
    clone.setWeights(layer.getWeights());
  }
  const output = mapped.get(model.outputs[0]!.id);
  if (!output) throw new DeeplineError('DL_INTERNAL', `the output of ${model.name} was not rebuilt`);
  return output;
}

/** The functional model a Sequential keeps (built on first use), or the model itself. */
function functionalOf(model: tf.LayersModel): tf.LayersModel {
  if (model.getClassName() !== 'Sequential') return model;
  const sequential = model as unknown as { model?: tf.LayersModel; build(): void };
  if (!sequential.model && model.layers.length > 0) sequential.build();
  return sequential.model ?? model;
}
