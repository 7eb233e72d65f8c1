/**
 * What `deepline serve` can run a model on: ONNX Runtime on `model.onnx` (the default), or a
 * TF.js engine on the `model/` folder. A module of its own, so the CLI can name them without
 * loading what reads or measures them.
 */
export const SERVING_ENGINES = ['onnx', 'native', 'wasm', 'cpu'] as const;
export type ServingEngine = (typeof SERVING_ENGINES)[number];
