import { DeeplineError } from '../../errors/index.ts';
import { didYouMean } from '../../extensions/did-you-mean.ts';
import { cellSyntax } from './cell-syntax.ts';

/**
 * Checks a table's column names before any value is read: none empty, none twice, and the target
 * among them (DL_DATA_TARGET listing the columns, with the closest name as a suggestion).
 * `line` is the header's line (CSV/TSV); JSONL names come from the first rows' keys. Without a
 * target (new data that may lack the labels), only the names are checked.
 */
export function checkColumnNames(file: string, names: readonly string[], target: string | undefined, line?: number): void {
  const where = line === undefined ? `${file}` : `${file} line ${line} (header)`;
  const blank = names.findIndex((h) => h === '');
  if (blank >= 0) {
    throw new DeeplineError('DL_DATA_FORMAT', `${where}: column ${blank + 1} has no name`, {
      hint:
        line === undefined
          ? 'use non-empty keys in every JSON object'
          : blank === names.length - 1
            ? 'the header ends with an extra delimiter: remove it, or name the last column'
            : 'give every column a name in the first row',
      location: { file, line },
    });
  }
  const seen = new Map<string, number>();
  for (const [i, h] of names.entries()) {
    const earlier = seen.get(h);
    if (earlier !== undefined) {
      throw new DeeplineError('DL_DATA_FORMAT', `${where}: column name "${h}" appears twice (columns ${earlier + 1} and ${i + 1})`, {
        hint: 'give every column a unique name',
        location: { file, line, field: h },
      });
    }
    seen.set(h, i);
  }
  if (target === undefined || names.includes(target)) return;
  const guess = didYouMean(target, names);
  // A header of numbers is a first data row: the file has no header.
  const headerless = line !== undefined && names.every((h) => cellSyntax.number(h) !== undefined);
  throw new DeeplineError('DL_DATA_TARGET', `${file} has no column "${target}"; columns are: ${listNames(names)}`, {
    hint: headerless
      ? 'the first row looks like data, not column names: add a header row'
      : guess
        ? `did you mean "${guess}"? (set data.target to it)`
        : 'set data.target to one of the columns listed',
    location: { file, line, field: target },
  });
}

function listNames(names: readonly string[]): string {
  if (names.length <= 20) return names.join(', ');
  return `${names.slice(0, 10).join(', ')}, … , ${names.slice(-3).join(', ')} (${names.length} columns)`;
}
