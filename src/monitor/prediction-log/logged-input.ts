import { createHash } from 'node:crypto';
import type { InputReference, PredictionRecord } from './prediction-record.ts';

export interface LoggedInputOptions {
  /** Longer texts are logged as `{ sha256, chars }`; default 1,000 characters. */
  readonly maxTextChars?: number;
  /** Longer feature vectors are logged as a reference; default 1,024 values. */
  readonly maxFeatures?: number;
}

/**
 * What the prediction log keeps of one instance, by what the model takes: a table's or a text's
 * record as sent (each text past `maxTextChars` replaced by its hash and length); for an image the
 * SHA-256 of the file's bytes (`{ image }`) or of its pixels as float32 (`{ pixels }`) — the
 * model's embedding stands for its content; a feature vector as sent, or its hash when long.
 */
export function loggedInput(instance: unknown, kind: 'table' | 'text' | 'image' | 'tensor', options: LoggedInputOptions = {}): Pick<PredictionRecord, 'input' | 'inputRef'> {
  const maxTextChars = options.maxTextChars ?? 1000;
  const maxFeatures = options.maxFeatures ?? 1024;
  if (typeof instance !== 'object' || instance === null || Array.isArray(instance)) return {};
  const given = instance as Record<string, unknown>;
  if (kind === 'image') {
    if (typeof given.image === 'string') return { inputRef: reference(Buffer.from(given.image, 'base64'), 'image-bytes') };
    if (Array.isArray(given.pixels)) return { inputRef: reference(floatBytes(given.pixels), 'pixels') };
    return {};
  }
  if (kind === 'tensor' && Array.isArray(given.features) && given.features.length > maxFeatures) {
    return { inputRef: reference(floatBytes(given.features), 'features') };
  }
  let input: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(given)) {
    if (typeof value === 'string' && value.length > maxTextChars) {
      input ??= { ...given };
      input[key] = { sha256: createHash('sha256').update(value).digest('hex'), chars: value.length };
    }
  }
  return { input: input ?? given };
}

function reference(bytes: Uint8Array, of: InputReference['of']): InputReference {
  return { sha256: createHash('sha256').update(bytes).digest('hex'), of };
}

/** The values as float32, little-endian: the same numbers hash the same wherever they were sent from. */
function floatBytes(values: readonly unknown[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, k) => view.setFloat32(k * 4, typeof v === 'number' ? v : NaN, true));
  return bytes;
}
