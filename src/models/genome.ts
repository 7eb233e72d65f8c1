/**
 * Genomes: plain JSON that fully describes a model's architecture, so a search can sample,
 * store and compare them, and `buildModel` can rebuild the same network from one. Weights and
 * the output head are not part of a genome: the head follows from the task, weights from a seed.
 */

export type Activation = 'relu' | 'elu' | 'selu' | 'tanh' | 'swish';

export interface MlpGenome {
  readonly family: 'mlp';
  /** Units of each hidden dense layer, input side first. */
  readonly hidden: readonly number[];
  /** Dropout rate after each hidden layer, in [0, 1). */
  readonly dropout: number;
  /** Batch normalisation between each hidden layer's dense transform and its activation. */
  readonly batchNorm: boolean;
  readonly activation: Activation;
}

export type PoolKind = 'max' | 'avg' | 'none';

/**
 * `conv`: one convolution. `residual`: two convolutions added to the block's input (a 1x1
 * projection when the filter count changes), which lets deep stacks train. `separable`: a
 * depthwise then a 1x1 pointwise convolution, far fewer weights for the same receptive field.
 */
export type CnnBlockKind = 'conv' | 'residual' | 'separable';

export interface CnnBlock {
  /** Absent means 'conv', so genomes stored before block kinds existed still build the same network. */
  readonly kind?: CnnBlockKind;
  readonly filters: number;
  readonly kernelSize: number;
  /** 2x2 pooling after the convolution; skipped where the feature map is already 1 pixel wide. */
  readonly pool: PoolKind;
  readonly batchNorm: boolean;
}

export interface CnnGenome {
  readonly family: 'cnn';
  readonly blocks: readonly CnnBlock[];
  /** Units of the dense layers between the convolutional part and the head. */
  readonly dense: readonly number[];
  /** Dropout rate before each dense layer (and before the head), in [0, 1). */
  readonly dropout: number;
  /** How the last feature map becomes a vector: global average/max pooling, or 'none' to flatten. */
  readonly globalPool: 'avg' | 'max' | 'none';
}

/** Token embedding, 1-D convolutions (with 2x max pooling between them), global max pooling, dense layers. */
export interface TextConvGenome {
  readonly family: 'text-conv';
  readonly embeddingDim: number;
  /** Filters of each 1-D convolution, input side first. */
  readonly convFilters: readonly number[];
  readonly kernelSize: number;
  readonly dense: readonly number[];
  /** Dropout rate before each dense layer and before the head, in [0, 1). */
  readonly dropout: number;
}

/** Token embedding, a bidirectional recurrent layer read at its last step, dense layers. */
export interface TextRnnGenome {
  readonly family: 'text-rnn';
  readonly embeddingDim: number;
  readonly cell: 'gru' | 'lstm';
  /** Units of each direction; the encoding is twice as wide. */
  readonly units: number;
  readonly dense: readonly number[];
  readonly dropout: number;
}

/** Any built-in genome. Families added by users define their own genome types. */
export type ModelGenome = MlpGenome | CnnGenome | TextConvGenome | TextRnnGenome;

/** What every genome has, user families' included: the name of the family that builds it. */
export interface GenomeBase {
  readonly family: string;
}
