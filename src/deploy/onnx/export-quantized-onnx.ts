import type * as tf from '@tensorflow/tfjs';
import type { WeightPrecision } from '../../compress/quantize/save-quantized-model.ts';
import { exportOnnx, type OnnxSignature } from './export-onnx.ts';
import { Float16OnnxGraph } from './float16-onnx-graph.ts';
import { QdqOnnxGraph, type ActivationRange } from './qdq-onnx-graph.ts';

/** Examples the int8 model's activation ranges are measured on: row-major, `featureShape` each. */
export interface CalibrationExamples {
  readonly n: number;
  readonly featureShape: readonly number[];
  readonly x: Float32Array;
}

export interface QuantizedOnnxOptions {
  readonly precision: WeightPrecision;
  /** Needed for `int8`: training examples, a few hundred at most. */
  readonly calibration?: CalibrationExamples;
  readonly properties?: Readonly<Record<string, string>>;
}

const CALIBRATION_BATCH = 64;

/**
 * The model as ONNX with its weights in `precision`: float32 as `exportOnnx` writes it, float16
 * initializers cast back on load, or int8 QDQ (see QdqOnnxGraph) with activation ranges measured
 * by running the float graph in ONNX Runtime on the calibration examples (min and max of each).
 */
export async function exportQuantizedOnnx(model: tf.LayersModel, options: QuantizedOnnxOptions): Promise<{ readonly bytes: Uint8Array; readonly signature: OnnxSignature }> {
  const properties = { ...options.properties, ...(options.precision !== 'float32' && { weights: options.precision }) };
  if (options.precision === 'float32') return exportOnnx(model, { properties });
  if (options.precision === 'float16') return exportOnnx(model, { properties, graph: new Float16OnnxGraph() });
  const probe = new QdqOnnxGraph();
  const { bytes, signature } = exportOnnx(model, { graph: probe });
  const ranges = await activationRanges(bytes, signature.input, probe.observed, options.calibration);
  return exportOnnx(model, { properties, graph: new QdqOnnxGraph(ranges) });
}

async function activationRanges(graph: Uint8Array, input: string, observed: ReadonlyMap<string, string>, calibration: CalibrationExamples | undefined): Promise<Map<string, ActivationRange>> {
  const ranges = new Map<string, ActivationRange>();
  if (!calibration || calibration.n === 0 || observed.size === 0) return ranges;
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(graph);
  const d = calibration.featureShape.reduce((a, b) => a * b, 1);
  const low = new Map<string, number>();
  const high = new Map<string, number>();
  try {
    for (let start = 0; start < calibration.n; start += CALIBRATION_BATCH) {
      const end = Math.min(calibration.n, start + CALIBRATION_BATCH);
      const feeds = { [input]: new ort.Tensor('float32', calibration.x.slice(start * d, end * d), [end - start, ...calibration.featureShape]) };
      // All outputs: onnxruntime-node 1.23 maps a list of fetches to the wrong outputs.
      const result = await session.run(feeds);
      for (const [activation, output] of observed) {
        const values = result[output]!.data as Float32Array;
        let lo = low.get(activation) ?? Infinity;
        let hi = high.get(activation) ?? -Infinity;
        for (const v of values) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        low.set(activation, lo);
        high.set(activation, hi);
      }
    }
  } finally {
    await session.release();
  }
  for (const activation of observed.keys()) ranges.set(activation, { min: low.get(activation)!, max: high.get(activation)! });
  return ranges;
}
