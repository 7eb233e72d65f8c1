import { didYouMean } from '../../extensions/did-you-mean.ts';
import { DeeplineError } from '../../errors/index.ts';
import type { SpaceOverride } from '../../task/task-spec.ts';
import type { Param, SearchSpace } from '../space.ts';

/**
 * A family's default space with the task file's `search.space` applied, by parameter name:
 * a plain value fixes the parameter (a one-choice categorical), `{ low, high, log? }` narrows or
 * widens a numeric range, `{ choices }` replaces the choices. Conditions stay as they were, so a
 * fixed `depth: 2` still switches the deeper blocks' parameters off. An unknown name, or a range
 * on a categorical parameter, is a DL_TASK_FIELD error naming `search.space.<name>`.
 */
export function applySpaceOverrides(space: SearchSpace, overrides: Readonly<Record<string, SpaceOverride>>, family: string): SearchSpace {
  const names = space.params.map((p) => p.name);
  for (const name of Object.keys(overrides)) {
    if (!names.includes(name)) {
      const suggestion = didYouMean(name, names);
      throw fieldError(name, `is not a parameter of the ${family} search space${suggestion ? ` (did you mean \`${suggestion}\`?)` : ''}`, `valid: ${names.join(', ')}`);
    }
  }
  return { params: space.params.map((p) => (p.name in overrides ? override(p, overrides[p.name], family) : p)) };
}

function override(param: Param, value: SpaceOverride, family: string): Param {
  const condition = param.condition ? { condition: param.condition } : {};
  if (typeof value !== 'object') {
    if (param.kind !== 'categorical' && typeof value !== 'number') {
      throw fieldError(param.name, `must be a number for the ${param.kind} parameter \`${param.name}\`, but got ${JSON.stringify(value)}`);
    }
    if (param.kind === 'int' && !Number.isInteger(value)) throw fieldError(param.name, `must be an integer, but got ${value}`);
    return { name: param.name, kind: 'categorical', choices: [value], ...condition };
  }
  if ('choices' in value) {
    if (param.kind === 'int' && value.choices.some((c) => typeof c !== 'number' || !Number.isInteger(c))) {
      throw fieldError(param.name, `choices must be integers for \`${param.name}\`, but got ${JSON.stringify(value.choices)}`);
    }
    return { name: param.name, kind: 'categorical', choices: [...value.choices], ...condition };
  }
  if (param.kind === 'categorical') {
    throw fieldError(param.name, `is a choice among ${JSON.stringify(param.choices)}, not a range`, `write \`{ choices: [...] }\` or one value (family ${family})`);
  }
  if (value.low > value.high) throw fieldError(param.name, `high (${value.high}) must be ≥ low (${value.low})`);
  const log = value.log ?? param.log ?? false;
  if (log && value.low <= 0) throw fieldError(param.name, `low must be > 0 on a log scale, but got ${value.low}`);
  if (param.kind === 'int' && !(Number.isInteger(value.low) && Number.isInteger(value.high))) {
    throw fieldError(param.name, `low and high must be integers, but got ${value.low} and ${value.high}`);
  }
  const { step: _step, ...rest } = param;
  return { ...rest, low: value.low, high: value.high, log, ...(param.step !== undefined && !log ? { step: param.step } : {}) };
}

function fieldError(name: string, problem: string, hint = 'see docs/task-file.md#search'): DeeplineError {
  const field = `search.space.${name}`;
  return new DeeplineError('DL_TASK_FIELD', `${field} ${problem}`, { hint, location: { field } });
}
