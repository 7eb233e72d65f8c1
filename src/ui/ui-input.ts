import type { z } from 'zod';
import { DeeplineError } from '../errors/index.ts';
import type { ApiFieldIssue } from './api-types.ts';

/** A bad API input: DL_UI_INPUT with one issue per field, answered as a 400. */
export class UiInputError extends DeeplineError {
  readonly issues: readonly ApiFieldIssue[];

  constructor(issues: readonly ApiFieldIssue[], hint?: string) {
    super('DL_UI_INPUT', issues.map((i) => `${i.field}: ${i.message}`).join('; '), hint === undefined ? {} : { hint });
    this.issues = issues;
  }
}

/**
 * Validates one part of a request (its query, path parameters or body) with a zod schema; a
 * failure names every field at fault and what it takes.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, part: 'query' | 'params' | 'body'): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : part,
    message: issue.message,
  }));
  throw new UiInputError(issues, `see the ${part} fields the API takes in src/ui/api-types.ts`);
}
