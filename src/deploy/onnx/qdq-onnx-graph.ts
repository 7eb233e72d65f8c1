import { activationQuantization, ONNX_WEIGHT_LIMIT, quantizeSymmetricInt8 } from '../../compress/quantize/weight-quantization.ts';
import { DeferredConstantsGraph, type PendingConstant } from './deferred-constants-graph.ts';
import type { AttributeValue } from './onnx-graph.ts';

/** The range of an activation over the calibration examples. */
export interface ActivationRange {
  readonly min: number;
  readonly max: number;
}

/**
 * An int8 graph in ONNX's QDQ form, which ONNX Runtime reads as quantized operators: every Conv
 * and MatMul reads its weights through DequantizeLinear from int8 values of 7 bits
 * (ONNX_WEIGHT_LIMIT) with one scale per output channel (symmetric, zero point 0), its input
 * activation through a QuantizeLinear → DequantizeLinear pair (uint8, the scale and zero point
 * from the calibrated range), a Conv's bias from int32 at the input scale times the weight
 * scale, and its output passes through a QuantizeLinear → DequantizeLinear pair too — the
 * pattern ONNX Runtime fuses into QLinearConv and QLinearMatMul. Embedding tables are stored
 * int8 per row (full range: no product is summed there). Everything else stays float32.
 *
 * Without `ranges` the graph is the calibration graph: the float model with each activation to
 * quantize copied to an extra output (`observed`), whose ranges over calibration examples are
 * the `ranges` of the quantized graph. Value names are the same in both graphs.
 */
export class QdqOnnxGraph extends DeferredConstantsGraph {
  /** Activation → the graph output that copies it (calibration graph). */
  readonly observed = new Map<string, string>();
  private readonly quantized = new Map<string, string>();
  private readonly weightScales = new Map<string, Float32Array>();

  constructor(private readonly ranges?: ReadonlyMap<string, ActivationRange>) {
    super();
  }

  protected override rewriteNode(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>>): readonly string[] {
    const weight = this.pendingConstant(inputs[1]);
    if ((opType === 'Conv' || opType === 'MatMul') && weight && weight.dims.length >= 2) return this.quantizedOp(opType, inputs, outputs, attributes);
    if (opType === 'Gather' && this.ranges && this.pendingConstant(inputs[0])) {
      const table = this.constantAs(inputs[0]!, 'int8-rows', (c) => this.int8Weight(c, 0));
      return this.emit(opType, [table, ...inputs.slice(1).map((x) => this.constantAs(x, 'float32'))], outputs, attributes);
    }
    return this.emit(opType, inputs.map((x) => this.constantAs(x, 'float32')), outputs, attributes);
  }

  private quantizedOp(opType: 'Conv' | 'MatMul', inputs: readonly string[], outputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>>): readonly string[] {
    const [x, w, bias] = inputs as [string, string, string | undefined];
    if (!this.ranges) {
      this.observe(x);
      const result = this.emit(opType, inputs.map((v) => this.constantAs(v, 'float32')), outputs, attributes);
      this.observe(outputs[0]!);
      return result;
    }
    // Conv weights are [out, in/groups, kh, kw]; MatMul's right-hand side is [in, out].
    const axis = opType === 'Conv' ? 0 : 1;
    const weights = this.constantAs(w, `int8-axis${axis}`, (c) => this.int8Weight(c, axis, ONNX_WEIGHT_LIMIT));
    const inputRange = this.ranges.get(x);
    const input = inputRange ? this.quantizedActivation(x, inputRange) : x;
    const quantizedInputs = [input, weights];
    if (bias !== undefined) {
      const scales = this.weightScales.get(w);
      quantizedInputs.push(inputRange && scales ? this.constantAs(bias, 'int32', (c) => this.int32Bias(c, activationQuantization(inputRange.min, inputRange.max).scale, scales)) : this.constantAs(bias, 'float32'));
    }
    const outputRange = this.ranges.get(outputs[0]!);
    if (!outputRange) return this.emit(opType, quantizedInputs, outputs, attributes);
    const raw = this.emitOne(opType, quantizedInputs, `${outputs[0]}/f`, attributes);
    this.quantizeDequantize(raw, outputRange, outputs[0]!);
    return outputs;
  }

  private observe(x: string): void {
    if (this.observed.has(x)) return;
    this.observed.set(x, this.emitOne('Identity', [x], `${x}/observed`));
  }

  private quantizedActivation(x: string, range: ActivationRange): string {
    let value = this.quantized.get(x);
    if (value === undefined) {
      value = this.quantizeDequantize(x, range);
      this.quantized.set(x, value);
    }
    return value;
  }

  /** x → QuantizeLinear → DequantizeLinear (uint8 over the range), named `output` or from x. */
  private quantizeDequantize(x: string, range: ActivationRange, output?: string): string {
    const { scale, zeroPoint } = activationQuantization(range.min, range.max);
    const scaleName = this.name(`${x}/s`);
    this.addFloats(scaleName, Float32Array.of(scale), []);
    const zeroName = this.name(`${x}/z`);
    this.addTensor(zeroName, [], 'UINT8', Uint8Array.of(zeroPoint));
    const q = this.emitOne('QuantizeLinear', [x, scaleName, zeroName], `${x}/q`);
    if (output !== undefined) return this.emit('DequantizeLinear', [q, scaleName, zeroName], [output])[0]!;
    return this.emitOne('DequantizeLinear', [q, scaleName, zeroName], `${x}/dq`);
  }

  /** int8 values, one scale per index of `axis` (zero point 0), read through DequantizeLinear. */
  private int8Weight(c: PendingConstant, axis: number, limit = 127): string {
    const q = quantizeSymmetricInt8(c.values, c.dims, axis, limit);
    this.weightScales.set(c.name, q.scales);
    const channels = c.dims[axis]!;
    const values = this.name(`${c.name}/i8`);
    this.addTensor(values, c.dims, 'INT8', new Uint8Array(q.values.buffer));
    const scales = this.name(`${c.name}/s`);
    this.addFloats(scales, q.scales, [channels]);
    // No zero point: DequantizeLinear's default is 0 of the data's type (int8), as symmetric quantization has.
    return this.emitOne('DequantizeLinear', [values, scales], `${c.name}/dq`, { axis });
  }

  /** A bias as int32 at scale (input scale × weight scale) per channel, as QLinearConv takes it. */
  private int32Bias(c: PendingConstant, inputScale: number, weightScales: Float32Array): string {
    const scales = Float32Array.from(weightScales, (s) => s * inputScale);
    const raw = new Uint8Array(c.values.length * 4);
    const view = new DataView(raw.buffer);
    c.values.forEach((v, k) => view.setInt32(k * 4, Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.round(v / scales[k]!))), true));
    const values = this.name(`${c.name}/i32`);
    this.addTensor(values, c.dims, 'INT32', raw);
    const scaleName = this.name(`${c.name}/s`);
    this.addFloats(scaleName, scales, [c.values.length]);
    return this.emitOne('DequantizeLinear', [values, scaleName], `${c.name}/dq`, { axis: 0 });
  }

  override encode(meta: Parameters<DeferredConstantsGraph['encode']>[0]): Uint8Array {
    for (const output of this.observed.values()) this.output(output);
    return super.encode(meta);
  }
}
