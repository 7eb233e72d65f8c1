// 2-D convolution (regular and depthwise) forward, input gradient and filter gradient on
// oneDNN. Activations stay NHWC, TF's own layout; filters arrive as TF's HWIO (or H,W,C,M
// for depthwise) and are reordered to whatever blocked layout the chosen kernel wants.
#include "common.h"

namespace deepline {
namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

// Int32Array layout of the shape parameters, shared with the JS side.
enum P { N, IH, IW, IC, OH, OW, OC, KH, KW, SH, SW, DH, DW, PT, PL, PB, PR, DEPTHWISE, ACT, COUNT };

struct Shape {
  memory::desc src, dst, userWeights, anyWeights, bias;
  memory::dims strides, dilates, padL, padR;
};

Shape shapeOf(const int32_t* p) {
  Shape s;
  s.src = memory::desc({p[N], p[IC], p[IH], p[IW]}, dt::f32, tag::nhwc);
  s.dst = memory::desc({p[N], p[OC], p[OH], p[OW]}, dt::f32, tag::nhwc);
  memory::dims w = p[DEPTHWISE] ? memory::dims{p[IC], p[OC] / p[IC], 1, p[KH], p[KW]} : memory::dims{p[OC], p[IC], p[KH], p[KW]};
  s.userWeights = memory::desc(w, dt::f32, p[DEPTHWISE] ? tag::hwigo : tag::hwio);
  s.anyWeights = memory::desc(w, dt::f32, tag::any);
  s.bias = memory::desc({p[OC]}, dt::f32, tag::a);
  s.strides = {p[SH], p[SW]};
  s.dilates = {p[DH] - 1, p[DW] - 1};  // oneDNN counts dilation from 0
  s.padL = {p[PT], p[PL]};
  s.padR = {p[PB], p[PR]};
  return s;
}

/** What an implementation name such as "brgconv:avx512_core" says after its colon: the ISA. */
std::string isaOf(const std::string& impl) {
  size_t colon = impl.find(':');
  return colon == std::string::npos ? std::string() : impl.substr(colon + 1);
}

/**
 * The forward convolution. oneDNN ranks its brgconv kernel first, but for the convolutions of
 * small images and few input channels its direct jit kernel of the same ISA is much faster, and
 * never slower on the larger ones (forward, 1 thread, AVX-512, µs brgconv / jit): batch 64 of
 * 8x8 1→16 65 / 19, 4x4 8→16 42 / 19, 4x4 16→32 57 / 47, 28x28 1→32 503 / 337, 32x32 3→32
 * 865 / 709; 16x16 32→32 1503 / 1497, 14x14 32→64 2630 / 2428, 7x7 64→128 2441 / 2462. So where
 * brgconv comes first in a spatial (not 1x1, not depthwise) convolution, the jit kernel of its
 * ISA is taken when there is one: a fixed rule, not a timing, so a training stays reproducible.
 * (oneDNN 2.6, Debian's, has brgconv for AVX-512 only; on AVX2 the jit kernel already comes first.)
 * The gradients' primitives take this one as their hint.
 */
dnnl::convolution_forward::primitive_desc forwardPd(const Shape& s, bool withBias, int activation, float alpha) {
  dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, s.src,
                                       s.anyWeights, withBias ? s.bias : memory::desc(), s.dst, s.strides, s.dilates,
                                       s.padL, s.padR);
  dnnl::post_ops ops;
  appendActivation(ops, activation, alpha);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  dnnl::convolution_forward::primitive_desc pd(desc, attr, cpuEngine());
  const memory::dims weights = s.anyWeights.dims();
  const bool spatial = weights.size() == 4 && weights[2] * weights[3] > 1;
  const std::string first = pd.impl_info_str();
  if (!spatial || first.rfind("brg", 0) != 0) return pd;
  const std::string isa = isaOf(first);
  while (pd.next_impl()) {
    const std::string impl = pd.impl_info_str();
    if (impl.rfind("jit:", 0) == 0 && isaOf(impl) == isa) return pd;
  }
  return dnnl::convolution_forward::primitive_desc(desc, attr, cpuEngine());
}

