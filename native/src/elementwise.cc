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
// kReluGradOp: dy * step(x), the gradient of Relu in one pass (a = dy, b = x); kSquareGradOp:
// dy * 2x, the gradient of Square (batch norm's variance) in one pass.
enum Binary { kAddOp = 0, kSubOp = 1, kMulOp = 2, kDivOp = 3, kMaxOp = 4, kMinOp = 5, kSquaredDiffOp = 6, kReluGradOp = 7, kSquareGradOp = 8 };

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
    // Keeps tfjs's dy * step(x) exactly: NaN for x NaN (the added b), and for dy inf or NaN
    // (a * 0). Written without nested selects so that GCC vectorises it (9.8 -> 0.5 ms on 1.6M).
    case kReluGradOp: return a * (b > 0.f ? 1.f : 0.f) + (b != b ? b : 0.f);
    case kSquareGradOp: return a * (b + b);
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
    DL_CASE(kSquareGradOp)
    default: throw std::invalid_argument("unknown binary op " + std::to_string(op));
  }
#undef DL_CASE
#undef DL_LOOPS
}

// Reductions of x viewed as [outer, reduce, inner] into out[outer, inner]: outer = 1 reduces
// leading axes (a bias gradient, batch-norm moments), inner = 1 trailing ones (a row sum),
// both > 1 a middle block (global pooling's [batch, h, w, c] -> [batch, c]).
enum Reduction { kSumReduction = 0, kMaxReduction = 1, kMinReduction = 2 };

template <int OP>
static inline __attribute__((always_inline)) float combine(float acc, float v) {
  if (OP == kSumReduction) return acc + v;
  // NaN wins, as in tfjs's cpu Max and Min.
  if (OP == kMaxReduction) return v > acc || v != v ? v : acc;
  return v < acc || v != v ? v : acc;
}

template <int OP>
static void reduceLoop(const float* x, float* out, int64_t outer, int64_t reduce, int64_t inner) {
  const int64_t total = outer * reduce * inner;
  if (inner == 1) {
    #pragma omp parallel for if (total >= kParallelMin)
    for (int64_t o = 0; o < outer; o++) {
      const float* row = x + o * reduce;
      if (OP == kSumReduction) {
        float s = 0.f;
        #pragma omp simd reduction(+ : s)
        for (int64_t r = 0; r < reduce; r++) s += row[r];
        out[o] = s;
      } else {
        float acc = row[0];
        for (int64_t r = 1; r < reduce; r++) acc = combine<OP>(acc, row[r]);
        out[o] = acc;
      }
    }
  } else if (OP != kSumReduction || outer >= 4 || outer * inner >= reduce) {
    // Enough independent outputs: each thread owns whole slices of out.
    #pragma omp parallel for if (total >= kParallelMin)
    for (int64_t o = 0; o < outer; o++) {
      float* dst = out + o * inner;
      const float* src = x + o * reduce * inner;
      std::memcpy(dst, src, sizeof(float) * inner);
      for (int64_t r = 1; r < reduce; r++) {
        const float* row = src + r * inner;
        #pragma omp simd
        for (int64_t j = 0; j < inner; j++) dst[j] = combine<OP>(dst[j], row[j]);
      }
    }
  } else {
    // Column sums over many rows: each thread adds a band of rows into its own partial, then partials merge.
    for (int64_t o = 0; o < outer; o++) {
      float* dst = out + o * inner;
      const float* src = x + o * reduce * inner;
      std::memset(dst, 0, sizeof(float) * inner);
      #pragma omp parallel if (reduce * inner >= kParallelMin)
      {
        std::vector<float> partial(inner, 0.f);
        #pragma omp for
        for (int64_t r = 0; r < reduce; r++) {
          const float* row = src + r * inner;
          #pragma omp simd
          for (int64_t j = 0; j < inner; j++) partial[j] += row[j];
        }
        #pragma omp critical
        for (int64_t j = 0; j < inner; j++) dst[j] += partial[j];
      }
    }
  }
}

DL_CLONES void reduceDispatch(int op, const float* x, float* out, int64_t outer, int64_t reduce, int64_t inner) {
  switch (op) {
    case kSumReduction: return reduceLoop<kSumReduction>(x, out, outer, reduce, inner);
    case kMaxReduction: return reduceLoop<kMaxReduction>(x, out, outer, reduce, inner);
    case kMinReduction: return reduceLoop<kMinReduction>(x, out, outer, reduce, inner);
    default: throw std::invalid_argument("unknown reduction " + std::to_string(op));
  }
}

