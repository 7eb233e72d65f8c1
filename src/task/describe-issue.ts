import type { z } from 'zod';
import type { ErrorCode } from '../errors/index.ts';
import { didYouMean } from '../extensions/did-you-mean.ts';
import { formatValue } from './format-value.ts';
import type { FieldPath } from './source-locator.ts';
import { PLANNED_TASKS, SUPPORTED_TASKS } from './task-types.ts';
import { valueAt } from './value-at.ts';

/** One problem with one field, before it is placed at a line of the file. */
export interface FieldProblem {
  readonly code: ErrorCode;
  readonly path: FieldPath;
  /** What is wrong, without the location: `expected a string, but got 5`. */
  readonly problem: string;
  /** Point at the key rather than the value (for unknown keys). */
  readonly atKey?: boolean;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping of fields',
  array: 'a list',
};

/**
 * Turns one zod issue into the problems a user reads, worded from the value actually written
 * (`input` is the whole object that was validated) rather than from zod's generic text.
 * `schema` is walked to list the valid keys where a key is unknown.
 */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown, schema: z.core.$ZodType): FieldProblem[] {
  const path = issue.path;
  const value = valueAt(input, path);
  const field = (problem: string, code: ErrorCode = 'DL_TASK_FIELD'): FieldProblem[] => [{ code, path, problem }];
  switch (issue.code) {
    case 'invalid_type': {
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      if (value === undefined) return field(`required, expected ${expected}`);
      return field(`expected ${expected}, but got ${formatValue(value)}`);
    }
    case 'invalid_value': {
      const suggestion = typeof value === 'string' ? didYouMean(value, issue.values.map(String)) : undefined;
      const tail = `but got ${formatValue(value)}${suggestion ? ` — did you mean \`${suggestion}\`?` : ''}`;
      if (path.length === 1 && path[0] === 'task') {
        return field(
          `expected one of ${SUPPORTED_TASKS.join(', ')}${PLANNED_TASKS.length > 0 ? ` (coming later: ${PLANNED_TASKS.join(', ')})` : ''}, ${tail}`,
          'DL_TASK_TYPE',
        );
      }
      return field(`expected one of ${issue.values.map(String).join(', ')}, ${tail}`);
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const inclusive = issue.inclusive ?? true;
      if (issue.origin === 'array') {
        return field(`must list ${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} items, but got ${formatValue(value)}`);
      }
      if (issue.origin === 'string' && issue.code === 'too_small' && Number(bound) === 1) return field('must not be empty');
      const op = issue.code === 'too_small' ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
      return field(`must be ${op} ${bound}, but got ${formatValue(value)}`);
    }
    case 'invalid_format':
      // The schema words its own format messages (e.g. the name pattern).
      return field(`${issue.message}, but got ${formatValue(value)}`);
    case 'unrecognized_keys': {
      const section = objectKeysAt(schema, path) ?? [];
      return issue.keys.map((key) => ({
        code: 'DL_TASK_FIELD' as const,
        path: [...path, key],
        problem: unknownKeyProblem(key, section, path, schema),
        atKey: true,
      }));
    }
    default:
      return field(issue.message);
  }
}

function unknownKeyProblem(key: string, section: readonly string[], path: FieldPath, schema: z.core.$ZodType): string {
  const near = didYouMean(key, section);
  if (near !== undefined) return `unknown field — did you mean \`${near}\`?`;
  // A valid key written at the wrong level (`epochs:` at the top instead of under `train:`).
  const elsewhere = allObjectPaths(schema)
    .filter(({ keys, at }) => keys.includes(key) && at.join('.') !== path.join('.'))
    .map(({ at }) => [...at, key].join('.'));
  if (elsewhere.length > 0) return `unknown field here — did you mean ${elsewhere.map((p) => `\`${p}\``).join(' or ')}?`;
  return `unknown field; the fields here are ${section.join(', ')}`;
}

type Def = { type: string; shape?: Record<string, z.core.$ZodType>; innerType?: z.core.$ZodType };

function defOf(schema: z.core.$ZodType): Def {
  return schema._zod.def as unknown as Def;
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let s = schema;
  for (let d = defOf(s); d.innerType !== undefined && d.type !== 'object'; d = defOf(s)) s = d.innerType;
  return s;
}

/** The keys of the object schema at `path`, or undefined when there is no object there. */
function objectKeysAt(schema: z.core.$ZodType, path: FieldPath): string[] | undefined {
  let s = unwrap(schema);
  for (const segment of path) {
    const next = defOf(s).shape?.[String(segment)];
    if (next === undefined) return undefined;
    s = unwrap(next);
  }
  const shape = defOf(s).shape;
  return shape === undefined ? undefined : Object.keys(shape);
}

function allObjectPaths(schema: z.core.$ZodType, at: string[] = []): { at: string[]; keys: string[] }[] {
  const shape = defOf(unwrap(schema)).shape;
  if (shape === undefined) return [];
  return [
    { at, keys: Object.keys(shape) },
    ...Object.entries(shape).flatMap(([key, child]) => allObjectPaths(child, [...at, key])),
  ];
}
