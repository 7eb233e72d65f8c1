import { parseTransform, transformFeatures, type DataTransform } from '../../data/normalizer.ts';
import { parseTableTransform, type ColumnEncoder, type TableTransform } from '../../data/transform/table-transform.ts';
import { transformRecord } from '../../data/transform/transform-record.ts';
import { createSeededRandom, type SeededRandom } from '../../seed/seeded-random.ts';

const DAY_MS = 86_400_000;

/**
 * `count` model inputs that resemble real ones, made from the fitted transform alone (the output
 * folder holds no data): raw values drawn around the training statistics the transform kept —
 * each numeric column or pixel channel at its training mean and spread, categories and tokens
 * from the training vocabulary — then encoded by the very code serving uses. A model's speed can
 * depend on its inputs (token counts, denormal numbers), so uniform noise would not do.
 */
export function syntheticInputs(transformJson: unknown, count: number, seed: number): Float32Array[] {
  const random = createSeededRandom(seed);
  if ((transformJson as { kind?: unknown } | null)?.kind === 'table') {
    const t = parseTableTransform(transformJson);
    return Array.from({ length: count }, () => transformRecord(t, syntheticRecord(t, random)));
  }
  const t = parseTransform(transformJson);
  return Array.from({ length: count }, () => transformFeatures(t, syntheticFeatures(t, random)));
}

/** A record of raw column values, as a client would send it. */
function syntheticRecord(t: TableTransform, random: SeededRandom): Record<string, unknown> {
  return Object.fromEntries(t.columns.map((c) => [c.column, syntheticCell(c, random)]));
}

function syntheticCell(c: ColumnEncoder, random: SeededRandom): unknown {
  switch (c.kind) {
    case 'numeric':
      return c.mean + c.std * gaussian(random);
    case 'boolean':
      return random.next() < 0.5;
    case 'date':
      return new Date((c.fill ?? Date.UTC(2020, 0, 1)) + Math.round(gaussian(random) * 180) * DAY_MS).toISOString();
    case 'one-hot': {
      const seen = [...c.categories, ...c.rare];
      return seen.length > 0 ? seen[random.int(seen.length)] : null;
    }
    case 'tokens': {
      // Ids 0 and 1 are padding and out-of-vocabulary; texts of every length up to maxLen.
      const words = c.vocabulary.slice(2);
      const length = 1 + random.int(c.maxLen);
      return words.length === 0 ? '' : Array.from({ length }, () => words[random.int(words.length)]).join(' ');
    }
  }
}

/** One example's raw values (before the transform) with the training data's mean and spread. */
function syntheticFeatures(t: DataTransform, random: SeededRandom): Float32Array {
  const size = t.featureShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const z = gaussian(random);
    if (t.kind === 'image-standardize') {
      const c = i % t.mean.length;
      x[i] = Math.min(t.scale, Math.max(0, t.scale * (t.mean[c]! + t.std[c]! * z)));
    } else if (t.kind === 'tabular-standardize') {
      x[i] = t.mean[i]! + t.std[i]! * z;
    } else {
      x[i] = z;
    }
  }
  return x;
}

/** A standard normal draw (Box–Muller). */
function gaussian(random: SeededRandom): number {
  const u = 1 - random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}