// The gradient of Max or Min over the middle block of x [outer, reduce, inner]: dy where x equals
// the reduced value y [outer, inner] (every tied position, as tfjs does), else 0.
DL_CLONES void extremumGradLoop(const float* x, const float* y, const float* dy, float* dx, int64_t outer, int64_t reduce, int64_t inner) {
  #pragma omp parallel for collapse(2) if (outer * reduce * inner >= kParallelMin)
  for (int64_t o = 0; o < outer; o++) {
    for (int64_t r = 0; r < reduce; r++) {
      const float* xr = x + (o * reduce + r) * inner;
      const float* yr = y + o * inner;
      const float* gr = dy + o * inner;
      float* out = dx + (o * reduce + r) * inner;
      #pragma omp simd
      for (int64_t j = 0; j < inner; j++) out[j] = xr[j] == yr[j] ? gr[j] : 0.f;
    }
  }
}

// The general broadcast: out has `rank` dims (collapsed by the caller, rank <= 8); a and b step
// through theirs with the given element strides, 0 along a broadcast dim. The innermost dim is
// a vectorised loop in which each operand steps by 1 or stays put.
DL_CLONES void broadcastLoop(int op, const float* a, const float* b, float* out, int rank, const int32_t* dims,
                             const int32_t* aStrides, const int32_t* bStrides) {
  const int64_t inner = dims[rank - 1];
  const int64_t ia = aStrides[rank - 1], ib = bStrides[rank - 1];
  int64_t rows = 1;
  for (int d = 0; d < rank - 1; d++) rows *= dims[d];
#define DL_ROW(OP)                                                                             \
  case OP:                                                                                   \
    if (ia == 1 && ib == 1) {                                                                \
      _Pragma("omp simd") for (int64_t j = 0; j < inner; j++) o[j] = apply(OP, ar[j], br[j]); \
    } else if (ia == 1) {                                                                    \
      const float bv = br[0];                                                                \
      _Pragma("omp simd") for (int64_t j = 0; j < inner; j++) o[j] = apply(OP, ar[j], bv);   \
    } else if (ib == 1) {                                                                    \
      const float av = ar[0];                                                                \
      _Pragma("omp simd") for (int64_t j = 0; j < inner; j++) o[j] = apply(OP, av, br[j]);   \
    } else {                                                                                 \
      const float v = apply(OP, ar[0], br[0]);                                               \
      _Pragma("omp simd") for (int64_t j = 0; j < inner; j++) o[j] = v;                      \
    }                                                                                        \
    break;
  #pragma omp parallel for if (rows * inner >= kParallelMin)
  for (int64_t row = 0; row < rows; row++) {
    int64_t offA = 0, offB = 0, rest = row;
    for (int d = rank - 2; d >= 0; d--) {
      const int64_t i = rest % dims[d];
      rest /= dims[d];
      offA += i * aStrides[d];
      offB += i * bStrides[d];
    }
    const float* ar = a + offA;
    const float* br = b + offB;
    float* o = out + row * inner;
    switch (op) {
      DL_ROW(kAddOp)
      DL_ROW(kSubOp)
      DL_ROW(kMulOp)
      DL_ROW(kDivOp)
      DL_ROW(kMaxOp)
      DL_ROW(kMinOp)
      DL_ROW(kSquaredDiffOp)
      DL_ROW(kReluGradOp)
      DL_ROW(kSquareGradOp)
      default: break;
    }
  }
#undef DL_ROW
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

// Batch norm's backward pass over x, dy: [rows, c] in one sweep: dx = dy * factor[j] and, per
// channel, sumDy[j] = sum of dy and sumDyXmu[j] = sum of dy * (x - mean[j]), from which the
// caller derives the gradients of mean, variance, scale and offset.
DL_CLONES void batchNormGradLoop(const float* x, const float* dy, const float* mean, const float* factor, float* dx, float* sumDy,
                                 float* sumDyXmu, int64_t rows, int64_t c) {
  std::memset(sumDy, 0, sizeof(float) * c);
  std::memset(sumDyXmu, 0, sizeof(float) * c);
  #pragma omp parallel if (rows * c >= kParallelMin)
  {
    std::vector<float> s1(c, 0.f), s2(c, 0.f);
    float* p1 = s1.data();
    float* p2 = s2.data();
    #pragma omp for
    for (int64_t r = 0; r < rows; r++) {
      const float* xr = x + r * c;
      const float* dr = dy + r * c;
      float* o = dx + r * c;
      #pragma omp simd
      for (int64_t j = 0; j < c; j++) {
        const float d = dr[j];
        p1[j] += d;
        p2[j] += d * (xr[j] - mean[j]);
        o[j] = d * factor[j];
      }
    }
    #pragma omp critical
    for (int64_t j = 0; j < c; j++) {
      sumDy[j] += p1[j];
      sumDyXmu[j] += p2[j];
    }
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

// reduce(op, x, out, outer, reduce, inner)
napi_value reduce(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    size_t n, m;
    const float* x = c.f32(1, &n);
    float* out = c.f32(2, &m);
    const auto outer = static_cast<int64_t>(c.number(3)), reduce = static_cast<int64_t>(c.number(4)), inner = static_cast<int64_t>(c.number(5));
    if (outer <= 0 || reduce <= 0 || inner <= 0 || static_cast<int64_t>(n) != outer * reduce * inner || static_cast<int64_t>(m) != outer * inner)
      throw std::invalid_argument("reduce: the sizes do not match [outer, reduce, inner]");
    reduceDispatch(static_cast<int>(c.number(0)), x, out, outer, reduce, inner);
    return nullptr;
  });
}

// extremumGrad(x, y, dy, dx, outer, reduce, inner)
napi_value extremumGrad(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    size_t n, ny, ng, nd;
    const float* x = c.f32(0, &n);
    const float* y = c.f32(1, &ny);
    const float* dy = c.f32(2, &ng);
    float* dx = c.f32(3, &nd);
    const auto outer = static_cast<int64_t>(c.number(4)), reduce = static_cast<int64_t>(c.number(5)), inner = static_cast<int64_t>(c.number(6));
    if (outer <= 0 || reduce <= 0 || inner <= 0 || static_cast<int64_t>(n) != outer * reduce * inner || nd != n ||
        static_cast<int64_t>(ny) != outer * inner || ng != ny)
      throw std::invalid_argument("extremumGrad: the sizes do not match [outer, reduce, inner]");
    extremumGradLoop(x, y, dy, dx, outer, reduce, inner);
    return nullptr;
  });
}

