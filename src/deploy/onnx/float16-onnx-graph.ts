import { encodeFloat16 } from '../../compress/quantize/weight-quantization.ts';
import { DeferredConstantsGraph } from './deferred-constants-graph.ts';
import type { AttributeValue } from './onnx-graph.ts';

/** Constants smaller than this stay float32: a Cast costs more bytes than half of a few floats saves. */
const SMALLEST = 16;

/**
 * Weights stored in half precision: each float16 initializer is read through a Cast to float32,
 * which ONNX Runtime folds when it loads the model, so the file halves and the arithmetic (and
 * the speed) stays float32.
 */
export class Float16OnnxGraph extends DeferredConstantsGraph {
  protected override rewriteNode(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>>): readonly string[] {
    const resolved = inputs.map((input) => {
      const constant = this.pendingConstant(input);
      if (!constant || constant.values.length < SMALLEST) return this.constantAs(input, 'float32');
      return this.constantAs(input, 'float16', (c) => {
        const half = this.name(`${c.name}/float16`);
        this.addTensor(half, c.dims, 'FLOAT16', new Uint8Array(encodeFloat16(c.values).buffer));
        return this.emitOne('Cast', [half], `${c.name}/float32`, { to: 1 });
      });
    });
    return this.emit(opType, resolved, outputs, attributes);
  }
}
