import { writeFile } from 'node:fs/promises';
import type * as tf from '@tensorflow/tfjs';
import { featureSize, type Dataset } from '../../data/dataset.ts';
import { DeeplineError } from '../../errors/index.ts';
import { exportFileName, type ExportCheck, type ExportContext, type Exporter } from './exporter.ts';

/** The largest difference allowed between ONNX Runtime's outputs and TF.js's on the check examples. */
export const ONNX_TOLERANCE = 1e-4;
const CHECK_EXAMPLES = 64;

/**
 * `model.onnx`, written by deepline's own converter (opset 17), then loaded by ONNX Runtime and
 * run on up to 64 test examples beside TF.js: an output more than 1e-4 away fails the export.
 */
export const onnxExporter: Exporter = {
  name: 'onnx',
  description: 'ONNX (opset 17), checked with ONNX Runtime against TF.js on test examples',
  async write(model: tf.LayersModel, path: string, context: ExportContext): Promise<ExportCheck> {
    const [{ exportOnnx }, ort, tf] = await Promise.all([import('../onnx/export-onnx.ts'), import('onnxruntime-node'), import('@tensorflow/tfjs')]);
    const { bytes, signature } = exportOnnx(model, { properties: context.properties });
    await writeFile(path, bytes);
    const sample = firstExamples(context.sample, CHECK_EXAMPLES);
    const x = tf.tensor(sample.x, [sample.n, ...sample.featureShape]);
    const session = await ort.InferenceSession.create(path);
    let maxAbsDiff = 0;
    try {
      const expected = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
      const result = await session.run({ [signature.input]: new ort.Tensor('float32', sample.x, [sample.n, ...sample.featureShape]) });
      const actual = result[signature.output]!.data as Float32Array;
      if (actual.length !== expected.length) {
        throw new DeeplineError('DL_EXPORT', `the exported ONNX model gives ${actual.length} output values for ${sample.n} examples, TF.js ${expected.length}`, { hint: 'this is a bug in the ONNX exporter: report it with the model' });
      }
      for (let i = 0; i < actual.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(actual[i]! - expected[i]!));
    } finally {
      x.dispose();
      await session.release();
    }
    if (!(maxAbsDiff <= ONNX_TOLERANCE)) {
      throw new DeeplineError('DL_EXPORT', `the exported ONNX model differs from the TF.js model by up to ${maxAbsDiff} on ${sample.n} test examples (allowed: ${ONNX_TOLERANCE})`, {
        hint: 'this is a bug in the ONNX exporter: report it with the model; the TF.js model in model/ is unaffected',
      });
    }
    const { version } = (await import('onnxruntime-node/package.json', { with: { type: 'json' } })).default as { version: string };
    return {
      exporter: 'onnx',
      fileName: exportFileName('onnx'),
      bytes: bytes.length,
      examples: sample.n,
      maxAbsDiff,
      runtime: `onnxruntime-node ${version}`,
      inputShape: signature.inputShape,
      outputShape: signature.outputShape,
    };
  },
};

function firstExamples(ds: Dataset, n: number): { n: number; featureShape: readonly number[]; x: Float32Array } {
  const take = Math.min(n, ds.n);
  return { n: take, featureShape: ds.featureShape, x: ds.x.slice(0, take * featureSize(ds)) };
}
