import type { WeightPrecision } from '../quantize/save-quantized-model.ts';
import type { Quantizer, SavedModel } from './quantizer.ts';

const DESCRIPTIONS: Readonly<Record<WeightPrecision, string>> = {
  float32: 'TF.js layers model (model.json + weights.bin) as trained',
  float16: 'TF.js layers model, weights stored as float16 (dequantized by tf.loadLayersModel)',
  int8: 'TF.js layers model, kernels stored as affine uint8 (scale, min per tensor), small vectors as float16',
};

/** The TF.js layers format at `precision`: the folder `tf.loadLayersModel` reads, run on the current engine. */
export function tfjsQuantizer(precision: WeightPrecision): Quantizer {
  return {
    format: 'tfjs',
    precision,
    description: DESCRIPTIONS[precision],
    fileName: 'model',
    async write(model, path) {
      const { saveQuantizedModel } = await import('../quantize/save-quantized-model.ts');
      await saveQuantizedModel(model, path, precision);
    },
    async open(path, featureShape): Promise<SavedModel> {
      const [{ loadModel }, tf, { nativeInferenceThreads }, { infer }, { nativeInferencePlan }] = await Promise.all([
        import('../../train/model-io.ts'),
        import('@tensorflow/tfjs'),
        import('../../engine/native/native-threads.ts'),
        import('../../models/infer.ts'),
        import('../../engine/native/inference-plan.ts'),
      ]);
      const model = await loadModel(path);
      const threads = tf.getBackend() === 'native' ? nativeInferenceThreads() : undefined;
      // On the native engine, the model's layers compiled to addon calls where it can (see InferencePlan).
      const plan = nativeInferencePlan(model);
      const run = async (x: Float32Array, n: number): Promise<Float32Array> => {
        if (plan) return plan.run(x, n)[0]!;
        const out = tf.tidy(() => infer(model, tf.tensor(x, [n, ...featureShape]))[0]!);
        try {
          return (await out.data()) as Float32Array;
        } finally {
          out.dispose();
        }
      };
      return {
        runtime: `tfjs (${tf.getBackend()}${plan ? ', compiled plan' : ''})`,
        predict: (x, n) => (threads ? threads.run(n, () => run(x, n)) : run(x, n)),
        async release() {
          model.dispose();
        },
      };
    },
  };
}
