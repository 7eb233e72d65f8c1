import { createHash } from 'node:crypto';
import type { PredictionRecord } from '../prediction-log/prediction-record.ts';
import type { MonitorReference } from '../reference/monitor-reference.ts';

export const LABEL_ORDERS = ['uncertainty', 'drift'] as const;
export type LabelOrder = (typeof LABEL_ORDERS)[number];

/**
 * The logged predictions most worth a label, best first, one per distinct input:
 * `uncertainty` — smallest margin between the top two classes (where the model hesitates; records
 * without one, as for regression, come last, newest first); `drift` — farthest from the training
 * reference (tables: the largest |z| of a numeric column against the reference's values;
 * embeddings: the distance to the nearest reference embedding).
 */
export function selectForLabelling(records: readonly PredictionRecord[], reference: MonitorReference, order: LabelOrder, count: number): PredictionRecord[] {
  const seen = new Set<string>();
  const distinct = records.filter((r) => {
    const key = r.inputRef?.sha256 ?? createHash('sha256').update(JSON.stringify(r.input ?? null)).digest('hex');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const score = order === 'uncertainty' ? uncertaintyScore : driftScore(reference);
  return distinct
    .map((record, k) => ({ record, k, score: score(record) }))
    .sort((a, b) => b.score - a.score || b.k - a.k)
    .slice(0, count)
    .map((s) => s.record);
}

function uncertaintyScore(record: PredictionRecord): number {
  const margin = record.uncertainty?.margin;
  return margin === undefined ? -Infinity : 1 - margin;
}

function driftScore(reference: MonitorReference): (record: PredictionRecord) => number {
  const stats = Object.entries(reference.columns).flatMap(([name, f]) => {
    if (f.kind !== 'numeric' || f.values.length < 2) return [];
    const mean = f.values.reduce((a, b) => a + b, 0) / f.values.length;
    const sd = Math.sqrt(f.values.reduce((a, b) => a + (b - mean) ** 2, 0) / (f.values.length - 1)) || 1;
    return [{ name, mean, sd }];
  });
  const embeddings = reference.embedding?.rows ?? [];
  return (record) => {
    if (record.embedding && embeddings.length > 0) {
      let nearest = Infinity;
      for (const row of embeddings) {
        let d = 0;
        for (let k = 0; k < row.length; k++) d += (row[k]! - (record.embedding[k] ?? 0)) ** 2;
        nearest = Math.min(nearest, d);
      }
      return Math.sqrt(nearest);
    }
    const input = record.input ?? {};
    let worst = -Infinity;
    for (const { name, mean, sd } of stats) {
      const v = Object.hasOwn(input, name) ? Number(input[name]) : Number.NaN;
      if (Number.isFinite(v)) worst = Math.max(worst, Math.abs(v - mean) / sd);
    }
    return worst;
  };
}
