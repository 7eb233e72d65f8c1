import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { DeeplineError, fileAccessError, type ErrorLocation } from '../errors/index.ts';
import { parseTaskObject, type ParseTaskOptions } from './parse-task-object.ts';
import { SourceLocator, type FieldPath } from './source-locator.ts';
import type { TaskOverrides, TaskSpec } from './task-spec.ts';
import { valueAt } from './value-at.ts';

/**
 * Reads a YAML or JSON task file into a frozen TaskSpec. `overrides` (command-line options) are
 * merged over the file's fields before validation. Every error names the file with the line and
 * column to change, except errors in overridden values, which name only the field.
 */
export async function loadTaskFile(path: string, overrides: TaskOverrides = {}, options: Pick<ParseTaskOptions, 'extensions'> = {}): Promise<TaskSpec> {
  const file = resolve(path);
  const text = await readTaskText(path, file);
  const lineCounter = new LineCounter();
  // JSON is parsed by the YAML parser too (it is valid YAML 1.2), so both get line numbers.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => {
      const at = e.linePos?.[0];
      const summary = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      return `${path}${at ? `:${at.line}:${at.col}` : ''} ${summary}`;
    });
    const first = doc.errors[0].linePos?.[0];
    throw new DeeplineError('DL_TASK_FILE', lines.join('\n'), {
      hint: 'fix the YAML syntax at the line and column shown (indent with spaces; quote values containing `: ` or `#`)',
      location: { file: path, ...(first && { line: first.line, column: first.col }) },
    });
  }
  if (doc.contents === null) {
    throw new DeeplineError('DL_TASK_FILE', `${path} is empty`, {
      hint: 'write a task (see docs/task-file.md), or let `deepline init --data <file>` write one',
      location: { file: path },
    });
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new DeeplineError('DL_TASK_FILE', `${path}: ${(e as Error).message}`, { location: { file: path }, cause: e });
  }

  const locator = new SourceLocator(doc, lineCounter);
  const locate = (fieldPath: FieldPath, options: { key?: boolean }): ErrorLocation => {
    if (fieldPath.length > 0 && valueAt(overrides, fieldPath) !== undefined) return {};
    const at = locator.locate(fieldPath, options);
    return { file: path, ...(at && { line: at.line, column: at.column }) };
  };
  // A file that is not a mapping is reported as such by parseTaskObject, not papered over.
  const merged = isPlainObject(raw) ? mergeOverrides(raw, overrides) : raw;
  // Plugins given on the command line come after the file's own, not instead of them.
  if (isPlainObject(merged) && isPlainObject(raw) && Array.isArray(raw.plugins) && overrides.plugins) merged.plugins = [...raw.plugins, ...overrides.plugins];
  return parseTaskObject(merged, { file, baseDir: dirname(file), locate, ...options });
}

async function readTaskText(shown: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw fileAccessError(e, shown, {
      what: 'task file',
      code: 'DL_TASK_FILE',
      missingCode: 'DL_TASK_FILE',
      missingHint: 'check the path, or write one with `deepline init --data <file>`',
    });
  }
}

/** Overrides win field by field; a list replaces a list; undefined leaves the file's value. */
function mergeOverrides(base: unknown, overrides: unknown): unknown {
  if (!isPlainObject(overrides)) return overrides === undefined ? base : overrides;
  const merged: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) merged[key] = mergeOverrides(merged[key], value);
  }
  return merged;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
