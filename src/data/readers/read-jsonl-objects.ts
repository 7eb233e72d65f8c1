import { DeeplineError } from '../../errors/index.ts';
import { readUtf8Chunks, type TextChunkOptions } from './read-utf8-chunks.ts';

/** Called per object; `row` counts non-blank lines, `line` is the physical line. Returning false stops the read. */
export type ObjectHandler = (object: Record<string, unknown>, row: number, line: number) => boolean | void;

/**
 * Streams a JSON Lines file one object at a time. Blank lines are skipped; a line that is not a
 * JSON object is DL_DATA_FORMAT with its line number.
 */
export async function readJsonlObjects(file: string, options: TextChunkOptions, onObject: ObjectHandler): Promise<void> {
  let carry = '';
  let line = 0;
  let row = 0;
  const handle = (text: string, last: boolean): boolean => {
    line++;
    const trimmed = text.trim();
    if (trimmed === '') return true;
    row++;
    return onObject(parseObject(file, trimmed, line, row, last), row, line) !== false;
  };
  for await (const chunk of readUtf8Chunks(file, options)) {
    const lines = (carry + chunk.toString('utf8')).split('\n');
    carry = lines.pop()!;
    for (const l of lines) if (!handle(l, false)) return;
  }
  if (carry !== '') handle(carry, true);
}

function parseObject(file: string, text: string, line: number, row: number, last: boolean): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DeeplineError('DL_DATA_FORMAT', `${file} line ${line} (row ${row}) is not valid JSON: ${(e as Error).message}`, {
      hint: text.startsWith('[')
        ? 'a JSONL file has one object per line, not one JSON array: write each element on its own line'
        : last
          ? 'the last line is cut off or broken: the file may be incomplete, fetch or write it again'
          : 'each line of a JSONL file must be one complete JSON object, e.g. {"text": "...", "label": "spam"}',
      location: { file, line, row },
      cause: e,
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    throw new DeeplineError('DL_DATA_FORMAT', `${file} line ${line} (row ${row}) is ${kind}, not a JSON object`, {
      hint: Array.isArray(value)
        ? 'a JSONL file has one object per line, not arrays: write each element on its own line'
        : 'each line of a JSONL file must be one JSON object, e.g. {"text": "...", "label": "spam"}',
      location: { file, line, row },
    });
  }
  return value as Record<string, unknown>;
}
