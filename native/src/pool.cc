// Max and average pooling, forward and backward, NHWC: the forward passes and the max-pooling
// gradient are direct loops; the average-pooling gradient runs on oneDNN.
#include <algorithm>
#include <cstring>
#include <vector>

#include "common.h"

namespace deepline {
namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

// Int32Array layout of the shape parameters, shared with the JS side.
enum P { N, IH, IW, C, OH, OW, KH, KW, SH, SW, PT, PL, PB, PR, COUNT };

dnnl::pooling_forward::desc forwardDesc(const int32_t* p, dnnl::prop_kind kind, bool isMax) {
  memory::desc src({p[N], p[C], p[IH], p[IW]}, dt::f32, tag::nhwc);
  memory::desc dst({p[N], p[C], p[OH], p[OW]}, dt::f32, tag::nhwc);
  // TF averages over the window's cells inside the image only.
  auto alg = isMax ? dnnl::algorithm::pooling_max : dnnl::algorithm::pooling_avg_exclude_padding;
  return dnnl::pooling_forward::desc(kind, alg, src, dst, {p[SH], p[SW]}, {p[KH], p[KW]}, {p[PT], p[PL]},
                                     {p[PB], p[PR]});
}

struct BackwardEntry {
  dnnl::pooling_backward prim;
  memory::desc src, dst;
};

thread_local PrimitiveCache<BackwardEntry> backwardCache;

// pool(x, out, Int32Array params, isMax): each output cell is the max (or the mean) of its
// window's cells inside the image, TF's treatment of padding. A direct pass, channels innermost
// (contiguous in NHWC, so the compiler vectorizes them): oneDNN 2.6's NHWC pooling kernels were
// 3-15x slower on an AVX2 EPYC (1 thread, batch 64, 2x2 max windows, µs oneDNN jit:avx2 / this
// loop: 8x8x16 59 / 9, 4x4x32 36 / 3, 28x28x32 2759 / 183, 14x14x64 720 / 74; average windows
// alike), and it is memory-bound work that a plain loop does at memory speed on any x86.
napi_value pool(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    const float* x = c.f32(0);
    float* out = c.f32(1);
    const int32_t* p = c.i32(2);
    const bool isMax = c.number(3) != 0;
    const int64_t n = p[N], ih = p[IH], iw = p[IW], ch = p[C], oh = p[OH], ow = p[OW];
    #pragma omp parallel for collapse(2) if (n * oh * ow * ch * p[KH] * p[KW] >= (1 << 16))
    for (int64_t b = 0; b < n; b++) {
      for (int64_t oy = 0; oy < oh; oy++) {
        const float* xb = x + b * ih * iw * ch;
        const int64_t y0 = oy * p[SH] - p[PT];
        const int64_t r0 = std::max<int64_t>(y0, 0), r1 = std::min<int64_t>(y0 + p[KH], ih);
        for (int64_t ox = 0; ox < ow; ox++) {
          const int64_t x0 = ox * p[SW] - p[PL];
          const int64_t q0 = std::max<int64_t>(x0, 0), q1 = std::min<int64_t>(x0 + p[KW], iw);
          float* o = out + ((b * oh + oy) * ow + ox) * ch;
          // Every window holds at least one image cell (the JS side passes no other padding).
          const float* first = xb + (r0 * iw + q0) * ch;
          std::copy(first, first + ch, o);
          for (int64_t r = r0; r < r1; r++) {
            for (int64_t q = (r == r0 ? q0 + 1 : q0); q < q1; q++) {
              const float* xi = xb + (r * iw + q) * ch;
              if (isMax) {
                for (int64_t k = 0; k < ch; k++) o[k] = o[k] < xi[k] ? xi[k] : o[k];
              } else {
                for (int64_t k = 0; k < ch; k++) o[k] += xi[k];
              }
            }
          }
          if (!isMax) {
            const float scale = 1.f / static_cast<float>((r1 - r0) * (q1 - q0));
            for (int64_t k = 0; k < ch; k++) o[k] *= scale;
          }
        }
      }
    }
    return nullptr;
  });
}

BackwardEntry& avgBackwardEntry(const int32_t* p) {
  return backwardCache.get(keyOf(p, COUNT), [&] {
    auto fdesc = forwardDesc(p, dnnl::prop_kind::forward_training, false);
    dnnl::pooling_forward::primitive_desc fpd(fdesc, cpuEngine());
    dnnl::pooling_backward::desc bdesc(dnnl::algorithm::pooling_avg_exclude_padding, fpd.src_desc(), fpd.dst_desc(),
                                       {p[SH], p[SW]}, {p[KH], p[KW]}, {p[PT], p[PL]}, {p[PB], p[PR]});
    dnnl::pooling_backward::primitive_desc bpd(bdesc, cpuEngine(), fpd);
    return BackwardEntry{dnnl::pooling_backward(bpd), fpd.src_desc(), fpd.dst_desc()};
  });
}

