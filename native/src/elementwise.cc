// The element-wise and reduction kernels that profiles of a training step showed dominating
// once convolutions and matrix products were native: the JS loops of the cpu backend spend
// ~2 ns per element (measured), on tensors of up to a million elements per layer. Loops are compiled for
// several instruction sets (GCC target_clones) and split over the OpenMP threads when large.
#include <cmath>
#include <cstring>
#include <vector>

#include "common.h"

namespace deepline {
namespace {

#define DL_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
// Below this many elements a loop is not worth waking the thread pool for.
constexpr int64_t kParallelMin = 1 << 15;

enum Unary { kReluOp = 0, kStepOp = 1, kNegOp = 2, kSquareOp = 3, kSqrtOp = 4, kExpOp = 5, kLogOp = 6, kReciprocalOp = 7 };
// kReluGradOp: dy * step(x), the gradient of Relu in one pass (a = dy, b = x).
enum Binary { kAddOp = 0, kSubOp = 1, kMulOp = 2, kDivOp = 3, kMaxOp = 4, kMinOp = 5, kSquaredDiffOp = 6, kReluGradOp = 7 };

DL_CLONES void unaryLoop(int op, const float* x, float* out, int64_t n, float alpha) {
#define DL_LOOP(expr) \
  _Pragma("omp parallel for simd if (n >= kParallelMin)") for (int64_t i = 0; i < n; i++) { const float v = x[i]; out[i] = (expr); }
  switch (op) {
    case kReluOp: DL_LOOP(v > 0.f ? v : 0.f) break;
    // TF's Step keeps NaN as NaN.
    case kStepOp: DL_LOOP(v > 0.f ? 1.f : (v != v ? v : alpha)) break;
    case kNegOp: DL_LOOP(-v) break;
    case kSquareOp: DL_LOOP(v * v) break;
    case kSqrtOp: DL_LOOP(std::sqrt(v)) break;
    case kExpOp: DL_LOOP(std::exp(v)) break;
    case kLogOp: DL_LOOP(std::log(v)) break;
    case kReciprocalOp: DL_LOOP(1.f / v) break;
    default: throw std::invalid_argument("unknown unary op " + std::to_string(op));
  }
#undef DL_LOOP
}

static inline __attribute__((always_inline)) float apply(int op, float a, float b) {
  switch (op) {
    case kAddOp: return a + b;
    case kSubOp: return a - b;
    case kMulOp: return a * b;
    case kDivOp: return a / b;
    case kMaxOp: return a > b || a != a ? a : b;
    case kMinOp: return a < b || a != a ? a : b;
    // Multiplying keeps tfjs's results exactly: NaN for x NaN, and for dy inf or NaN.
    case kReluGradOp: return a * (b > 0.f ? 1.f : (b != b ? b : 0.f));
    default: { float d = a - b; return d * d; }
  }
}

// a has n elements; b has m, with n % m == 0, and is repeated along a (m == n: same shape;
// m == 1: a scalar; otherwise a trailing vector such as a bias). `swap` computes b op a.
DL_CLONES void binaryLoop(int op, const float* a, const float* b, float* out, int64_t n, int64_t m, bool swap) {
// Each case is its own loop with `swap` hoisted out, so that the compiler vectorises it: a
// per-element branch on the data (signs, ties) would be mispredicted half the time.
#define DL_LOOPS(OP, X, Y)                                                                               \
  if (m == n) {                                                                                          \
    _Pragma("omp parallel for simd if (n >= kParallelMin)") for (int64_t i = 0; i < n; i++) {            \
      const float av = a[i], bv = b[i];                                                                  \
      out[i] = apply(OP, X, Y);                                                                          \
    }                                                                                                    \
  } else if (m == 1) {                                                                                   \
    _Pragma("omp parallel for simd if (n >= kParallelMin)") for (int64_t i = 0; i < n; i++) {            \
      const float av = a[i], bv = b[0];                                                                  \
      out[i] = apply(OP, X, Y);                                                                          \
    }                                                                                                    \
  } else {                                                                                               \
    const int64_t rows = n / m;                                                                          \
    _Pragma("omp parallel for if (n >= kParallelMin)") for (int64_t r = 0; r < rows; r++) {              \
      const float* ar = a + r * m;                                                                       \
      float* o = out + r * m;                                                                            \
      _Pragma("omp simd") for (int64_t j = 0; j < m; j++) {                                              \
        const float av = ar[j], bv = b[j];                                                               \
        o[j] = apply(OP, X, Y);                                                                          \
      }                                                                                                  \
    }                                                                                                    \
  }
#define DL_CASE(OP)                  \
  case OP:                           \
    if (swap) {                      \
      DL_LOOPS(OP, bv, av)           \
    } else {                         \
      DL_LOOPS(OP, av, bv)           \
    }                                \
    break;
  switch (op) {
    DL_CASE(kAddOp)
    DL_CASE(kSubOp)
    DL_CASE(kMulOp)
    DL_CASE(kDivOp)
    DL_CASE(kMaxOp)
    DL_CASE(kMinOp)
    DL_CASE(kSquaredDiffOp)
    DL_CASE(kReluGradOp)
    default: throw std::invalid_argument("unknown binary op " + std::to_string(op));
  }
#undef DL_CASE
#undef DL_LOOPS
}

// x viewed as [outer, inner]: sums over outer (keeping inner) when `overOuter`, else over inner.
DL_CLONES void sumLoop(const float* x, float* out, int64_t outer, int64_t inner, bool overOuter) {
  if (overOuter) {
    std::memset(out, 0, sizeof(float) * inner);
    // Column sums: each thread adds a band of rows into its own partial, then partials merge.
    #pragma omp parallel if (outer * inner >= kParallelMin)
    {
      std::vector<float> partial(inner, 0.f);
      #pragma omp for
      for (int64_t r = 0; r < outer; r++) {
        const float* row = x + r * inner;
        #pragma omp simd
        for (int64_t j = 0; j < inner; j++) partial[j] += row[j];
      }
      #pragma omp critical
      for (int64_t j = 0; j < inner; j++) out[j] += partial[j];
    }
  } else {
    #pragma omp parallel for if (outer * inner >= kParallelMin)
    for (int64_t r = 0; r < outer; r++) {
      const float* row = x + r * inner;
      float s = 0.f;
      #pragma omp simd reduction(+ : s)
      for (int64_t j = 0; j < inner; j++) s += row[j];
      out[r] = s;
    }
  }
}

// x: [rows, c]; out = (x - mean[j]) * scale[j] + shift[j] per channel j: batch norm with the
// variance folded into scale (subtracting first keeps precision when x and mean are close).
DL_CLONES void scaleShiftLoop(const float* x, const float* mean, const float* scale, const float* shift, float* out, int64_t rows, int64_t c) {
  #pragma omp parallel for if (rows * c >= kParallelMin)
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * c;
    float* o = out + r * c;
    #pragma omp simd
    for (int64_t j = 0; j < c; j++) o[j] = (xr[j] - mean[j]) * scale[j] + shift[j];
  }
}

// One Adam step, as tfjs-core's AdamOptimizer computes it, for one variable. h holds
// lr, beta1, beta2, epsilon, beta1^t, beta2^t; the new value and moments go to fresh arrays.
DL_CLONES void adamLoop(const float* value, const float* m, const float* s, const float* g, float* outValue, float* outM,
                        float* outS, int64_t n, const float* h) {
  const float lr = h[0], b1 = h[1], b2 = h[2], eps = h[3];
  const float c1 = 1.f - h[4], c2 = 1.f - h[5];
  #pragma omp parallel for simd if (n >= kParallelMin)
  for (int64_t i = 0; i < n; i++) {
    const float mi = b1 * m[i] + (1.f - b1) * g[i];
    const float si = b2 * s[i] + (1.f - b2) * g[i] * g[i];
    outM[i] = mi;
    outS[i] = si;
    outValue[i] = value[i] - lr * ((mi / c1) / (std::sqrt(si / c2) + eps));
  }
}

// Softmax over the last axis of x viewed as [rows, cols], shifted by each row's maximum.
DL_CLONES void softmaxLoop(const float* x, float* out, int64_t rows, int64_t cols) {
  #pragma omp parallel for if (rows * cols >= kParallelMin)
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * cols;
    float* o = out + r * cols;
    float top = xr[0];
    for (int64_t j = 1; j < cols; j++) top = xr[j] > top ? xr[j] : top;
    float total = 0.f;
    for (int64_t j = 0; j < cols; j++) {
      o[j] = std::exp(xr[j] - top);
      total += o[j];
    }
    for (int64_t j = 0; j < cols; j++) o[j] /= total;
  }
}

