import { DeeplineError } from '../../errors/index.ts';
import type { Column, ColumnType } from '../table.ts';
import type { CategoricalColumnBuilder } from './categorical-column-builder.ts';
import { cellSyntax } from './cell-syntax.ts';
import { CellTally } from './cell-tally.ts';
import type { ColumnBuilder } from './column-builder.ts';
import { inferColumnType } from './infer-column-type.ts';
import { MISFIT_POLICY } from './misfit-policy.ts';
import { quoteCell } from './quote-cell.ts';
import type { TypedColumnBuilder } from './typed-column-builder.ts';

export interface ResolveContext {
  readonly file: string;
  readonly isTarget: boolean;
  /** Rows the type was inferred from, for messages. */
  readonly sampleRows: number;
  /** The type was decided by an earlier pass, which already warned about it. */
  readonly retyped: boolean;
  readonly warnings: string[];
}

/** A finished column, or the type it must be read again as because its stored spelling was lost. */
export type Resolution = { readonly column: Column } | { readonly rereadAs: ColumnType };

/**
 * Decides what a fully read column is. A typed feature whose misfits MISFIT_POLICY tolerates keeps
 * its type (misfits missing, with a warning); otherwise it is read again as categorical, except a
 * numeric target that does not look like class codes (integers, at most 20 distinct), where the
 * misfit is DL_DATA_VALUE: silently turning a quantity into classes would change the task.
 * A categorical target that is 90% or more numbers which are not class codes gets the same
 * error, a categorical feature that is a warning naming the first value that is not a number.
 * Columns of undetermined type are typed from their values now.
 */
export function resolveColumn(builder: ColumnBuilder, ctx: ResolveContext): Resolution {
  if (builder.kind === 'text') return { column: builder.finish() };
  if (builder.kind === 'categorical') {
    const column = builder.undetermined ? settleUndetermined(builder, ctx) : builder.finish();
    if (column.type === 'categorical' && !ctx.retyped) checkMostlyNumeric(builder, ctx);
    return { column };
  }
  noteNumberStyles(builder.name, builder.grouped, builder.infinite, ctx);
  const { misfits } = builder;
  if (misfits.count === 0) return { column: builder.finish() };
  const first = misfits.first!;
  // The target gets no such tolerance: a label read as missing hides a problem the user can fix.
  if (!ctx.isTarget && MISFIT_POLICY.tolerates(misfits.count, misfits.spellings.size, builder.nonMissing)) {
    ctx.warnings.push(
      `${ctx.file}: column "${builder.name}": ${misfits.count} value(s) that are not ${describeType(builder.type)} (${misfits.describe()}; first in row ${first.row}, line ${first.line}) were read as missing`,
    );
    return { column: builder.finish() };
  }
  if (ctx.isTarget && builder.type === 'numeric' && !looksLikeClassCodes(builder)) {
    throw notANumber(ctx.file, builder.name, first.value, first.row, first.line, `${misfits.count} such values: ${misfits.describe()}`);
  }
  ctx.warnings.push(
    `${ctx.file}: column "${builder.name}" looked ${builder.type} in the first ${ctx.sampleRows} rows, but row ${first.row} (line ${first.line}) has ${quoteCell(first.value)} (${misfits.count} such values): it was read as categorical`,
  );
  return { rereadAs: 'categorical' };
}

function settleUndetermined(builder: CategoricalColumnBuilder, ctx: ResolveContext): Column {
  const type = inferColumnType(builder.sample(ctx.sampleRows));
  if (type === undefined) {
    ctx.warnings.push(`${ctx.file}: column "${builder.name}" has no values (every cell is missing)`);
    return builder.finish();
  }
  if (type === 'text') return ctx.isTarget ? builder.finish() : builder.finishAsText();
  if (type === 'categorical') return builder.finish();
  // Parse each category once, then map the codes: the column never held more than its dictionary.
  const byCode = new Float64Array(builder.categories.length);
  const misfits = new CellTally();
  const grouped = new CellTally();
  const infinite = new CellTally();
  builder.categories.forEach((raw, code) => {
    const { row, line } = builder.firstSeen[code];
    const times = builder.counts[code];
    let value: number | undefined;
    if (type === 'boolean') value = cellSyntax.boolean(raw)?.value;
    else if (type === 'date') value = cellSyntax.date(raw);
    else {
      const parsed = cellSyntax.number(raw);
      if (parsed?.style === 'grouped') grouped.note(raw, row, line, times);
      if (parsed?.style === 'infinite') infinite.note(raw, row, line, times);
      value = parsed?.value;
    }
    if (value === undefined) misfits.note(raw, row, line, times);
    byCode[code] = value ?? NaN;
  });
  if (misfits.count > 0 && (ctx.isTarget || !MISFIT_POLICY.tolerates(misfits.count, misfits.spellings.size, builder.nonMissing))) return builder.finish();
  noteNumberStyles(builder.name, grouped, infinite, ctx);
  if (misfits.count > 0) {
    ctx.warnings.push(
      `${ctx.file}: column "${builder.name}": ${misfits.count} value(s) that are not ${describeType(type)} (${misfits.describe()}; first in row ${misfits.first!.row}, line ${misfits.first!.line}) were read as missing`,
    );
  }
  const codes = builder.codes.take();
  const values = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) values[i] = codes[i] < 0 ? NaN : byCode[codes[i]];
  return { name: builder.name, type, values };
}