// maxPoolGrad(dy, x, y, dx, Int32Array params): each dy goes to the first cell of its window
// (in scan order) that holds the window's maximum y, TF's choice among ties. A direct pass over
// x and y: cheaper than oneDNN's backward, which needs a forward rerun for its workspace.
napi_value maxPoolGrad(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    const float* dy = c.f32(0);
    const float* x = c.f32(1);
    const float* y = c.f32(2);
    float* dx = c.f32(3);
    const int32_t* p = c.i32(4);
    const int64_t n = p[N], ih = p[IH], iw = p[IW], ch = p[C], oh = p[OH], ow = p[OW];
    // Windows that tile the input exactly (2x2 stride 2 on even sizes, the usual case) cover
    // every cell once: dx is then stored outright, without zeroing it first and adding.
    const bool tiles = p[SH] == p[KH] && p[SW] == p[KW] && p[PT] == 0 && p[PL] == 0 && oh * p[SH] == ih && ow * p[SW] == iw;
    if (!tiles) std::memset(dx, 0, sizeof(float) * n * ih * iw * ch);
    // Batches are independent, so they split across threads without write conflicts. The
    // channel loop is innermost: contiguous in NHWC, with a per-channel "already found" flag.
    #pragma omp parallel if (n * oh * ow * ch >= (1 << 15))
    {
      std::vector<uint8_t> found(ch);
      #pragma omp for
      for (int64_t b = 0; b < n; b++) {
        const float* xb = x + b * ih * iw * ch;
        float* dxb = dx + b * ih * iw * ch;
        for (int64_t oy = 0; oy < oh; oy++) {
          const int64_t y0 = oy * p[SH] - p[PT];
          const int64_t r0 = std::max<int64_t>(y0, 0), r1 = std::min<int64_t>(y0 + p[KH], ih);
          for (int64_t ox = 0; ox < ow; ox++) {
            const int64_t x0 = ox * p[SW] - p[PL];
            const int64_t q0 = std::max<int64_t>(x0, 0), q1 = std::min<int64_t>(x0 + p[KW], iw);
            const float* yo = y + ((b * oh + oy) * ow + ox) * ch;
            const float* dyo = dy + ((b * oh + oy) * ow + ox) * ch;
            std::fill(found.begin(), found.end(), 0);
            for (int64_t r = r0; r < r1; r++) {
              for (int64_t q = q0; q < q1; q++) {
                const float* xi = xb + (r * iw + q) * ch;
                float* dxi = dxb + (r * iw + q) * ch;
                for (int64_t k = 0; k < ch; k++) {
                  // Branch-free: ties and misses are data-dependent, and mispredicted
                  // branches made this loop 7x slower.
                  const uint8_t hit = static_cast<uint8_t>(found[k] ^ 1) & static_cast<uint8_t>(xi[k] == yo[k]);
                  uint32_t bits;
                  std::memcpy(&bits, dyo + k, 4);
                  bits &= 0u - hit;  // dy where hit, +0 elsewhere (NaN-safe, unlike hit * dy)
                  float g;
                  std::memcpy(&g, &bits, 4);
                  dxi[k] = tiles ? g : dxi[k] + g;
                  found[k] |= hit;
                }
              }
            }
          }
        }
      }
    }
    return nullptr;
  });
}

// avgPoolGrad(dy, dx, Int32Array params)
napi_value avgPoolGrad(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    const float* dy = c.f32(0);
    float* dx = c.f32(1);
    const int32_t* p = c.i32(2);
    BackwardEntry& e = avgBackwardEntry(p);
    dnnl::engine& eng = cpuEngine();
    e.prim.execute(cpuStream(), {{DNNL_ARG_DIFF_DST, memory(e.dst, eng, const_cast<float*>(dy))},
                                     {DNNL_ARG_DIFF_SRC, memory(e.src, eng, dx)}});
    cpuStream().wait();
    return nullptr;
  });
}

}  // namespace

void registerPool(napi_env env, napi_value exports) {
  exportFunction(env, exports, "pool", pool);
  exportFunction(env, exports, "maxPoolGrad", maxPoolGrad);
  exportFunction(env, exports, "avgPoolGrad", avgPoolGrad);
}

}  // namespace deepline
