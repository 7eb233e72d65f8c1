import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { DeeplineError, fileAccessError } from '../../errors/index.ts';
import type { PredictionRecord } from '../prediction-log/prediction-record.ts';

/** One row to label as `deepline label export` writes it: where it came from, what was asked, and an empty label. */
export interface LabelRow {
  readonly request: string;
  readonly instance: number;
  readonly time: string;
  readonly version?: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly prediction: unknown;
  readonly margin?: number;
  /** Filled in by whoever labels: the true class (or value). */
  readonly label: string | number | null;
}

/**
 * Writes the rows to label: JSON Lines (`.jsonl`, every field as logged) or CSV (`.csv`: the
 * input's columns, then `prediction`, `margin`, `request`, `instance`, `time` and an empty `label`
 * column — open it in a spreadsheet, fill `label`, save). Rows without a raw input (an image the
 * log only references) cannot be labelled from the file and are counted in `withoutInput`.
 */
export async function writeLabelFile(file: string, records: readonly PredictionRecord[]): Promise<{ rows: number; withoutInput: number }> {
  const rows: LabelRow[] = records
    .filter((r) => r.input !== undefined)
    .map((r) => ({
      request: r.request,
      instance: r.instance,
      time: r.time,
      ...(r.version !== undefined && { version: r.version }),
      input: r.input!,
      prediction: r.prediction,
      ...(r.uncertainty?.margin !== undefined && { margin: r.uncertainty.margin }),
      label: null,
    }));
  await mkdir(join(file, '..'), { recursive: true });
  if (extname(file) === '.csv') {
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r.input)))];
    const predicted = (p: unknown): string => {
      const x = p as { label?: string; value?: number } | null;
      return x?.label ?? (x?.value !== undefined ? String(x.value) : '');
    };
    const body = rows.map((r) => [...columns.map((c) => cell(Object.hasOwn(r.input, c) ? r.input[c] : undefined)), predicted(r.prediction), r.margin ?? '', r.request, r.instance, r.time, '']);
    await writeFile(file, stringify([[...columns, 'prediction', 'margin', 'request', 'instance', 'time', 'label'], ...body]));
  } else {
    await writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length > 0 ? '\n' : ''));
  }
  return { rows: rows.length, withoutInput: records.length - rows.length };
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A labelled row read back: the input columns, the label, and the prediction it came from. */
export interface LabelledRow {
  readonly input: Readonly<Record<string, unknown>>;
  readonly label: string;
  readonly request: string;
  readonly instance: number;
}

/**
 * Reads a label file filled in by a person: JSONL or CSV as `writeLabelFile` writes them. Rows
 * whose label is empty are skipped (counted); a row without request id or input is an error
 * naming its line.
 */
export async function readLabelFile(file: string): Promise<{ rows: LabelledRow[]; unlabelled: number }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw fileAccessError(e, file, { what: 'label file', missingCode: 'DL_DATA_MISSING', missingHint: 'give the file `deepline label export` wrote, with its label column filled in' });
  }
  const rows: LabelledRow[] = [];
  let unlabelled = 0;
  const bad = (line: number, why: string): DeeplineError =>
    new DeeplineError('DL_DATA_FORMAT', `${file}:${line}: ${why}`, { hint: 'keep the request, instance and input columns that deepline label export wrote; fill in only label', location: { file, line } });
  if (extname(file) === '.csv') {
    const records = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    const meta = new Set(['prediction', 'margin', 'request', 'instance', 'time', 'label']);
    records.forEach((r, k) => {
      if (r.request === undefined || r.label === undefined) throw bad(k + 2, 'the row has no request or label column');
      if (r.label.trim() === '') return void unlabelled++;
      const input = Object.fromEntries(Object.entries(r).filter(([c]) => !meta.has(c)).map(([c, v]) => [c, v === '' ? null : v]));
      rows.push({ input, label: r.label.trim(), request: r.request, instance: Number(r.instance) || 0 });
    });
  } else {
    text.split('\n').forEach((line, k) => {
      if (line.trim() === '') return;
      let r: Partial<LabelRow>;
      try {
        r = JSON.parse(line) as Partial<LabelRow>;
      } catch {
        throw bad(k + 1, 'not a JSON object');
      }
      if (typeof r.request !== 'string' || typeof r.input !== 'object' || r.input === null) throw bad(k + 1, 'the row has no request id or no input object');
      if (r.label === null || r.label === undefined || String(r.label).trim() === '') return void unlabelled++;
      rows.push({ input: r.input, label: String(r.label).trim(), request: r.request, instance: r.instance ?? 0 });
    });
  }
  return { rows, unlabelled };
}

/** A batch of labelled rows kept as a data version: a CSV in the training data's columns, and where each row came from. */
export interface LabelBatch {
  readonly model: string;
  /** sha256 of the CSV's content: the data version of these labels. */
  readonly dataVersion: string;
  readonly file: string;
  readonly rows: number;
  readonly unlabelled: number;
  readonly target: string;
  /** The predictions the rows came from (lineage). */
  readonly from: readonly { readonly request: string; readonly instance: number }[];
  readonly source: string;
  readonly importedAt: string;
}

/**
 * Keeps labelled rows as a new data version of `model` in the workspace: `<dir>/<sha256>.csv`
 * holds the rows in the columns the model reads plus the target column, so it can be appended to
 * the training data as is; `<sha256>.json` records the batch (rows, lineage to the predictions,
 * source file). Importing the same labels twice gives the same version (and no duplicate).
 */
export async function keepLabelBatch(dir: string, model: string, columns: readonly string[], target: string, labelled: { rows: readonly LabelledRow[]; unlabelled: number }, source: string): Promise<LabelBatch> {
  if (labelled.rows.length === 0) throw new DeeplineError('DL_DATA_VALUE', `${source} has no labelled row (${labelled.unlabelled} rows with an empty label)`, { hint: 'fill in the label column, then import again' });
  const csv = stringify([[...columns, target], ...labelled.rows.map((r) => [...columns.map((c) => cell(Object.hasOwn(r.input, c) ? r.input[c] : undefined)), r.label])]);
  const dataVersion = createHash('sha256').update(csv).digest('hex');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${dataVersion.slice(0, 16)}.csv`);
  await writeFile(file, csv);
  const batch: LabelBatch = {
    model,
    dataVersion,
    file,
    rows: labelled.rows.length,
    unlabelled: labelled.unlabelled,
    target,
    from: labelled.rows.map((r) => ({ request: r.request, instance: r.instance })),
    source,
    importedAt: new Date().toISOString(),
  };
  await writeFile(file.replace(/\.csv$/, '.json'), `${JSON.stringify(batch, null, 2)}\n`);
  return batch;
}
