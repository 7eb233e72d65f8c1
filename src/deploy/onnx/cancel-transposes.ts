/** The parts of an ONNX node the pass reads and rewrites (onnx-proto's NodeProto has them). */
export interface TransposableNode {
  opType: string;
  input: string[];
  output: string[];
  readonly attribute: readonly { readonly name: string; readonly ints?: readonly (number | { toString(): string })[] }[];
}

/** Operators that act on each element alone, so a Transpose may move from before them to after. */
const ELEMENTWISE = new Set(['Relu', 'LeakyRelu', 'Elu', 'Selu', 'Sigmoid', 'HardSigmoid', 'Tanh', 'Softplus', 'Softsign', 'Abs', 'Neg', 'Exp', 'Log', 'Sqrt', 'Cast', 'Clip']);
/** Operators that are elementwise when their other inputs are scalars (per-tensor quantization). */
const ELEMENTWISE_WITH_SCALARS = new Set(['QuantizeLinear', 'DequantizeLinear', 'Clip']);

/**
 * Removes the Transpose pairs that the layer converters leave between layers: each convolution
 * and pooling runs in ONNX's NCHW between a Transpose from and back to TF.js's NHWC, so a Conv,
 * its activation and its pooling read `… → NHWC → Relu → NCHW → …`. A Transpose whose value runs,
 * through a chain of single readers that act on each element alone (activations, quantize and
 * dequantize with one scale), into the inverse Transpose is removed with it, the chain then
 * working in the first layout. Other Transposes stay where they are. `nodes` is rewritten in
 * place (it stays in topological order); values named in `keep` (graph outputs) keep their
 * meaning. Returns the number of Transpose nodes removed.
 */
export function cancelTransposes(nodes: TransposableNode[], keep: ReadonlySet<string>, isScalar: (value: string) => boolean): number {
  let removed = 0;
  let readers = readersOf(nodes);
  for (let i = 0; i < nodes.length; i++) {
    const t = nodes[i]!;
    if (t.opType !== 'Transpose') continue;
    const chain: TransposableNode[] = [];
    let value = t.output[0]!;
    let inverse: TransposableNode | undefined;
    while (!keep.has(value)) {
      const only = readers.get(value);
      if (only?.length !== 1 || only[0]!.input[0] !== value) break;
      const u = only[0]!;
      if (u.opType === 'Transpose') {
        if (isIdentity(compose(perm(t), perm(u)))) inverse = u;
        break;
      }
      if (!commutes(u, isScalar)) break;
      chain.push(u);
      value = u.output[0]!;
    }
    if (!inverse) continue;
    const z = inverse.output[0]!;
    if (chain.length > 0) {
      chain[0]!.input[0] = t.input[0]!;
      chain.at(-1)!.output = [z];
    } else {
      if (keep.has(z)) continue;
      for (const reader of readers.get(z) ?? []) reader.input = reader.input.map((v) => (v === z ? t.input[0]! : v));
    }
    nodes.splice(nodes.indexOf(inverse), 1);
    nodes.splice(i, 1);
    removed += 2;
    readers = readersOf(nodes);
    i--;
  }
  return removed;
}

function readersOf(nodes: readonly TransposableNode[]): Map<string, TransposableNode[]> {
  const readers = new Map<string, TransposableNode[]>();
  for (const node of nodes) {
    for (const value of new Set(node.input)) {
      if (value === '') continue;
      readers.set(value, [...(readers.get(value) ?? []), node]);
    }
  }
  return readers;
}

function commutes(node: TransposableNode, isScalar: (value: string) => boolean): boolean {
  if (node.output.length !== 1) return false;
  const others = node.input.slice(1).filter((v) => v !== '');
  if (others.length === 0) return ELEMENTWISE.has(node.opType);
  return ELEMENTWISE_WITH_SCALARS.has(node.opType) && others.every(isScalar);
}

function perm(node: TransposableNode): number[] {
  const attribute = node.attribute.find((a) => a.name === 'perm');
  return (attribute?.ints ?? []).map(Number);
}

/** The permutation of applying `first`, then `second` (ONNX: output axis k is input axis perm[k]). */
function compose(first: readonly number[], second: readonly number[]): number[] {
  return second.map((axis) => first[axis]!);
}

function isIdentity(p: readonly number[]): boolean {
  return p.length > 0 && p.every((axis, k) => axis === k);
}