/**
 * A column of 90% or more numbers read as categorical: the rest are typos or markers the user
 * should see. For a target that is not class codes it is an error — a quantity with bad values.
 */
function checkMostlyNumeric(builder: CategoricalColumnBuilder, ctx: ResolveContext): void {
  let numbers = 0;
  let integers = true;
  const distinct = new Set<number>();
  const words = new CellTally();
  let firstWord = -1;
  builder.categories.forEach((raw, code) => {
    const parsed = cellSyntax.number(raw);
    if (parsed !== undefined && parsed.style !== 'infinite') {
      numbers += builder.counts[code];
      if (Number.isInteger(parsed.value)) distinct.add(parsed.value);
      else integers = false;
    } else {
      words.note(raw, builder.firstSeen[code].row, builder.firstSeen[code].line, builder.counts[code]);
      if (firstWord < 0 || builder.firstSeen[code].row < builder.firstSeen[firstWord].row) firstWord = code;
    }
  });
  if (words.count === 0 || numbers < 0.9 * builder.nonMissing) return;
  const { row, line } = builder.firstSeen[firstWord];
  const value = builder.categories[firstWord];
  if (!ctx.isTarget) {
    ctx.warnings.push(
      `${ctx.file}: column "${builder.name}" was read as categorical: ${numbers} of its ${builder.nonMissing} values are numbers, but ${words.count} ${words.count === 1 ? 'is' : 'are'} not (${words.describe()}; first ${quoteCell(value)} in row ${row}, line ${line})`,
    );
    return;
  }
  if (integers && distinct.size <= 20) return;
  throw notANumber(ctx.file, builder.name, value, row, line, `${words.count} such values: ${words.describe()}`);
}

function notANumber(file: string, column: string, value: string, row: number, line: number, others: string): DeeplineError {
  return new DeeplineError(
    'DL_DATA_VALUE',
    `${file} row ${row} (line ${line}), column "${column}": ${quoteCell(value)} is not a number, but the target column holds numbers (${others})`,
    {
      hint: 'a numeric target must be a number in every row: fix or remove those rows (empty cells and NA are read as missing)',
      location: { file, row, line, field: column },
    },
  );
}

function noteNumberStyles(name: string, grouped: CellTally, infinite: CellTally, ctx: ResolveContext): void {
  if (grouped.first) {
    ctx.warnings.push(
      `${ctx.file}: column "${name}": ${grouped.count} number(s) written with thousands separators (first ${quoteCell(grouped.first.value)} in row ${grouped.first.row}, line ${grouped.first.line}) were read without them`,
    );
  }
  if (infinite.first) {
    ctx.warnings.push(
      `${ctx.file}: column "${name}": ${infinite.count} infinite value(s) (${infinite.describe()}; first in row ${infinite.first.row}, line ${infinite.first.line}) were read as missing`,
    );
  }
}

function looksLikeClassCodes(builder: TypedColumnBuilder): boolean {
  const distinct = new Set<number>();
  for (let i = 0; i < builder.values.length; i++) {
    const v = builder.values.at(i);
    if (Number.isNaN(v)) continue;
    if (!Number.isInteger(v)) return false;
    distinct.add(v);
    if (distinct.size > 20) return false;
  }
  return true;
}

function describeType(type: 'numeric' | 'boolean' | 'date'): string {
  return type === 'numeric' ? 'numbers' : type === 'boolean' ? 'true/false/yes/no/1/0' : 'ISO dates (YYYY-MM-DD)';
}