/** A reorder between the caller's layout and the kernel's, with the kernel-side buffer. */
struct Relayout {
  bool needed = false;
  dnnl::reorder prim;
  memory buffer;
  void init(const memory::desc& from, const memory::desc& to, bool toKernel) {
    needed = from != to;
    if (!needed) return;
    buffer = memory(toKernel ? to : from, cpuEngine());
    prim = dnnl::reorder(dnnl::reorder::primitive_desc(cpuEngine(), from, cpuEngine(), to));
  }
};

struct ForwardEntry {
  Shape shape;
  dnnl::convolution_forward prim;
  Relayout weights;
};

struct BackwardDataEntry {
  Shape shape;
  dnnl::convolution_backward_data prim;
  Relayout weights;
};

struct BackwardWeightsEntry {
  Shape shape;
  dnnl::convolution_backward_weights prim;
  Relayout weights;
};

thread_local PrimitiveCache<ForwardEntry> forwardCache;
thread_local PrimitiveCache<BackwardDataEntry> backwardDataCache;
thread_local PrimitiveCache<BackwardWeightsEntry> backwardWeightsCache;

/** Feeds TF-layout weights to a primitive: in place when layouts agree, else through the reorder. */
memory kernelWeights(Relayout& r, const memory::desc& user, const float* data) {
  memory userMem(user, cpuEngine(), const_cast<float*>(data));
  if (!r.needed) return userMem;
  r.prim.execute(cpuStream(), userMem, r.buffer);
  return r.buffer;
}

// conv2d(x, filter, out, bias|null, Int32Array params, alpha)
napi_value conv2d(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    const float* x = c.f32(0);
    const float* w = c.f32(1);
    float* out = c.f32(2);
    const float* bias = c.f32(3);
    const int32_t* p = c.i32(4);
    const float alpha = static_cast<float>(c.number(5));
    std::string key = keyOf(p, COUNT) + (bias ? "b" : "-") + std::to_string(alpha);
    ForwardEntry& e = forwardCache.get(key, [&] {
      Shape s = shapeOf(p);
      auto pd = forwardPd(s, bias != nullptr, p[ACT], alpha);
      ForwardEntry entry{s, dnnl::convolution_forward(pd), {}};
      entry.weights.init(s.userWeights, pd.weights_desc(), true);
      return entry;
    });
    dnnl::engine& eng = cpuEngine();
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC, memory(e.shape.src, eng, const_cast<float*>(x))},
        {DNNL_ARG_WEIGHTS, kernelWeights(e.weights, e.shape.userWeights, w)},
        {DNNL_ARG_DST, memory(e.shape.dst, eng, out)},
    };
    if (bias) args.emplace(DNNL_ARG_BIAS, memory(e.shape.bias, eng, const_cast<float*>(bias)));
    e.prim.execute(cpuStream(), args);
    cpuStream().wait();
    return nullptr;
  });
}

// conv2dBackpropInput(dy, filter, dx, Int32Array params)
napi_value conv2dBackpropInput(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    const float* dy = c.f32(0);
    const float* w = c.f32(1);
    float* dx = c.f32(2);
    const int32_t* p = c.i32(3);
    BackwardDataEntry& e = backwardDataCache.get(keyOf(p, COUNT), [&] {
      Shape s = shapeOf(p);
      auto hint = forwardPd(s, false, kLinear, 0.f);
      dnnl::convolution_backward_data::desc desc(dnnl::algorithm::convolution_direct, s.src, s.anyWeights, s.dst,
                                                 s.strides, s.dilates, s.padL, s.padR);
      dnnl::convolution_backward_data::primitive_desc pd(desc, cpuEngine(), hint);
      BackwardDataEntry entry{s, dnnl::convolution_backward_data(pd), {}};
      entry.weights.init(s.userWeights, pd.weights_desc(), true);
      return entry;
    });
    dnnl::engine& eng = cpuEngine();
    e.prim.execute(cpuStream(), {
                                    {DNNL_ARG_DIFF_DST, memory(e.shape.dst, eng, const_cast<float*>(dy))},
                                    {DNNL_ARG_WEIGHTS, kernelWeights(e.weights, e.shape.userWeights, w)},
                                    {DNNL_ARG_DIFF_SRC, memory(e.shape.src, eng, dx)},
                                });
    cpuStream().wait();
    return nullptr;
  });
}

