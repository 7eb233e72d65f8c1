import type { Registry } from '../../extensions/registry.ts';
import { quantizerKey, type Quantizer } from './quantizer.ts';
import { tfjsQuantizer } from './tfjs-quantizer.ts';

/** Registers the TF.js formats (float32, float16, int8); deploy/ registers ONNX's. */
export function registerBuiltins(registry: Registry<Quantizer>): void {
  for (const precision of ['float32', 'float16', 'int8'] as const) {
    const quantizer = tfjsQuantizer(precision);
    registry.register(quantizerKey(quantizer.format, quantizer.precision), quantizer);
  }
}
