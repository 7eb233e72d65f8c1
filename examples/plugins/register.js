// deepline loads this module for `plugins: [./plugins/register.js]` in a task file (or
// `deepline run --plugin examples/plugins/register.js`) and calls register(context) once,
// after its own built-ins: every entry added here reaches validation, the search and its workers.
import { haltonSampler } from './halton-sampler.js';
import { residualMlpFamily, residualMlpSpace } from './residual-mlp-family.js';
import { createSvmlightReader } from './svmlight-reader.js';

export function register({ registries, DeeplineError }) {
  registries.samplers.register(haltonSampler.name, haltonSampler);
  registries.families.register(residualMlpFamily, residualMlpSpace);
  registries.readers.register('svmlight', createSvmlightReader(DeeplineError));
}
