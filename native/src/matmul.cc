// Batched matrix product through oneDNN's matmul primitive, with transposes expressed as
// strides (no copies) and bias plus activation fused as post-ops.
#include <omp.h>

#include <algorithm>

#include "common.h"

namespace deepline {
namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

struct MatMulEntry {
  dnnl::matmul prim;
  memory::desc a, b, bias, out;
};

thread_local PrimitiveCache<MatMulEntry> cache;

// matMul(a, b, out, bias|null, Int32Array[batchA, batchB, m, k, n, transA, transB, activation], alpha)
napi_value matMul(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    const float* a = c.f32(0);
    const float* b = c.f32(1);
    float* out = c.f32(2);
    const float* bias = c.f32(3);
    const int32_t* p = c.i32(4);
    const float alpha = static_cast<float>(c.number(5));
    const int64_t batchA = p[0], batchB = p[1], m = p[2], k = p[3], n = p[4];
    const bool transA = p[5], transB = p[6];
    const int activation = p[7];
    // A small product is done before a second thread would have woken up (MLP layers at batch
    // 64 ran slower on 2 threads than on 1): run it on this thread alone.
    const int threads = omp_get_max_threads();
    const bool small = std::max(batchA, batchB) * m * k * n < (int64_t{1} << 20);
    if (small && threads > 1) omp_set_num_threads(1);
    struct Restore {
      int threads;
      bool active;
      ~Restore() { if (active) omp_set_num_threads(threads); }
    } restore{threads, small && threads > 1};
    std::string key = keyOf(p, 8) + (bias ? "b" : "-") + std::to_string(alpha);
    MatMulEntry& e = cache.get(key, [&] {
      memory::desc aMd({batchA, m, k}, dt::f32, transA ? memory::dims{m * k, 1, m} : memory::dims{m * k, k, 1});
      memory::desc bMd({batchB, k, n}, dt::f32, transB ? memory::dims{k * n, 1, k} : memory::dims{k * n, n, 1});
      memory::desc outMd({std::max(batchA, batchB), m, n}, dt::f32, tag::abc);
      memory::desc biasMd = bias ? memory::desc({1, 1, n}, dt::f32, tag::abc) : memory::desc();
      dnnl::post_ops ops;
      appendActivation(ops, activation, alpha);
      dnnl::primitive_attr attr;
      attr.set_post_ops(ops);
      dnnl::matmul::desc desc(aMd, bMd, biasMd, outMd);
      dnnl::matmul::primitive_desc pd(desc, attr, cpuEngine());
      return MatMulEntry{dnnl::matmul(pd), aMd, bMd, biasMd, outMd};
    });
    dnnl::engine& eng = cpuEngine();
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC, memory(e.a, eng, const_cast<float*>(a))},
        {DNNL_ARG_WEIGHTS, memory(e.b, eng, const_cast<float*>(b))},
        {DNNL_ARG_DST, memory(e.out, eng, out)},
    };
    if (bias) args.emplace(DNNL_ARG_BIAS, memory(e.bias, eng, const_cast<float*>(bias)));
    e.prim.execute(cpuStream(), args);
    cpuStream().wait();
    return nullptr;
  });
}

}  // namespace

void registerMatMul(napi_env env, napi_value exports) { exportFunction(env, exports, "matMul", matMul); }

}  // namespace deepline
