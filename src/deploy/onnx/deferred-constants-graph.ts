import { OnnxGraph, type AttributeValue } from './onnx-graph.ts';

/** A float constant a converter asked for, not yet stored: how it is stored depends on who reads it. */
export interface PendingConstant {
  readonly name: string;
  readonly values: Float32Array;
  readonly dims: readonly number[];
}

/**
 * An OnnxGraph that stores float constants (weights) only when a node reads them, so that a
 * subclass can store each according to its reader (`rewriteNode`): as float32, or as other data
 * behind the node that turns it back into floats (a Cast of float16 data, a DequantizeLinear of
 * int8 data). A constant is stored once per way of storing it.
 */
export abstract class DeferredConstantsGraph extends OnnxGraph {
  private readonly pending = new Map<string, PendingConstant>();
  private readonly stored = new Map<string, string>();

  override floats(base: string, values: Float32Array, dims: readonly number[]): string {
    const name = this.name(base);
    this.pending.set(name, { name, values, dims });
    return name;
  }

  /** Compressed graphs leave nodes unnamed: on a small model the names weigh as much as the weights saved. */
  protected override nodeName(): string {
    return '';
  }

  /** … and their values' names short, for the same reason (0, 1, …, a, b, …; the inputs and outputs keep theirs). */
  protected override compactValueNames(): boolean {
    return true;
  }

  override nodeWithOutputs(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>> = {}): readonly string[] {
    return this.rewriteNode(opType, inputs, outputs, attributes);
  }

  /** Adds the node a converter asked for, its constant inputs stored through `constantAs`. */
  protected abstract rewriteNode(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>>): readonly string[];

  /** The constant named `name`, when it is one not stored yet. */
  protected pendingConstant(name: string | undefined): PendingConstant | undefined {
    return name === undefined ? undefined : this.pending.get(name);
  }

  /**
   * The value a reader of `name` uses: `name` itself for a non-constant or a `float32` constant
   * (stored under its own name), else what `store` makes of it, once per `kind`.
   */
  protected constantAs(name: string, kind: string, store?: (constant: PendingConstant) => string): string {
    const constant = this.pending.get(name);
    if (!constant) return name;
    const memo = `${name}\u0000${kind}`;
    let value = this.stored.get(memo);
    if (value === undefined) {
      if (kind === 'float32' || !store) {
        this.addFloats(constant.name, constant.values, constant.dims);
        value = constant.name;
      } else value = store(constant);
      this.stored.set(memo, value);
    }
    return value;
  }

  /** Adds a node as it is (the rewriting's own Cast, Quantize and Dequantize nodes). */
  protected emit(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>> = {}): readonly string[] {
    return super.nodeWithOutputs(opType, inputs, outputs, attributes);
  }

  /** `emit` with one output named from `base`. */
  protected emitOne(opType: string, inputs: readonly string[], base: string, attributes: Readonly<Record<string, AttributeValue>> = {}): string {
    return this.emit(opType, inputs, [this.name(base)], attributes)[0]!;
  }
}
