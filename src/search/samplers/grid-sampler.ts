import { z } from 'zod';
import type { JsonValue, Params, SearchSpace } from '../space.ts';
import { isParamActive } from '../space/is-param-active.ts';
import { gridValues } from './grid-values.ts';
import type { Sampler, SamplerEntry } from './sampler.ts';

export interface GridSamplerOptions {
  /** How many values a float (or an int with more values than this) is discretised to. */
  gridSize: number;
}

/** Refuses grids larger than this rather than hang enumerating them; a search that big wants TPE. */
const MAX_POINTS = 200_000;

/**
 * Exhaustive search. Points are enumerated over the conditional tree (a child appears only under
 * parent values that activate it), and one that no trial has used yet (running ones included, so
 * parallel workers do not repeat each other) is picked with the rng: a random rather than a
 * lexicographic order spreads an interrupted grid over the whole space, while the rng and history
 * still fully determine it. Once the grid is exhausted, points are revisited at random.
 */
export const gridSampler: SamplerEntry<GridSamplerOptions> = {
  name: 'grid',
  description: 'every combination of the parameters, floats discretised to gridSize values',
  optionsSchema: z.strictObject({ gridSize: z.int().min(1).max(1000).default(5) }),
  create(options): Sampler {
    return {
      name: 'grid',
      sample(space, history, rng): Params {
        const used = new Set(history.map((t) => canonical(t.params)));
        const all: Params[] = [];
        const fresh: Params[] = [];
        for (const point of enumerate(space, options.gridSize)) {
          all.push(point);
          if (!used.has(canonical(point))) fresh.push(point);
          if (all.length > MAX_POINTS) throw new RangeError(`grid has more than ${MAX_POINTS} points; lower gridSize or use the tpe sampler`);
        }
        const pool = fresh.length > 0 ? fresh : all;
        return pool[rng.int(pool.length)];
      },
    };
  },
};

function* enumerate(space: SearchSpace, gridSize: number): Generator<Params> {
  const grids = space.params.map((p) => gridValues(p, gridSize));
  function* walk(i: number, partial: Record<string, JsonValue>): Generator<Params> {
    if (i === space.params.length) {
      yield { ...partial };
      return;
    }
    const param = space.params[i];
    if (!isParamActive(param, partial)) {
      yield* walk(i + 1, partial);
      return;
    }
    for (const value of grids[i]) {
      partial[param.name] = value;
      yield* walk(i + 1, partial);
    }
    delete partial[param.name];
  }
  yield* walk(0, {});
}

/** JSON with sorted keys, so two equal parameter sets match whatever order they were written in. */
function canonical(value: JsonValue): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const record = value as Record<string, JsonValue>;
  return `{${Object.keys(record).sort().map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(',')}}`;
}
