import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { DeeplineError, fileAccessError } from '../../errors/index.ts';
import type { LabelBatch } from '../labelling/label-files.ts';

/** One labelled row from a label batch, with the prediction it came from. */
export interface LabelledRecord {
  readonly values: Readonly<Record<string, string>>;
  readonly request: string;
  readonly instance: number;
  readonly batch: string;
}

/** Every label batch kept for a model (`deepline label import`), oldest first, with its rows. */
export async function readLabelBatches(dir: string): Promise<{ batches: LabelBatch[]; rows: LabelledRecord[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { batches: [], rows: [] };
    throw fileAccessError(e, dir, { what: 'label folder' });
  }
  const batches = (await Promise.all(names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as LabelBatch))).sort((a, b) => a.importedAt.localeCompare(b.importedAt));
  const rows: LabelledRecord[] = [];
  const seen = new Set<string>();
  for (const batch of batches) {
    const table = parse(await readFile(batch.file), { columns: true }) as Record<string, string>[];
    table.forEach((values, k) => {
      const from = batch.from[k] ?? { request: `${batch.dataVersion}:${k}`, instance: 0 };
      // The same prediction labelled twice counts once: the later label wins.
      const key = `${from.request}#${from.instance}`;
      if (seen.has(key)) rows.splice(rows.findIndex((r) => `${r.request}#${r.instance}` === key), 1);
      seen.add(key);
      rows.push({ values, request: from.request, instance: from.instance, batch: batch.dataVersion });
    });
  }
  return { batches, rows };
}

/**
 * Splits labelled rows into those that train and those that judge (the fresh holdout), by a hash
 * of the prediction each came from: the same row always falls on the same side, whatever else was
 * labelled, so a rerun judges on the same rows.
 */
export function splitHoldout(rows: readonly LabelledRecord[], fraction: number): { train: LabelledRecord[]; holdout: LabelledRecord[] } {
  const train: LabelledRecord[] = [];
  const holdout: LabelledRecord[] = [];
  for (const row of rows) {
    const h = createHash('sha256').update(`${row.request}#${row.instance}`).digest().readUInt32BE(0) / 0x1_0000_0000;
    (h < fraction ? holdout : train).push(row);
  }
  return { train, holdout };
}

/**
 * The next training data: the original CSV with the labelled rows appended under its own header
 * (a column the labels lack is left empty), kept content-addressed as `<dir>/<sha256>.csv` — a new
 * data version, the same file for the same rows.
 */
export async function mergeTrainingData(original: string, rows: readonly LabelledRecord[], dir: string): Promise<{ file: string; dataVersion: string; added: number }> {
  let text: string;
  try {
    text = await readFile(original, 'utf8');
  } catch (e) {
    throw fileAccessError(e, original, { what: 'training data file', missingCode: 'DL_DATA_MISSING', missingHint: 'retraining appends to the data the champion was trained on: restore that file' });
  }
  const records = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const header = Object.keys(records[0] ?? {});
  if (header.length === 0) throw new DeeplineError('DL_DATA_FORMAT', `${original} has no header line`, { location: { file: original } });
  const unknown = rows.flatMap((r) => Object.keys(r.values)).filter((c) => !header.includes(c));
  if (unknown.length > 0) {
    throw new DeeplineError('DL_DATA_FORMAT', `labelled rows have column ${JSON.stringify(unknown[0])}, which ${original} does not`, { hint: 'label rows of the model trained on this data' });
  }
  const csv = stringify([header, ...records.map((r) => header.map((c) => r[c] ?? '')), ...rows.map((r) => header.map((c) => r.values[c] ?? ''))]);
  const dataVersion = createHash('sha256').update(csv).digest('hex');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${dataVersion.slice(0, 16)}.csv`);
  await writeFile(file, csv);
  return { file, dataVersion, added: rows.length };
}
