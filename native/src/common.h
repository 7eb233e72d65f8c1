// Shared plumbing of the addon: argument access for Node-API calls, the oneDNN engine and
// stream, and a cache of primitives keyed by the shapes and options they were built for.
#pragma once
#include <node_api.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "oneapi/dnnl/dnnl.hpp"

namespace deepline {

/** The arguments of one call from JavaScript. Typed arrays are read in place, never copied. */
class Call {
 public:
  Call(napi_env env, napi_callback_info info);
  napi_env env;
  /** The Float32Array at `i`, or nullptr when the argument is null or undefined. */
  float* f32(size_t i, size_t* length = nullptr) const;
  const int32_t* i32(size_t i, size_t* length = nullptr) const;
  double number(size_t i) const;

 private:
  void* typed(size_t i, napi_typedarray_type want, size_t* length) const;
  napi_value argv_[16];
  size_t argc_ = 16;
};

/** Runs `body` and turns C++ and oneDNN exceptions into JavaScript errors. */
template <typename F>
napi_value guarded(napi_env env, napi_callback_info info, F body) {
  try {
    Call call(env, info);
    return body(call);
  } catch (const dnnl::error& e) {
    napi_throw_error(env, nullptr, (std::string("deepline native addon, oneDNN: ") + e.what() + " (status " + std::to_string(e.status) + ")").c_str());
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, (std::string("deepline native addon: ") + e.what()).c_str());
  }
  return nullptr;
}

dnnl::engine& cpuEngine();
dnnl::stream& cpuStream();

/** Primitives and the descriptors they were made from, kept per shape key for the process. */
template <typename T>
class PrimitiveCache {
 public:
  template <typename Make>
  T& get(const std::string& key, Make make) {
    auto it = entries_.find(key);
    if (it != entries_.end()) return it->second;
    return entries_.emplace(key, make()).first->second;
  }
  size_t size() const { return entries_.size(); }
  void clear() { entries_.clear(); }

 private:
  std::unordered_map<std::string, T> entries_;
};

/** The thread count and "a,b,c" of the integers given: the usual start of a cache key. */
std::string keyOf(const int32_t* values, size_t count);

/** Activations that oneDNN can fuse as an eltwise post-op; codes shared with the JS side. */
enum Activation { kLinear = 0, kRelu = 1, kRelu6 = 2, kLeakyRelu = 3, kSigmoid = 4, kElu = 5 };
void appendActivation(dnnl::post_ops& ops, int activation, float alpha);

void registerMatMul(napi_env env, napi_value exports);
void registerConv(napi_env env, napi_value exports);
void registerPool(napi_env env, napi_value exports);
void registerElementwise(napi_env env, napi_value exports);
void exportFunction(napi_env env, napi_value exports, const char* name, napi_callback fn);

}  // namespace deepline
