import { FORMAT_VERSIONS } from '../../store/formats/format-versions.ts';
import type { DriftSample } from '../drift/drift-detector.ts';

/** One feature of the reference as stored: a sample of numbers, or category counts. */
export type ReferenceFeature =
  | { readonly kind: 'numeric'; readonly values: readonly number[] }
  | { readonly kind: 'categorical'; readonly counts: Readonly<Record<string, number>> };

/**
 * What production traffic is compared with (`monitor-reference.json` in a run's output folder):
 * the training split's raw columns (tables), the model's predictions on the test split, and its
 * embeddings of test examples (images, text) — written by the monitor-reference step of every run.
 */
export interface MonitorReference {
  readonly formatVersion: typeof MONITOR_REFERENCE_VERSION;
  /** `table`: inputs are records of columns; `tensor`: images, series, token ids. */
  readonly input: 'table' | 'tensor';
  /** Raw input columns (tables only), sampled from the training split. */
  readonly columns: Readonly<Record<string, ReferenceFeature>>;
  /** The model's predictions on the test split: class counts, or values. */
  readonly predictions: ReferenceFeature;
  /** The model's embeddings of test examples (row-major), where it has a representation layer. */
  readonly embedding?: { readonly dim: number; readonly rows: readonly (readonly number[])[] };
}

export const MONITOR_REFERENCE_VERSION = FORMAT_VERSIONS.monitorReference;

/** The reference's features as drift samples: `column:<name>`, `prediction`, `embedding`. */
export function referenceSamples(reference: MonitorReference): Record<string, DriftSample> {
  const samples: Record<string, DriftSample> = {};
  for (const [name, feature] of Object.entries(reference.columns)) samples[`column:${name}`] = toSample(feature);
  samples.prediction = toSample(reference.predictions);
  if (reference.embedding && reference.embedding.rows.length > 1) {
    samples.embedding = { kind: 'embedding', dim: reference.embedding.dim, rows: Float32Array.from(reference.embedding.rows.flat()) };
  }
  return samples;
}

function toSample(feature: ReferenceFeature): DriftSample {
  return feature.kind === 'numeric' ? { kind: 'numeric', values: feature.values } : { kind: 'categorical', counts: feature.counts };
}
