import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/dataset.ts';

/** A saved model loaded back from its files, as a user's runtime would load it. */
export interface SavedModel {
  /** What runs it: `tfjs (native)`, `onnxruntime-node 1.23.2`. */
  readonly runtime: string;
  /** The outputs for `n` examples given row-major, as the saved form computes them. */
  predict(x: Float32Array, n: number): Promise<Float32Array>;
  release(): Promise<void>;
}

export interface QuantizeContext {
  /** Training examples: int8 ONNX calibrates its activation ranges on them. */
  readonly calibration: Pick<Dataset, 'n' | 'featureShape' | 'x'>;
  /** Recorded in the file where the format has room for it (class names, the task). */
  readonly properties: Readonly<Record<string, string>>;
}

/**
 * One way of saving a model: a format (`tfjs`, `onnx`) at a weight precision (`float32`,
 * `float16`, `int8`), registered in the run context as `format/precision`
 * (`registries.quantizers`). `write` saves, `open` loads the saved files back so that what is
 * measured is what is deployed. Modules that need TF.js or a runtime are imported by `write`
 * and `open`, never at registration.
 */
export interface Quantizer {
  readonly format: string;
  readonly precision: string;
  readonly description: string;
  /** The name its file or folder is published under in the output folder: `model`, `model.onnx`. */
  readonly fileName: string;
  write(model: tf.LayersModel, path: string, context: QuantizeContext): Promise<void>;
  open(path: string, featureShape: readonly number[]): Promise<SavedModel>;
}

/** The registry key of a quantizer: `tfjs/int8`. */
export function quantizerKey(format: string, precision: string): string {
  return `${format}/${precision}`;
}
