// A deepline plugin's sampler: quasi-random points of the Halton sequence. Trial k takes the
// k-th point in bases 2, 3, 5, … (one prime per parameter), so a few trials already cover the
// space more evenly than independent uniform draws do. Like every sampler it keeps no state:
// the trial's index is the length of the history it is given.
import { z } from 'zod';

const PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113];

/** The radical inverse of `index` in `base`: its digits mirrored after the point, in [0, 1). */
function radicalInverse(index, base) {
  let result = 0;
  let fraction = 1 / base;
  for (let i = index; i > 0; i = Math.floor(i / base)) {
    result += (i % base) * fraction;
    fraction /= base;
  }
  return result;
}

/** Whether a conditional parameter is active given the values sampled before it. */
function isActive(param, params) {
  if (!param.condition) return true;
  const parent = params[param.condition.parent];
  return parent !== undefined && param.condition.values.some((v) => JSON.stringify(v) === JSON.stringify(parent));
}

/** Maps u in [0, 1) onto the parameter's domain (log scale, step grid and bounds honoured). */
function valueAt(param, u) {
  if (param.kind === 'categorical') return param.choices[Math.min(param.choices.length - 1, Math.floor(u * param.choices.length))];
  const step = param.step ?? (param.kind === 'int' ? 1 : undefined);
  if (param.log) {
    const pad = param.kind === 'int' ? 0.5 : 0;
    const x = Math.exp(Math.log(param.low - pad) + u * (Math.log(param.high + pad) - Math.log(param.low - pad)));
    return Math.min(param.high, Math.max(param.low, param.kind === 'int' ? Math.round(x) : x));
  }
  if (step !== undefined) {
    const count = Math.floor((param.high - param.low) / step + 1e-9) + 1;
    return param.low + Math.min(count - 1, Math.floor(u * count)) * step;
  }
  return param.low + u * (param.high - param.low);
}

const haltonSampler = {
  name: 'halton',
  description: 'quasi-random Halton points with a seeded random shift (a plugin: examples/plugins)',
  optionsSchema: z.strictObject({
    /** Points of the sequence to skip first (its first points lie on a coarse grid). */
    skip: z.int().min(0).max(1000).default(1),
  }),
  create(options) {
    return {
      name: 'halton',
      sample(space, history) {
        const index = history.length + options.skip;
        const params = {};
        space.params.forEach((param, j) => {
          if (isActive(param, params)) params[param.name] = valueAt(param, radicalInverse(index, PRIMES[j % PRIMES.length]));
        });
        return params;
      },
    };
  },
};

export { haltonSampler };