// conv2dBackpropFilter(x, dy, dw, Int32Array params)
napi_value conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    const float* x = c.f32(0);
    const float* dy = c.f32(1);
    float* dw = c.f32(2);
    const int32_t* p = c.i32(3);
    BackwardWeightsEntry& e = backwardWeightsCache.get(keyOf(p, COUNT), [&] {
      Shape s = shapeOf(p);
      auto hint = forwardPd(s, false, kLinear, 0.f);
      dnnl::convolution_backward_weights::desc desc(dnnl::algorithm::convolution_direct, s.src, s.anyWeights, s.dst,
                                                    s.strides, s.dilates, s.padL, s.padR);
      dnnl::convolution_backward_weights::primitive_desc pd(desc, cpuEngine(), hint);
      // oneDNN 2.6's jit_1x1 filter gradient is wrong for strided 1x1 convolutions on more than
      // one thread (its strided-input copy; seen on x [1, 10, 6, 3], strides [2, 3], 2 threads):
      // take the next implementation instead.
      const bool strided = p[SH] > 1 || p[SW] > 1;
      while (strided && std::string(pd.impl_info_str()).find("1x1") != std::string::npos && pd.next_impl()) {
      }
      BackwardWeightsEntry entry{s, dnnl::convolution_backward_weights(pd), {}};
      entry.weights.init(pd.diff_weights_desc(), s.userWeights, false);
      return entry;
    });
    dnnl::engine& eng = cpuEngine();
    memory userDw(e.shape.userWeights, eng, dw);
    e.prim.execute(cpuStream(), {
                                    {DNNL_ARG_SRC, memory(e.shape.src, eng, const_cast<float*>(x))},
                                    {DNNL_ARG_DIFF_DST, memory(e.shape.dst, eng, const_cast<float*>(dy))},
                                    {DNNL_ARG_DIFF_WEIGHTS, e.weights.needed ? e.weights.buffer : userDw},
                                });
    if (e.weights.needed) e.weights.prim.execute(cpuStream(), e.weights.buffer, userDw);
    cpuStream().wait();
    return nullptr;
  });
}

napi_value convImplementations(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    const int32_t* p = c.i32(0);
    Shape s = shapeOf(p);
    auto fwd = forwardPd(s, false, kLinear, 0.f);
    dnnl::convolution_backward_data::primitive_desc bd(
        dnnl::convolution_backward_data::desc(dnnl::algorithm::convolution_direct, s.src, s.anyWeights, s.dst, s.strides,
                                              s.dilates, s.padL, s.padR),
        cpuEngine(), fwd);
    dnnl::convolution_backward_weights::primitive_desc bw(
        dnnl::convolution_backward_weights::desc(dnnl::algorithm::convolution_direct, s.src, s.anyWeights, s.dst,
                                                 s.strides, s.dilates, s.padL, s.padR),
        cpuEngine(), fwd);
    std::string text = std::string(fwd.impl_info_str()) + " | " + bd.impl_info_str() + " | " + bw.impl_info_str();
    napi_value out;
    napi_create_string_utf8(c.env, text.c_str(), text.size(), &out);
    return out;
  });
}

}  // namespace

void registerConv(napi_env env, napi_value exports) {
  exportFunction(env, exports, "conv2d", conv2d);
  exportFunction(env, exports, "conv2dBackpropInput", conv2dBackpropInput);
  exportFunction(env, exports, "conv2dBackpropFilter", conv2dBackpropFilter);
  exportFunction(env, exports, "convImplementations", convImplementations);
}

}  // namespace deepline