// broadcast(op, a, b, out, dims: Int32Array, aStrides: Int32Array, bStrides: Int32Array)
napi_value broadcast(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    size_t na, nb, no, rank, ra, rb;
    const float* a = c.f32(1, &na);
    const float* b = c.f32(2, &nb);
    float* out = c.f32(3, &no);
    const int32_t* dims = c.i32(4, &rank);
    const int32_t* sa = c.i32(5, &ra);
    const int32_t* sb = c.i32(6, &rb);
    if (rank == 0 || rank > 8 || ra != rank || rb != rank) throw std::invalid_argument("broadcast: dims and strides need the same rank, 1 to 8");
    int64_t size = 1, lastA = 0, lastB = 0;
    for (size_t d = 0; d < rank; d++) {
      if (dims[d] <= 0) throw std::invalid_argument("broadcast: empty dim");
      size *= dims[d];
      lastA += static_cast<int64_t>(dims[d] - 1) * sa[d];
      lastB += static_cast<int64_t>(dims[d] - 1) * sb[d];
    }
    const int64_t ia = sa[rank - 1], ib = sb[rank - 1];
    if (static_cast<int64_t>(no) != size || lastA >= static_cast<int64_t>(na) || lastB >= static_cast<int64_t>(nb) || ia < 0 || ia > 1 || ib < 0 || ib > 1)
      throw std::invalid_argument("broadcast: strides or sizes out of range");
    broadcastLoop(static_cast<int>(c.number(0)), a, b, out, static_cast<int>(rank), dims, sa, sb);
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

// batchNormGrad(x, dy, mean, factor, dx, sumDy, sumDyXmu)
napi_value batchNormGrad(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    size_t n, ndy, nm, nf, ndx, n1, n2;
    const float* x = c.f32(0, &n);
    const float* dy = c.f32(1, &ndy);
    const float* mean = c.f32(2, &nm);
    const float* factor = c.f32(3, &nf);
    float* dx = c.f32(4, &ndx);
    float* sumDy = c.f32(5, &n1);
    float* sumDyXmu = c.f32(6, &n2);
    if (nm == 0 || n % nm != 0 || ndy != n || ndx != n || nf != nm || n1 != nm || n2 != nm)
      throw std::invalid_argument("batchNormGrad: x, dy and dx need the same size, a multiple of the channel count");
    batchNormGradLoop(x, dy, mean, factor, dx, sumDy, sumDyXmu, n / nm, nm);
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
  exportFunction(env, exports, "reduce", reduce);
  exportFunction(env, exports, "extremumGrad", extremumGrad);
  exportFunction(env, exports, "broadcast", broadcast);
  exportFunction(env, exports, "batchNormGrad", batchNormGrad);
  exportFunction(env, exports, "scaleShift", scaleShift);
  exportFunction(env, exports, "adam", adam);
  exportFunction(env, exports, "softmax", softmax);
}

}  // namespace deepline
