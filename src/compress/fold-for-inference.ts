import * as tf from '@tensorflow/tfjs';
import { functionalOf } from './pruning/channel-graph.ts';
import { weightSuffix } from './pruning/prune-channels.ts';

/** Layers whose output channels a batch norm right after them can be folded into. */
const FOLDABLE = new Set(['Conv1D', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense']);

type LayerJson = { class_name: string; name?: string; config: Record<string, unknown>; inbound_nodes?: unknown[] };

/**
 * The same function as `model`, in fewer layers for inference:
 * - every inference-time batch norm is folded into the layer before it: a batch norm over the
 *   last axis whose only input is a conv or dense layer without activation, itself read by
 *   nothing else, becomes that layer's kernel scaled by γ/√(σ²+ε) per output channel and its bias
 *   (b − μ)·γ/√(σ²+ε) + β;
 * - then an Activation layer whose only input is such a layer (or its folded batch norm), read
 *   by nothing else, becomes that layer's own activation.
 * What is saved then runs one or two layers fewer per block on every engine: TF.js runs a conv or
 * dense layer with its bias and activation as one fused kernel, and an int8 convolution's output
 * goes straight to its activation. Returns the model itself when there is nothing to fold.
 */
export async function foldForInference(model: tf.LayersModel): Promise<tf.LayersModel> {
  const functional = functionalOf(model);
  const readers = new Map<string, number>();
  const inputsOf = (layer: tf.layers.Layer): tf.layers.Layer[] => (layer as unknown as { inboundNodes: { inboundLayers: tf.layers.Layer[] }[] }).inboundNodes.flatMap((n) => n.inboundLayers);
  const calledOnce = (layer: tf.layers.Layer): boolean => (layer as unknown as { inboundNodes: unknown[] }).inboundNodes.length === 1;
  for (const layer of functional.layers) for (const from of inputsOf(layer)) readers.set(from.name, (readers.get(from.name) ?? 0) + 1);
  const outputNames = new Set(functional.outputLayers.map((l) => l.name));
  // A layer whose output only `reader` reads, so that `reader` may be folded into it.
  const feedsOnly = (layer: tf.layers.Layer): boolean => readers.get(layer.name) === 1 && !outputNames.has(layer.name);
  const linear = (layer: tf.layers.Layer): boolean => FOLDABLE.has(layer.getClassName()) && (layer.getConfig() as { activation?: string }).activation === 'linear' && calledOnce(layer);
  // batch norm name → the layer it folds into
  const folds = new Map<string, tf.layers.Layer>();
  for (const layer of functional.layers) {
    if (layer.getClassName() !== 'BatchNormalization' || !calledOnce(layer)) continue;
    const config = layer.getConfig() as { axis?: number };
    const rank = (layer.input as tf.SymbolicTensor).shape.length;
    if (config.axis !== undefined && config.axis !== -1 && config.axis !== rank - 1) continue;
    const [producer, ...more] = inputsOf(layer);
    if (!producer || more.length > 0 || !linear(producer) || !feedsOnly(producer)) continue;
    folds.set(layer.name, producer);
  }
  // activation layer name → the layer it becomes the activation of, and that activation
  const activations = new Map<string, { producer: tf.layers.Layer; activation: string }>();
  for (const layer of functional.layers) {
    if (layer.getClassName() !== 'Activation' || !calledOnce(layer)) continue;
    const [input, ...more] = inputsOf(layer);
    if (!input || more.length > 0 || !feedsOnly(input)) continue;
    const producer = folds.get(input.name) ?? input;
    if (!linear(producer)) continue;
    activations.set(layer.name, { producer, activation: String((layer.getConfig() as { activation?: unknown }).activation) });
  }
  if (folds.size === 0 && activations.size === 0) return model;

  const topology = model.toJSON(null, false) as unknown as { class_name: string; config: { layers: LayerJson[]; output_layers?: unknown[] } };
  const producerOf = new Map([...[...folds].map(([bn, producer]) => [bn, producer.name] as const), ...[...activations].map(([act, a]) => [act, a.producer.name] as const)]);
  const rename = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      if (typeof value[0] === 'string' && producerOf.has(value[0])) return [producerOf.get(value[0]), ...value.slice(1)];
      return value.map(rename);
    }
    return value;
  };
  const folded = new Set([...folds.values()].map((p) => p.name));
  const activationOf = new Map([...activations.values()].map((a) => [a.producer.name, a.activation]));
  topology.config.layers = topology.config.layers
    .filter((l) => !producerOf.has(String(l.config.name)))
    .map((l) => {
      const name = String(l.config.name);
      const activation = activationOf.get(name);
      return {
        ...l,
        config: { ...l.config, ...(folded.has(name) && { use_bias: true }), ...(activation !== undefined && { activation }) },
        ...(l.inbound_nodes && { inbound_nodes: rename(l.inbound_nodes) as unknown[] }),
      };
    });
  if (topology.config.output_layers) topology.config.output_layers = rename(topology.config.output_layers) as unknown[];
  const result = await tf.models.modelFromJSON({ modelTopology: topology } as never);

  const bnOf = new Map([...folds].map(([bn, producer]) => [producer.name, functional.getLayer(bn)]));
  const affines: tf.Tensor[] = [];
  for (const layer of result.layers) {
    if (layer.weights.length === 0) continue;
    const old = functional.getLayer(layer.name);
    const bn = bnOf.get(layer.name);
    const values = (() => {
      if (!bn) return layer.weights.map((w) => old.weights.find((o) => weightSuffix(o.originalName) === weightSuffix(w.originalName))!.read().clone());
      const { scale, shift } = batchNormAffine(bn);
      affines.push(scale, shift);
      return tf.tidy(() =>
        layer.weights.map((w) => {
          const suffix = weightSuffix(w.originalName);
          const source = old.weights.find((o) => weightSuffix(o.originalName) === suffix)?.read();
          if (suffix === 'bias') return source ? tf.add(tf.mul(source, scale), shift) : shift.clone();
          // A separable conv's depthwise kernel comes before its output channels, which the pointwise kernel makes.
          if (suffix === 'depthwise_kernel' && layer.getClassName() === 'SeparableConv2D') return source!.clone();
          // The kernel that makes the output channels: its last axis (depthwise: the last two, flattened, c·m + k).
          return tf.mul(source!, suffix === 'depthwise_kernel' ? tf.reshape(scale, source!.shape.slice(-2)) : scale);
        }),
      );
    })();
    layer.setWeights(values);
    tf.dispose(values);
  }
  tf.dispose(affines);
  return result;
}

/** What batch norm does at inference, per channel: y = x·scale + shift. */
function batchNormAffine(bn: tf.layers.Layer): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
  const config = bn.getConfig() as { epsilon?: number };
  const get = (suffix: string): tf.Tensor | undefined => bn.weights.find((w) => weightSuffix(w.originalName) === suffix)?.read();
  return tf.tidy(() => {
    const variance = get('moving_variance')!;
    const gamma = get('gamma') ?? tf.onesLike(variance);
    const beta = get('beta') ?? tf.zerosLike(variance);
    const scale = tf.div(gamma, tf.sqrt(tf.add(variance, config.epsilon ?? 1e-3))) as tf.Tensor1D;
    return { scale, shift: tf.sub(beta, tf.mul(get('moving_mean')!, scale)) as tf.Tensor1D };
  });
}
