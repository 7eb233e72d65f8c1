import type { DriftSample } from '../drift/drift-detector.ts';
import type { MonitorReference } from './monitor-reference.ts';

/** What the monitor reads of one logged prediction. */
export interface WindowRecord {
  /** The raw instance as the client sent it (tables: an object of column values). */
  readonly instance?: unknown;
  readonly prediction?: { readonly label?: string; readonly value?: number };
  /** The model's embedding of the instance (images, text), where the log kept it. */
  readonly embedding?: readonly number[];
}

/**
 * A window of logged traffic as drift samples shaped like the reference's (`referenceSamples`):
 * each reference column from the instances (numbers, dates as ms, booleans and categories as
 * counts; missing values left out), the predictions, and the embeddings. A feature the window has
 * no values for is left out and named in `missing`, so the monitor can say why it was not tested.
 */
export function windowSamples(reference: MonitorReference, records: readonly WindowRecord[]): { samples: Record<string, DriftSample>; missing: string[] } {
  const samples: Record<string, DriftSample> = {};
  const missing: string[] = [];
  for (const [name, feature] of Object.entries(reference.columns)) {
    // Own fields only: a column may be named like a prototype key (`__proto__`, `constructor`).
    const cells = records.map((r) => (typeof r.instance === 'object' && r.instance !== null && Object.hasOwn(r.instance, name) ? (r.instance as Record<string, unknown>)[name] : undefined)).filter((v) => v !== undefined && v !== null && v !== '');
    if (feature.kind === 'numeric') {
      const values = cells.map(toNumber).filter((v) => Number.isFinite(v));
      if (values.length > 0) samples[`column:${name}`] = { kind: 'numeric', values };
      else missing.push(`column:${name}`);
    } else {
      const counts = new Map<string, number>();
      for (const cell of cells) counts.set(String(cell), (counts.get(String(cell)) ?? 0) + 1);
      if (cells.length > 0) samples[`column:${name}`] = { kind: 'categorical', counts: Object.fromEntries(counts) };
      else missing.push(`column:${name}`);
    }
  }
  if (reference.predictions.kind === 'categorical') {
    const counts = new Map<string, number>();
    for (const r of records) if (r.prediction?.label !== undefined) counts.set(r.prediction.label, (counts.get(r.prediction.label) ?? 0) + 1);
    if (counts.size > 0) samples.prediction = { kind: 'categorical', counts: Object.fromEntries(counts) };
    else missing.push('prediction');
  } else {
    const values = records.map((r) => r.prediction?.value).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (values.length > 0) samples.prediction = { kind: 'numeric', values };
    else missing.push('prediction');
  }
  if (reference.embedding) {
    const dim = reference.embedding.dim;
    const rows = records.map((r) => r.embedding).filter((e): e is readonly number[] => Array.isArray(e) && e.length === dim);
    if (rows.length > 1) samples.embedding = { kind: 'embedding', dim, rows: Float32Array.from(rows.flat()) };
    else missing.push('embedding');
  }
  return { samples, missing };
}

/** A cell as a number: numbers as they are, booleans 0/1, numeric strings, dates as ms since the epoch. */
function toNumber(cell: unknown): number {
  if (typeof cell === 'number') return cell;
  if (typeof cell === 'boolean') return cell ? 1 : 0;
  if (typeof cell === 'string') {
    const n = Number(cell);
    if (Number.isFinite(n) && cell.trim() !== '') return n;
    return Date.parse(cell);
  }
  return Number.NaN;
}
