import { FORMAT_VERSIONS } from '../../store/formats/format-versions.ts';
import type { ClassificationUncertainty, SampleSpread } from '../uncertainty.ts';

export const PREDICTION_LOG_VERSION = FORMAT_VERSIONS.predictionLog;

/** What stands for an input that is not kept whole: the SHA-256 of its content, and what was hashed. */
export interface InputReference {
  /** Hex SHA-256 of `of`: the image file's bytes, the pixel values (float32, little-endian), or the features. */
  readonly sha256: string;
  readonly of: 'image-bytes' | 'pixels' | 'features';
}

/**
 * One line of the prediction log (`<log dir>/<model>/<segment>.jsonl`): one instance of one
 * answered request. Tables and texts keep their raw record (`input`; a text longer than the log's
 * limit becomes `{ sha256, chars }`); images keep a reference (`inputRef`) and the model's
 * embedding of them — what drift is measured on — so the log neither stores pictures nor loses
 * what the model saw.
 */
export interface PredictionRecord {
  /** PREDICTION_LOG_VERSION. */
  readonly v: number;
  /** When the answer was ready, ISO 8601 (UTC, ms). */
  readonly time: string;
  readonly model: string;
  /** The model version that answered, where the served model has one (the model registry's). */
  readonly version?: string;
  /** The request's id (`X-Request-Id` when the client sent one), shared by its instances. */
  readonly request: string;
  /** The instance's index in its request. */
  readonly instance: number;
  /** The request's time in the server, from arrival to answer, in ms. */
  readonly latencyMs: number;
  /** The raw instance as sent (tables, texts, feature vectors). */
  readonly input?: Readonly<Record<string, unknown>>;
  /** Images (and very long feature vectors): a content hash instead of the content. */
  readonly inputRef?: InputReference;
  /** The answer as the client got it: `{ label, probabilities }` or `{ value }`. */
  readonly prediction: unknown;
  /** Classification: always; plus `spread` when the request asked for sampled passes. */
  readonly uncertainty?: Partial<ClassificationUncertainty> & { readonly spread?: SampleSpread };
  /**
   * The model's embedding of the instance (the input of its last dense layer), as numbers. On
   * disk (format 2) a base64 string of its float32 values, little-endian (see encodeEmbedding);
   * readPredictionLog gives numbers back whichever format a line has.
   */
  readonly embedding?: readonly number[] | Float32Array;
}

/**
 * An embedding as the log stores it: its float32 values, little-endian, in base64 — exact, a
 * fifth shorter than decimal numbers, and five times faster to write (a 128-value record: 6 µs
 * against 31; formatting each value as a decimal took half a served instance's time on a small
 * image model).
 */
export function encodeEmbedding(embedding: readonly number[] | Float32Array): string {
  const values = embedding instanceof Float32Array ? embedding : Float32Array.from(embedding);
  const bytes = Buffer.alloc(values.length * 4);
  for (let k = 0; k < values.length; k++) bytes.writeFloatLE(values[k]!, k * 4);
  return bytes.toString('base64');
}

/** An embedding read from a log line: decimal numbers (format 1) as they are, a base64 string (format 2) decoded; anything else undefined. */
export function decodeEmbedding(value: unknown): readonly number[] | undefined {
  if (Array.isArray(value)) return value as number[];
  if (typeof value !== 'string') return undefined;
  const bytes = Buffer.from(value, 'base64');
  return Array.from({ length: Math.floor(bytes.length / 4) }, (_, k) => bytes.readFloatLE(k * 4));
}

/** A parsed line that has what every reader relies on; anything else is skipped with a warning. */
export function isPredictionRecord(value: unknown): value is PredictionRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  return typeof r.v === 'number' && typeof r.time === 'string' && typeof r.model === 'string' && 'prediction' in r;
}
