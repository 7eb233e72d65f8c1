import type * as tf from '@tensorflow/tfjs';

/**
 * The channels of a model, as structured pruning sees them. A *space* is a set of channels that
 * must be pruned together: a layer that makes channels (conv, separable conv, dense) starts one;
 * batch norm, activations, dropout, pooling and depthwise convs carry it on; an `Add` joins the
 * spaces of its inputs (a residual shortcut and its branch keep the same channels, or neither
 * loses any). A space that reaches something pruning cannot follow (the model's input or output,
 * a concatenation, a reshape, layer norm, a recurrent layer) is frozen: it keeps every channel.
 */
export interface ChannelGraph {
  readonly spaces: readonly ChannelSpace[];
  /** Every layer (input layer included) of the functional model, in topological order. */
  readonly layers: readonly tf.layers.Layer[];
}

export interface ChannelSpace {
  /** Stable across rebuilds of the same model: its producers' names, joined. */
  readonly key: string;
  readonly size: number;
  readonly frozen: boolean;
  /** Layers whose outputs are this space's channels (kernel's last axis, bias). */
  readonly producers: readonly Producer[];
  /** Layers with one weight entry per channel of the space (batch norm, depthwise conv). */
  readonly members: readonly tf.layers.Layer[];
  /** Layers reading the space's channels as inputs. */
  readonly consumers: readonly Consumer[];
}

export interface Producer {
  readonly layer: tf.layers.Layer;
  /** A batch norm applied directly (and only) to this producer's output, whose scale weighs its channels. */
  readonly batchNorm?: tf.layers.Layer;
}

export interface Consumer {
  readonly layer: tf.layers.Layer;
  /**
   * Positions flattened into the consumed axis before the channels (a Flatten of [h, w, C] makes
   * row p·C + c for position p): 1 when the channels are the last axis as they are.
   */
  readonly positions: number;
}

