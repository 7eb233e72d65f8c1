import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WasmKernelScope } from './wasm-kernel-scope.ts';

/**
 * UnsortedSegmentSum (the gradient of gather, hence of embeddings) as one wasm ScatterNd, which
 * adds updates that share an index: a single pass over x, whatever the number of segments. A
 * one-hot BatchMatMul would cost numSegments times more, a vocabulary-sized factor.
 *
 * Ids outside [0, numSegments) are dropped, as TensorFlow and the cpu backend do; ScatterNd would
 * write out of bounds, so such ids are sent to one extra segment that is sliced off.
 */
function unsortedSegmentSum(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: BackendWasm;
  attrs: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = args.attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const scope = new WasmKernelScope(args.backend);
  try {
    const idCount = tf.util.sizeFromShape(segmentIds.shape);
    // segmentIds covers the leading axes of x; each id owns the block of x below them.
    const rowShape = x.shape.slice(segmentIds.shape.length);
    const outShape = [numSegments, ...rowShape];
    if (idCount === 0 || tf.util.sizeFromShape(rowShape) === 0) return scope.release(scope.zeros(outShape, x.dtype));
    let inRange = true;
    const ids = args.backend.typedArrayFromHeap(segmentIds);
    for (let i = 0; i < idCount; i++) {
      if (!(ids[i] >= 0 && ids[i] < numSegments)) {
        inRange = false;
        break;
      }
    }
    let indices = segmentIds;
    if (segmentIds.dtype !== 'int32' || !inRange) {
      const clean = scope.allocate([idCount], 'int32');
      // Taken after the allocation, which may have grown (and detached) the heap.
      const source = args.backend.typedArrayFromHeap(segmentIds);
      for (let i = 0; i < idCount; i++) {
        const id = source[i];
        clean.values[i] = id >= 0 && id < numSegments ? id : numSegments;
      }
      indices = clean.info;
    }
    const rows = inRange ? numSegments : numSegments + 1;
    const summed = scope.run(
      'ScatterNd',
      { indices: scope.reshape(indices, [idCount, 1]), updates: scope.reshape(x, [idCount, ...rowShape]) },
      { shape: [rows, ...rowShape] },
    );
    if (inRange) return scope.release(summed);
    return scope.release(scope.run('Slice', { x: summed }, { begin: outShape.map(() => 0), size: outShape }));
  } finally {
    scope.dispose();
  }
}

/** UnsortedSegmentSum for the wasm backend. */
export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
};
