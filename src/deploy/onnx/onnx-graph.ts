import onnxProto from 'onnx-proto';
import { cancelTransposes, type TransposableNode } from './cancel-transposes.ts';

const { onnx } = onnxProto;

/** The operator set deepline writes: 17 has LayerNormalization, and Reduce* still take `axes` as an attribute. */
export const ONNX_OPSET = 17;
/** The IR version that goes with opset 17 (ONNX 1.12). */
export const ONNX_IR_VERSION = 8;

export type AttributeValue = number | string | readonly number[] | readonly string[] | { readonly float: number } | { readonly floats: readonly number[] };

/** An ONNX graph under construction: named values, constant tensors and nodes, in order. */
export class OnnxGraph {
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private readonly inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly used = new Set<string>();

  /** A value name not used before, from `base` (layer names are unique, but each layer writes several values). */
  name(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_.:/-]/g, '_');
    let name = clean;
    for (let k = 1; this.used.has(name); k++) name = `${clean}_${k}`;
    this.used.add(name);
    return name;
  }

  /** A graph input of float32 (or int64) values; `null` dimensions are named symbolic ones (the batch). */
  input(name: string, shape: readonly (number | null)[], type: 'float32' | 'int64' = 'float32'): string {
    this.used.add(name);
    this.inputs.push(valueInfo(name, shape, type));
    return name;
  }

  /** Whether `name` is one of the graph's inputs. */
  isInput(name: string): boolean {
    return this.inputs.some((v) => v.name === name);
  }

  /**
   * Names `value` as a graph output under `name`: the node that makes it writes it under that name
   * (its other readers read it so), where an Identity would copy it — ONNX Runtime keeps an
   * Identity whose input other nodes also read. A graph input keeps its name behind an Identity.
   * Returns `name`.
   */
  nameOutputValue(value: string, name: string): string {
    const producer = this.nodes.find((n) => n.output.includes(value));
    if (!producer || this.isInput(value)) return this.nodeWithOutputs('Identity', [value], [name])[0]!;
    for (const node of this.nodes) {
      node.input = node.input.map((v) => (v === value ? name : v));
      node.output = node.output.map((v) => (v === value ? name : v));
    }
    return name;
  }

  /** A graph output of float32 values; without a shape, one ONNX Runtime infers (calibration outputs). */
  output(name: string, shape?: readonly (number | null)[]): void {
    this.outputs.push(valueInfo(name, shape, 'float32'));
  }

  /** A constant float32 tensor, stored little-endian in `raw_data`. */
  floats(base: string, values: Float32Array, dims: readonly number[]): string {
    const name = this.name(base);
    this.addFloats(name, values, dims);
    return name;
  }

  /** Stores a float32 initializer under a name already taken with `name()`. */
  protected addFloats(name: string, values: Float32Array, dims: readonly number[]): void {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    this.addTensor(name, dims, 'FLOAT', bytes);
  }

  /** Stores an initializer of any element type from its little-endian bytes (`raw_data`). */
  protected addTensor(name: string, dims: readonly number[], type: 'FLOAT' | 'FLOAT16' | 'INT8' | 'UINT8' | 'INT32', raw: Uint8Array): void {
    this.initializers.push(onnx.TensorProto.create({ name, dims: [...dims], dataType: onnx.TensorProto.DataType[type], rawData: raw }));
  }

  /** A constant int64 tensor (shapes, axes). */
  ints(base: string, values: readonly number[]): string {
    const name = this.name(base);
    this.initializers.push(onnx.TensorProto.create({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: [...values] }));
    return name;
  }

  /** Adds a node with one output, named from `base`; returns that name. */
  node(opType: string, inputs: readonly string[], base: string, attributes: Readonly<Record<string, AttributeValue>> = {}): string {
    return this.nodeWithOutputs(opType, inputs, [this.name(base)], attributes)[0]!;
  }

  /** Adds a node with outputs named by the caller ('' leaves an optional output unset). */
  nodeWithOutputs(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>> = {}): readonly string[] {
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        name: this.nodeName(outputs.find((o) => o !== '') ?? opType, opType),
        input: [...inputs],
        output: [...outputs],
        attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
      }),
    );
    return outputs;
  }

  /** A node's name (optional in ONNX: tools show it, runtimes do not need it), from its first output. */
  protected nodeName(output: string, opType: string): string {
    return this.name(`${output}/${opType}`);
  }

  /**
   * Whether `encode` renames the graph's inner values (every one but its inputs and outputs) to
   * short names in order of first use. Off: a float graph keeps its layers' names for tools to show.
   */
  protected compactValueNames(): boolean {
    return false;
  }

  /** The serialised model. */
  encode(meta: { readonly name: string; readonly docString?: string; readonly properties?: Readonly<Record<string, string>> }): Uint8Array {
    const scalars = new Set(this.initializers.filter((t) => t.dims.length === 0).map((t) => t.name));
    cancelTransposes(this.nodes as TransposableNode[], new Set(this.outputs.map((v) => v.name)), (v) => scalars.has(v));
    if (this.compactValueNames()) this.renameInnerValues();
    const graph = onnx.GraphProto.create({
      name: meta.name,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    });
    const model = onnx.ModelProto.create({
      irVersion: ONNX_IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      producerName: 'deepline',
      graph,
      ...(meta.docString && { docString: meta.docString }),
      metadataProps: Object.entries(meta.properties ?? {}).map(([key, value]) => ({ key, value })),
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private renameInnerValues(): void {
    const kept = new Set([...this.inputs, ...this.outputs].map((v) => v.name));
    const renamed = new Map<string, string>();
    let next = 0;
    const short = (name: string): string => {
      if (name === '' || kept.has(name)) return name;
      let value = renamed.get(name);
      if (value === undefined) {
        do value = (next++).toString(36);
        while (kept.has(value));
        renamed.set(name, value);
      }
      return value;
    };
    for (const node of this.nodes) {
      node.input = node.input.map(short);
      node.output = node.output.map(short);
    }
    for (const tensor of this.initializers) tensor.name = short(tensor.name);
  }
}

function valueInfo(name: string, shape: readonly (number | null)[] | undefined, type: 'float32' | 'int64'): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: type === 'float32' ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.INT64,
        ...(shape && { shape: { dim: shape.map((d) => (d === null ? { dimParam: 'batch' } : { dimValue: d })) } }),
      },
    },
  });
}

function attribute(name: string, value: AttributeValue): InstanceType<typeof onnx.AttributeProto> {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') return onnx.AttributeProto.create({ name, type: T.INT, i: value });
  if (typeof value === 'string') return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(value) });
  if ('float' in value) return onnx.AttributeProto.create({ name, type: T.FLOAT, f: value.float });
  if ('floats' in value) return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: [...value.floats] });
  if (value.length > 0 && typeof value[0] === 'string') {
    return onnx.AttributeProto.create({ name, type: T.STRINGS, strings: (value as readonly string[]).map((s) => new TextEncoder().encode(s)) });
  }
  return onnx.AttributeProto.create({ name, type: T.INTS, ints: [...(value as readonly number[])] });
}
