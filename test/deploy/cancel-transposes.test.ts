import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cancelTransposes, type TransposableNode } from '../../src/deploy/onnx/cancel-transposes.ts';

const NCHW = [0, 3, 1, 2];
const NHWC = [0, 2, 3, 1];

function node(opType: string, input: string[], output: string, perm?: number[]): TransposableNode {
  return { opType, input, output: [output], attribute: perm ? [{ name: 'perm', ints: perm }] : [] };
}

const ops = (nodes: readonly TransposableNode[]): string => nodes.map((n) => `${n.opType}(${n.input.join(',')}→${n.output.join(',')})`).join(' ');
const scalars = new Set(['s', 'zp']);
const isScalar = (v: string): boolean => scalars.has(v);

describe('cancelTransposes', () => {
  it('drops the NHWC → activation → NCHW round trip between a convolution and its pooling', () => {
    const nodes = [
      node('Transpose', ['input'], 'a', NCHW),
      node('Conv', ['a', 'w', 'b'], 'c'),
      node('Transpose', ['c'], 'd', NHWC),
      node('Relu', ['d'], 'e'),
      node('Transpose', ['e'], 'f', NCHW),
      node('MaxPool', ['f'], 'g'),
      node('Transpose', ['g'], 'h', NHWC),
      node('Transpose', ['h'], 'i', NCHW),
      node('Conv', ['i', 'w2'], 'j'),
      node('Transpose', ['j'], 'k', NHWC),
      node('Flatten', ['k'], 'output'),
    ];
    assert.equal(cancelTransposes(nodes, new Set(['output']), isScalar), 4);
    assert.equal(ops(nodes), 'Transpose(input→a) Conv(a,w,b→c) Relu(c→f) MaxPool(f→g) Conv(g,w2→j) Transpose(j→k) Flatten(k→output)');
  });

  it('moves through quantize and dequantize with one scale, not with a scale per channel', () => {
    const chain = (scale: string): TransposableNode[] => [
      node('Conv', ['x', 'w'], 'c'),
      node('Transpose', ['c'], 'd', NHWC),
      node('QuantizeLinear', ['d', scale, 'zp'], 'q'),
      node('DequantizeLinear', ['q', scale, 'zp'], 'dq'),
      node('Transpose', ['dq'], 'f', NCHW),
      node('MaxPool', ['f'], 'output'),
    ];
    const perTensor = chain('s');
    assert.equal(cancelTransposes(perTensor, new Set(['output']), isScalar), 2);
    assert.equal(ops(perTensor), 'Conv(x,w→c) QuantizeLinear(c,s,zp→q) DequantizeLinear(q,s,zp→f) MaxPool(f→output)');
    const perChannel = chain('channel-scales');
    assert.equal(cancelTransposes(perChannel, new Set(['output']), isScalar), 0);
    assert.equal(perChannel.length, 6);
  });

  it('leaves a Transpose whose value is read twice, kept as a graph output, or not undone', () => {
    const twoReaders = [node('Transpose', ['x'], 'a', NHWC), node('Relu', ['a'], 'b'), node('Transpose', ['a'], 'c', NCHW), node('Add', ['b', 'c'], 'output')];
    const kept = [node('Transpose', ['x'], 'a', NHWC), node('Relu', ['a'], 'embedding'), node('Transpose', ['embedding'], 'output', NCHW)];
    const notInverse = [node('Transpose', ['x'], 'a', NHWC), node('Transpose', ['a'], 'output', NHWC)];
    const notElementwise = [node('Transpose', ['x'], 'a', NHWC), node('Softmax', ['a'], 'b'), node('Transpose', ['b'], 'output', NCHW)];
    for (const nodes of [twoReaders, kept, notInverse, notElementwise]) {
      const before = ops(nodes);
      assert.equal(cancelTransposes(nodes, new Set(['output', 'embedding']), isScalar), 0);
      assert.equal(ops(nodes), before);
    }
  });

  it('rewires the readers of an inverse pair with nothing between them to the first input', () => {
    const nodes = [node('Transpose', ['x'], 'a', NHWC), node('Transpose', ['a'], 'b', NCHW), node('Relu', ['b'], 'c'), node('Add', ['b', 'c'], 'output')];
    assert.equal(cancelTransposes(nodes, new Set(['output']), isScalar), 2);
    assert.equal(ops(nodes), 'Relu(x→c) Add(x,c→output)');
  });
});
