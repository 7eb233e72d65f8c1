import type { Registry } from '../../extensions/registry.ts';
import { quantizerKey, type Quantizer } from '../../compress/quantizers/quantizer.ts';
import { onnxQuantizer } from './onnx-quantizer.ts';

/** Registers ONNX at each precision (`onnx/float32`, `onnx/float16`, `onnx/int8`). */
export function registerBuiltins(registry: Registry<Quantizer>): void {
  for (const precision of ['float32', 'float16', 'int8'] as const) {
    const quantizer = onnxQuantizer(precision);
    registry.register(quantizerKey(quantizer.format, quantizer.precision), quantizer);
  }
}
