import { z } from 'zod';
import type { JsonValue, Params } from '../space.ts';
import { isParamActive } from '../space/is-param-active.ts';
import type { Sampler, SamplerEntry } from './sampler.ts';
import { sampleUniformly } from './sample-uniformly.ts';

/** Independent uniform draws of every active parameter: the baseline every other sampler must beat. */
export const randomSampler: SamplerEntry<Record<string, never>> = {
  name: 'random',
  description: 'independent uniform draws (log-uniform for log parameters)',
  optionsSchema: z.strictObject({}) as unknown as z.ZodType<Record<string, never>>,
  create(): Sampler {
    return {
      name: 'random',
      sample(space, _history, rng): Params {
        const params: Record<string, JsonValue> = {};
        for (const param of space.params) if (isParamActive(param, params)) params[param.name] = sampleUniformly(param, rng);
        return params;
      },
    };
  },
};
