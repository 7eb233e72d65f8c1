import { writeFile } from 'node:fs/promises';
import type { WeightPrecision } from '../../compress/quantize/save-quantized-model.ts';
import type { Quantizer, SavedModel } from '../../compress/quantizers/quantizer.ts';
import { exportFileName } from '../exporters/exporter.ts';

const DESCRIPTIONS: Readonly<Record<WeightPrecision, string>> = {
  float32: 'ONNX (opset 17) as the onnx exporter writes it',
  float16: 'ONNX, weights stored as float16 and cast to float32 when ONNX Runtime loads the model',
  int8: 'ONNX int8 QDQ: per-channel int8 weights, uint8 activations calibrated on training examples (ONNX Runtime runs QLinearConv/QLinearMatMul)',
};

/** ONNX at `precision`, run in ONNX Runtime: what `deepline serve` runs by default. */
export function onnxQuantizer(precision: WeightPrecision): Quantizer {
  return {
    format: 'onnx',
    precision,
    description: DESCRIPTIONS[precision],
    fileName: exportFileName('onnx'),
    async write(model, path, context) {
      const { exportQuantizedOnnx } = await import('../onnx/export-quantized-onnx.ts');
      const calibration = context.calibration;
      const { bytes } = await exportQuantizedOnnx(model, { precision, calibration, properties: context.properties });
      await writeFile(path, bytes);
    },
    async open(path, featureShape): Promise<SavedModel> {
      const ort = await import('onnxruntime-node');
      const { version } = (await import('onnxruntime-node/package.json', { with: { type: 'json' } })).default as { version: string };
      const session = await ort.InferenceSession.create(path);
      const [input, output] = [session.inputNames[0]!, session.outputNames[0]!];
      return {
        runtime: `onnxruntime-node ${version}`,
        async predict(x, n) {
          const result = await session.run({ [input]: new ort.Tensor('float32', x, [n, ...featureShape]) });
          return result[output]!.data as Float32Array;
        },
        release: () => session.release(),
      };
    },
  };
}