/** Layers that act on each value alone: they keep every channel and every flattened position. */
const ELEMENTWISE = new Set(['Activation', 'Dropout', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU']);
/** Layers that keep the channels of a channels-last tensor one to one (not of a flattened one). */
const PER_CHANNEL = new Set([
  'SpatialDropout1D',
  'SpatialDropout2D',
  'MaxPooling1D',
  'MaxPooling2D',
  'AveragePooling1D',
  'AveragePooling2D',
  'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
]);
const PRODUCERS = new Set(['Conv1D', 'Conv2D', 'SeparableConv2D', 'Dense']);

interface TensorChannels {
  readonly space: number;
  /** Flattened positions ahead of the channels (see Consumer.positions). */
  readonly positions: number;
}

interface MutableSpace {
  size: number;
  frozen: boolean;
  producers: Producer[];
  members: tf.layers.Layer[];
  consumers: Consumer[];
}

/** Analyses `model` (sequential or functional, one input and one output) into its channel spaces. */
export function channelGraph(model: tf.LayersModel): ChannelGraph {
  const functional = functionalOf(model);
  const spaces: MutableSpace[] = [];
  const parent: number[] = [];
  const find = (s: number): number => (parent[s] === s ? s : (parent[s] = find(parent[s]!)));
  const newSpace = (size: number, frozen: boolean): number => {
    spaces.push({ size, frozen, producers: [], members: [], consumers: [] });
    parent.push(spaces.length - 1);
    return spaces.length - 1;
  };
  const freeze = (s: number): void => {
    spaces[find(s)]!.frozen = true;
  };
  const union = (a: number, b: number): void => {
    const [ra, rb] = [find(a), find(b)];
    if (ra === rb) return;
    const [A, B] = [spaces[ra]!, spaces[rb]!];
    if (A.size !== B.size) A.frozen = true;
    A.frozen ||= B.frozen;
    A.producers.push(...B.producers);
    A.members.push(...B.members);
    A.consumers.push(...B.consumers);
    parent[rb] = ra;
  };
  const values = new Map<string, TensorChannels>();
  const key = (layer: string, node: number, tensor: number): string => `${layer}\u0000${node}\u0000${tensor}`;
  // How many layers read each output: a batch norm weighs its producer only when it alone reads it.
  const readers = new Map<string, number>();
  for (const layer of functional.layers) {
    for (const node of inboundNodes(layer)) node.inboundLayers.forEach((from) => readers.set(from.name, (readers.get(from.name) ?? 0) + 1));
  }

  for (const layer of functional.layers) {
    const nodes = inboundNodes(layer);
    const className = layer.getClassName();
    if (className === 'InputLayer') {
      const shape = functional.inputs[0]!.shape;
      values.set(key(layer.name, 0, 0), { space: newSpace(Number(shape.at(-1) ?? 1), true), positions: 1 });
      continue;
    }
    // A layer applied more than once (shared weights) would need the same channels in every use.
    const shared = nodes.length > 1;
    nodes.forEach((node, nodeIndex) => {
      const inputs = node.inboundLayers.map((from, k) => values.get(key(from.name, node.nodeIndices[k]!, node.tensorIndices[k]!)));
      if (inputs.length === 0) return;
      const known = inputs.filter((x): x is TensorChannels => x !== undefined);
      const outputShape = outputShapeOf(layer);
      const lastAxis = Number(outputShape.at(-1) ?? 1);
      const frozenOutput = (): TensorChannels => {
        known.forEach((x) => freeze(x.space));
        return { space: newSpace(lastAxis, true), positions: 1 };
      };
      let out: TensorChannels;
      const input = known[0];
      if (shared || known.length !== inputs.length || !input) out = frozenOutput();
      else if (PRODUCERS.has(className)) {
        // A softmax across the channels ties each to all the others.
        const producing = newSpace(lastAxis, softmaxOf(layer));
        const consumes = className === 'Dense' || input.positions === 1;
        if (consumes) spaces[find(input.space)]!.consumers.push({ layer, positions: input.positions });
        else freeze(input.space);
        spaces[producing]!.producers.push({ layer });
        out = { space: producing, positions: 1 };
      } else if (className === 'BatchNormalization' && lastAxisNorm(layer) && input.positions === 1) {
        spaces[find(input.space)]!.members.push(layer);
        const producer = spaces[find(input.space)]!.producers.find((p) => p.layer === node.inboundLayers[0]);
        if (producer && readers.get(producer.layer.name) === 1) (producer as { batchNorm?: tf.layers.Layer }).batchNorm = layer;
        out = input;
      } else if (className === 'DepthwiseConv2D' && Number((layer.getConfig() as { depthMultiplier?: number }).depthMultiplier ?? 1) === 1 && input.positions === 1) {
        spaces[find(input.space)]!.members.push(layer);
        out = input;
      } else if (ELEMENTWISE.has(className) && !softmaxOf(layer)) out = input;
      else if (PER_CHANNEL.has(className) && input.positions === 1) out = input;
      else if (className === 'Flatten' && input.positions === 1) {
        const inputShape = inputShapeOf(layer);
        const positions = inputShape.slice(1, -1).reduce((a: number, b) => a * Number(b), 1);
        out = { space: input.space, positions };
      } else if (className === 'Add' && known.every((x) => x.positions === 1)) {
        known.slice(1).forEach((x) => union(known[0]!.space, x.space));
        out = { space: known[0]!.space, positions: 1 };
      } else out = frozenOutput();
      values.set(key(layer.name, nodeIndex, 0), out);
    });
  }
  for (let k = 0; k < functional.outputLayers.length; k++) {
    const layer = functional.outputLayers[k]!;
    const out = values.get(key(layer.name, functional.outputLayersNodeIndices[k]!, functional.outputLayersTensorIndices[k]!));
    if (out) freeze(out.space);
  }
  const roots = [...new Set(spaces.map((_, s) => find(s)))];
  return {
    layers: functional.layers,
    spaces: roots
      .map((r) => spaces[r]!)
      .filter((s) => s.producers.length > 0)
      .map((s) => ({
        key: s.producers.map((p) => p.layer.name).sort().join('+'),
        size: s.size,
        frozen: s.frozen || s.size < 2,
        producers: s.producers,
        members: s.members,
        consumers: s.consumers,
      })),
  };
}

/** The functional model behind a model: a Sequential keeps one, built on first use. */
export function functionalOf(model: tf.LayersModel): tf.LayersModel {
  if (model.getClassName() !== 'Sequential') return model;
  const sequential = model as unknown as { model?: tf.LayersModel; build(): void };
  if (!sequential.model && model.layers.length > 0) sequential.build();
  return sequential.model ?? model;
}

interface InboundNode {
  readonly inboundLayers: readonly tf.layers.Layer[];
  readonly nodeIndices: readonly number[];
  readonly tensorIndices: readonly number[];
}

function inboundNodes(layer: tf.layers.Layer): InboundNode[] {
  return (layer as unknown as { inboundNodes: InboundNode[] }).inboundNodes;
}

function outputShapeOf(layer: tf.layers.Layer): readonly (number | null)[] {
  const shape = layer.outputShape;
  return (Array.isArray(shape[0]) ? shape[0] : shape) as (number | null)[];
}

function inputShapeOf(layer: tf.layers.Layer): readonly (number | null)[] {
  const input = layer.input;
  return (Array.isArray(input) ? input[0]! : input).shape;
}

function softmaxOf(layer: tf.layers.Layer): boolean {
  const activation = (layer.getConfig() as { activation?: unknown }).activation;
  return activation === 'softmax' || activation === 'logSoftmax';
}

function lastAxisNorm(layer: tf.layers.Layer): boolean {
  const axis = Number((layer.getConfig() as { axis?: number }).axis ?? -1);
  return axis === -1 || axis === inputShapeOf(layer).length - 1;
}
