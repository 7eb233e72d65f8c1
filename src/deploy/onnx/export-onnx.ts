import type * as tf from '@tensorflow/tfjs';
import { DeeplineError } from '../../errors/index.ts';
import { CONV_CONVERTERS } from './convert-conv-layers.ts';
import { CORE_CONVERTERS, unsupported, type LayerConverter } from './convert-core-layers.ts';
import { RECURRENT_CONVERTERS } from './convert-recurrent-layers.ts';
import { OnnxGraph } from './onnx-graph.ts';

/** Every layer class the ONNX exporter writes, by TF.js class name. */
export const ONNX_CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  ...CORE_CONVERTERS,
  ...CONV_CONVERTERS,
  ...RECURRENT_CONVERTERS,
};

export interface OnnxExportOptions {
  /** The graph's name (the model's by default). */
  readonly name?: string;
  /** Key/value pairs stored in the model's metadata (class names, the task, deepline's version). */
  readonly properties?: Readonly<Record<string, string>>;
  /** The graph the layers are written into: a subclass stores weights differently (float16, int8 QDQ). */
  readonly graph?: OnnxGraph;
}

/** What the exported graph takes and gives, for callers feeding it. */
export interface OnnxSignature {
  readonly input: string;
  /** The input's shape; `null` is the batch. */
  readonly inputShape: readonly (number | null)[];
  readonly output: string;
  readonly outputShape: readonly (number | null)[];
  /** The second output, `embedding`: the input of the last dense layer (absent where that is the model's input). */
  readonly embedding?: string;
  readonly embeddingShape?: readonly (number | null)[];
}

/**
 * Writes a TF.js layers model (sequential or functional, one input and one output) as an ONNX
 * model (opset 17): every layer in the model's topological order becomes ONNX nodes, its weights
 * initializers. Tensors stay channels-last as in TF.js, so the graph takes and gives exactly what
 * `model.predict` does. A layer or setting without a converter is a DL_EXPORT error naming it,
 * raised here rather than when the file is loaded.
 *
 * A second output, `embedding`, gives the input of the model's last dense layer (the penultimate
 * representation its head reads), so a server logs what the model saw — for drift on images and
 * text — from the same run; a model whose last dense layer reads its input directly has none.
 */
export function exportOnnx(wrapper: tf.LayersModel, options: OnnxExportOptions = {}): { readonly bytes: Uint8Array; readonly signature: OnnxSignature } {
  const model = functionalOf(wrapper);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new DeeplineError('DL_EXPORT', `cannot export model ${model.name} to ONNX: it has ${model.inputs.length} inputs and ${model.outputs.length} outputs (one of each is exported)`);
  }
  const graph = options.graph ?? new OnnxGraph();
  // A value per (layer, node index, tensor index), as TF.js's graph links them.
  const values = new Map<string, string>();
  const key = (layerName: string, node: number, tensor: number): string => `${layerName}\u0000${node}\u0000${tensor}`;

  const inputShape = model.inputs[0]!.shape;
  const input = graph.input('input', inputShape);
  const inputLayer = model.inputLayers[0]!;
  values.set(key(inputLayer.name, 0, 0), input);
  // Taken before any layer names a value: a text model's first layer is itself called `embedding`.
  const embeddingName = graph.name('embedding');
  const lastDense = [...model.layers].reverse().find((layer) => layer.getClassName() === 'Dense');
  let embedding: string | undefined;

  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const convert = ONNX_CONVERTERS[layer.getClassName()];
    if (!convert) throw unsupported(layer, `no converter for ${layer.getClassName()} layers (exported: ${Object.keys(ONNX_CONVERTERS).join(', ')})`);
    const nodes = (layer as unknown as { inboundNodes: InboundNode[] }).inboundNodes;
    nodes.forEach((node, nodeIndex) => {
      const inputs = node.inboundLayers.map((from, k) => {
        const name = values.get(key(from.name, node.nodeIndices[k]!, node.tensorIndices[k]!));
        if (name === undefined) throw unsupported(layer, `its input from ${from.name} is not a value of the graph (a model nested in a model?)`);
        return name;
      });
      if (inputs.length === 0) return;
      if (layer === lastDense && nodeIndex === 0 && inputs[0] !== input) embedding = inputs[0];
      values.set(key(layer.name, nodeIndex, 0), convert(layer, inputs, graph));
    });
  }

  const outputLayer = model.outputLayers[0]!;
  const output = values.get(key(outputLayer.name, model.outputLayersNodeIndices[0]!, model.outputLayersTensorIndices[0]!));
  if (output === undefined) throw unsupported(outputLayer, 'the model output was not produced by the graph');
  const outputShape = model.outputs[0]!.shape;
  const named = graph.nameOutputValue(output, graph.name('output'));
  graph.output(named, outputShape);
  const embeddingShape = embedding !== undefined ? (lastDense!.input as tf.SymbolicTensor).shape : undefined;
  if (embedding !== undefined) {
    graph.nameOutputValue(embedding, embeddingName);
    graph.output(embeddingName, embeddingShape);
  }
  return {
    bytes: graph.encode({ name: options.name ?? wrapper.name, properties: options.properties }),
    signature: { input, inputShape, output: named, outputShape, ...(embedding !== undefined && { embedding: embeddingName, embeddingShape }) },
  };
}

interface InboundNode {
  readonly inboundLayers: readonly tf.layers.Layer[];
  readonly nodeIndices: readonly number[];
  readonly tensorIndices: readonly number[];
}

/**
 * The functional model behind a model: a Sequential keeps one (with its input layer, and the
 * node and tensor indices of its output), which lists its layers in topological order.
 */
function functionalOf(model: tf.LayersModel): tf.LayersModel {
  if (model.getClassName() !== 'Sequential') return model;
  const sequential = model as unknown as { model?: tf.LayersModel; build(): void };
  // A Sequential given its input shape builds its functional model lazily, on first use.
  if (!sequential.model && model.layers.length > 0) sequential.build();
  const inner = sequential.model;
  if (!inner) throw new DeeplineError('DL_EXPORT', `cannot export model ${model.name} to ONNX: the Sequential model is not built`, { hint: 'build or load the model before exporting it' });
  return inner;
}
