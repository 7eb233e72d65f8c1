import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { compactTopology, saveModel } from '../../train/model-io.ts';
import { isKernelWeight } from '../kernel-weights.ts';
import { encodeFloat16, quantizeAffineUint8 } from './weight-quantization.ts';

/** How a TF.js model's weights are stored: as trained, in half precision, or kernels in 8 bits. */
export type WeightPrecision = 'float32' | 'float16' | 'int8';

/**
 * Writes `model` to `dir` in the TF.js layers format (model.json + weights.bin), its float32
 * weights stored as `precision` with the `quantization` manifest fields TF.js's loader
 * dequantizes (`{ dtype: 'float16' }`, `{ dtype: 'uint8', scale, min }`): tf.loadLayersModel
 * (and `loadModel`) read the folder as any other. Under `int8`, kernels and embedding tables take
 * TF.js's per-tensor affine uint8 and the small vectors (biases, batch-norm statistics, whose
 * relative precision matters) float16.
 */
export async function saveQuantizedModel(model: tf.LayersModel, dir: string, precision: WeightPrecision): Promise<void> {
  if (precision === 'float32') return saveModel(model, dir);
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const saved = artifacts!;
  const specs = saved.weightSpecs ?? [];
  const data = saved.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(saved.weightData);
  const decoded = tf.io.decodeWeights(data, specs);
  const parts: Uint8Array[] = [];
  const quantizedSpecs: tf.io.WeightsManifestEntry[] = specs.map((spec) => {
    const tensor = decoded[spec.name]!;
    const values = tensor.dataSync();
    tensor.dispose();
    if (spec.dtype !== 'float32') {
      parts.push(new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice());
      return { ...spec };
    }
    const floats = values as Float32Array;
    if (precision === 'int8' && isKernelWeight(spec.name)) {
      const q = quantizeAffineUint8(floats);
      parts.push(q.values);
      return { ...spec, quantization: { dtype: 'uint8', scale: q.scale, min: q.min } };
    }
    const half = encodeFloat16(floats);
    parts.push(new Uint8Array(half.buffer));
    return { ...spec, quantization: { dtype: 'float16' } };
  });
  const weights = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    weights.set(p, offset);
    offset += p.byteLength;
  }
  const json: tf.io.ModelJSON = {
    modelTopology: compactTopology(saved.modelTopology ?? {}),
    format: saved.format,
    generatedBy: saved.generatedBy,
    convertedBy: saved.convertedBy,
    weightsManifest: [{ paths: ['weights.bin'], weights: quantizedSpecs }],
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'weights.bin'), weights);
  await writeFile(join(dir, 'model.json'), JSON.stringify(json));
}
