{
  "targets": [
    {
      "target_name": "deepline_native",
      "sources": [
        "src/addon.cc",
        "src/matmul.cc",
        "src/conv.cc",
        "src/pool.cc",
        "src/elementwise.cc"
      ],
      "include_dirs": ["/usr/include"],
      "libraries": ["-ldnnl", "-fopenmp"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-fopenmp", "-fexceptions", "-fno-trapping-math"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
