// Entry point: thread control, cache statistics and the registration of every kernel group.
#include <omp.h>

#include "common.h"

namespace deepline {

Call::Call(napi_env e, napi_callback_info info) : env(e) {
  if (napi_get_cb_info(env, info, &argc_, argv_, nullptr, nullptr) != napi_ok) throw std::runtime_error("bad call");
}

void* Call::typed(size_t i, napi_typedarray_type want, size_t* length) const {
  if (i >= argc_) return nullptr;
  napi_valuetype kind;
  napi_typeof(env, argv_[i], &kind);
  if (kind == napi_null || kind == napi_undefined) return nullptr;
  bool isTyped = false;
  napi_is_typedarray(env, argv_[i], &isTyped);
  if (!isTyped) throw std::invalid_argument("argument " + std::to_string(i) + " must be a typed array");
  napi_typedarray_type type;
  size_t count;
  void* data;
  napi_get_typedarray_info(env, argv_[i], &type, &count, &data, nullptr, nullptr);
  if (type != want) throw std::invalid_argument("argument " + std::to_string(i) + " has the wrong typed-array type");
  if (length) *length = count;
  return data;
}

float* Call::f32(size_t i, size_t* length) const { return static_cast<float*>(typed(i, napi_float32_array, length)); }
const int32_t* Call::i32(size_t i, size_t* length) const {
  return static_cast<const int32_t*>(typed(i, napi_int32_array, length));
}

double Call::number(size_t i) const {
  double v = 0;
  if (i >= argc_ || napi_get_value_double(env, argv_[i], &v) != napi_ok) throw std::invalid_argument("argument " + std::to_string(i) + " must be a number");
  return v;
}

dnnl::engine& cpuEngine() {
  // Per JS thread (worker_threads may load the addon too): caches and buffers are not shared.
  thread_local dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpuStream() {
  thread_local dnnl::stream stream(cpuEngine());
  return stream;
}

std::string keyOf(const int32_t* values, size_t count) {
  // oneDNN fixes a primitive's work split for the thread count current at its creation.
  std::string key = std::to_string(omp_get_max_threads()) + 't';
  for (size_t i = 0; i < count; i++) {
    key += std::to_string(values[i]);
    key += ',';
  }
  return key;
}

void appendActivation(dnnl::post_ops& ops, int activation, float alpha) {
  using dnnl::algorithm;
  switch (activation) {
    case kLinear: return;
    case kRelu: ops.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f); return;
    case kRelu6: ops.append_eltwise(1.f, algorithm::eltwise_clip, 0.f, 6.f); return;
    case kLeakyRelu: ops.append_eltwise(1.f, algorithm::eltwise_relu, alpha, 0.f); return;
    case kSigmoid: ops.append_eltwise(1.f, algorithm::eltwise_logistic, 0.f, 0.f); return;
    case kElu: ops.append_eltwise(1.f, algorithm::eltwise_elu, 1.f, 0.f); return;
    default: throw std::invalid_argument("unknown activation code " + std::to_string(activation));
  }
}

void exportFunction(napi_env env, napi_value exports, const char* name, napi_callback fn) {
  napi_value value;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, nullptr, &value);
  napi_set_named_property(env, exports, name, value);
}

static napi_value setThreads(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    int n = static_cast<int>(c.number(0));
    if (n < 1) throw std::invalid_argument("thread count must be >= 1");
    omp_set_num_threads(n);
    return nullptr;
  });
}

static napi_value getThreads(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    napi_value out;
    napi_create_int32(c.env, omp_get_max_threads(), &out);
    return out;
  });
}

static napi_value version(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Call& c) -> napi_value {
    const dnnl_version_t* v = dnnl_version();
    std::string text = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
    napi_value out;
    napi_create_string_utf8(c.env, text.c_str(), text.size(), &out);
    return out;
  });
}

static napi_value init(napi_env env, napi_value exports) {
  exportFunction(env, exports, "setThreads", setThreads);
  exportFunction(env, exports, "getThreads", getThreads);
  exportFunction(env, exports, "version", version);
  registerMatMul(env, exports);
  registerConv(env, exports);
  registerPool(env, exports);
  registerElementwise(env, exports);
  return exports;
}

}  // namespace deepline

NAPI_MODULE(NODE_GYP_MODULE_NAME, deepline::init)
