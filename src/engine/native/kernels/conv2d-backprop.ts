import * as tf from '@tensorflow/tfjs';
import { allFloat32, nativeKernel, sizeOf, type NativeKernelArgs } from '../native-kernel.ts';
import { convParams, nativeConvShape } from './conv-params.ts';

type Shape4 = [number, number, number, number];
type Strides = [number, number] | number;
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

function infoOf(xShape: Shape4, filterShape: Shape4, attrs: tf.NamedAttrMap, depthwise: boolean): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides as Strides,
    // Conv2D's gradient kernels carry no dilations (tfjs-core refuses dilated conv2d gradients).
    (attrs.dilations as Strides | undefined) ?? 1,
    attrs.pad as Pad,
    attrs.dimRoundingMode as Rounding,
    depthwise,
    (attrs.dataFormat as string | undefined) === 'NCHW' ? 'channelsFirst' : 'channelsLast',
  );
}

/** The gradient of a convolution with respect to its input: Conv2DBackpropInput and the depthwise one. */
function backpropInput(depthwise: boolean) {
  return ({ inputs, attrs, backend }: NativeKernelArgs): tf.TensorInfo | undefined => {
    const { dy, filter } = inputs;
    if (!allFloat32(backend, dy, filter)) return undefined;
    const inputShape = attrs.inputShape as Shape4;
    const info = infoOf(inputShape, filter.shape as Shape4, attrs, depthwise);
    if (!nativeConvShape(info)) return undefined;
    const dx = backend.allocate(sizeOf(inputShape));
    backend.addon.conv2dBackpropInput(backend.float32(dy), backend.float32(filter), dx, convParams(info, depthwise));
    return backend.output([...inputShape], dx);
  };
}

/** The gradient of a convolution with respect to its filter: Conv2DBackpropFilter and the depthwise one. */
function backpropFilter(depthwise: boolean) {
  return ({ inputs, attrs, backend }: NativeKernelArgs): tf.TensorInfo | undefined => {
    const { x, dy } = inputs;
    if (!allFloat32(backend, x, dy)) return undefined;
    const filterShape = attrs.filterShape as Shape4;
    const info = infoOf(x.shape as Shape4, filterShape, attrs, depthwise);
    if (!nativeConvShape(info)) return undefined;
    const dFilter = backend.allocate(sizeOf(filterShape));
    backend.addon.conv2dBackpropFilter(backend.float32(x), backend.float32(dy), dFilter, convParams(info, depthwise));
    return backend.output([...filterShape], dFilter);
  };
}

export const conv2dBackpropInputConfig = nativeKernel('Conv2DBackpropInput', backpropInput(false));
export const conv2dBackpropFilterConfig = nativeKernel('Conv2DBackpropFilter', backpropFilter(false));
export const depthwiseConv2dNativeBackpropInputConfig = nativeKernel('DepthwiseConv2dNativeBackpropInput', backpropInput(true));
export const depthwiseConv2dNativeBackpropFilterConfig = nativeKernel('DepthwiseConv2dNativeBackpropFilter', backpropFilter(true));