napi_value softmax(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    size_t n;
    const float* x = c.f32(0, &n);
    const int64_t cols = static_cast<int64_t>(c.number(2));
    if (cols <= 0 || n % cols != 0) throw std::invalid_argument("softmax: bad row length");
    softmaxLoop(x, c.f32(1), n / cols, cols);
    return nullptr;
  });
}

napi_value unary(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    size_t n;
    const float* x = c.f32(1, &n);
    unaryLoop(static_cast<int>(c.number(0)), x, c.f32(2), n, static_cast<float>(c.number(3)));
    return nullptr;
  });
}

napi_value binary(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    size_t n, m;
    const float* a = c.f32(1, &n);
    const float* b = c.f32(2, &m);
    if (m == 0 || n % m != 0) throw std::invalid_argument("binary: the second operand must tile the first");
    binaryLoop(static_cast<int>(c.number(0)), a, b, c.f32(3), n, m, c.number(4) != 0);
    return nullptr;
  });
}

napi_value sum(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    sumLoop(c.f32(0), c.f32(1), static_cast<int64_t>(c.number(2)), static_cast<int64_t>(c.number(3)), c.number(4) != 0);
    return nullptr;
  });
}

napi_value scaleShift(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    size_t n, ch;
    const float* x = c.f32(0, &n);
    const float* mean = c.f32(1, &ch);
    scaleShiftLoop(x, mean, c.f32(2), c.f32(3), c.f32(4), n / ch, ch);
    return nullptr;
  });
}

napi_value adam(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    size_t n;
    const float* value = c.f32(0, &n);
    adamLoop(value, c.f32(1), c.f32(2), c.f32(3), c.f32(4), c.f32(5), c.f32(6), n, c.f32(7));
    return nullptr;
  });
}

}  // namespace

void registerElementwise(napi_env env, napi_value exports) {
  exportFunction(env, exports, "unary", unary);
  exportFunction(env, exports, "binary", binary);
  exportFunction(env, exports, "sum", sum);
  exportFunction(env, exports, "scaleShift", scaleShift);
  exportFunction(env, exports, "adam", adam);
  exportFunction(env, exports, "softmax", softmax);
}

}  // namespace deepline
