// A namespace import lets a bundler keep only the parts of zod used here: the browser bundle
// (deepline package --target browser) carries this file, and `{ z }` pulls in all of zod.
import * as z from 'zod';
import { DeeplineError } from '../../errors/deepline-error.ts';
import { FORMAT_VERSIONS } from '../../store/formats/format-versions.ts';

export const TABLE_TRANSFORM_VERSION = FORMAT_VERSIONS.tableTransform;

/** Calendar parts a date column is expanded into (UTC). `hour` is fractional (minutes / 60 added). */
export const DATE_PARTS = ['year', 'month', 'dayOfWeek', 'hour'] as const;
export type DatePart = (typeof DATE_PARTS)[number];

/**
 * How one raw column becomes features. `features` names the output slots in order, so its length
 * is the encoder's width. `fill` is the training-split imputation value; null when imputation is
 * off, and then a missing value is an error rather than a silently invented one.
 */
export type ColumnEncoder =
  /** (value, or fill when missing) standardised with the imputed training column's mean and std; then 0/1 missing. */
  | { readonly kind: 'numeric'; readonly column: string; readonly features: readonly string[]; readonly fill: number | null; readonly mean: number; readonly std: number; readonly indicator: boolean }
  /** 0/1 as is, the training mode when missing; then 0/1 missing. */
  | { readonly kind: 'boolean'; readonly column: string; readonly features: readonly string[]; readonly fill: 0 | 1 | null; readonly indicator: boolean }
  /** Milliseconds since the epoch (the training median when missing) → `parts`, each standardised; then 0/1 missing. */
  | {
      readonly kind: 'date';
      readonly column: string;
      readonly features: readonly string[];
      readonly fill: number | null;
      readonly parts: readonly DatePart[];
      readonly mean: readonly number[];
      readonly std: readonly number[];
      readonly indicator: boolean;
    }
  /**
   * One slot per kept category (the most frequent in training, at most `maxCategoriesOneHot`),
   * then an `other` slot for the training categories beyond those (`rare`, present only when there
   * are some), an `unknown` slot for categories never seen in training, then 0/1 missing.
   */
  | {
      readonly kind: 'one-hot';
      readonly column: string;
      readonly features: readonly string[];
      readonly fill: string | null;
      readonly categories: readonly string[];
      readonly rare: readonly string[];
      readonly indicator: boolean;
    }
  /**
   * Token ids of a text: `vocabulary[id]` is the token, id 0 is padding and id 1 stands for any
   * token outside the vocabulary. The first `maxLen` tokens are kept; shorter texts are padded at
   * the end. A missing text is all padding.
   */
  | { readonly kind: 'tokens'; readonly column: string; readonly features: readonly string[]; readonly vocabulary: readonly string[]; readonly maxLen: number };

export type TargetEncoder =
  /** y = index of the label in `classes` (training labels, naturally sorted). */
  | { readonly kind: 'class'; readonly column: string; readonly classes: readonly string[] }
  /** y = (value - mean) / std, with the training split's mean and population std. */
  | { readonly kind: 'numeric'; readonly column: string; readonly mean: number; readonly std: number };

/**
 * A table transform fitted on the training split: plain JSON that training (`applyTableTransform`),
 * evaluation and serving (`transformRecord`) all apply through the same per-cell code, so the
 * tensors a served request produces are bit-identical to those the model was trained on.
 * `input: 'tabular'` gives one feature vector per row (the concatenated encoders' features);
 * `input: 'text'` gives the `maxLen` token ids of one text column.
 */
export interface TableTransform {
  readonly kind: 'table';
  readonly version: typeof TABLE_TRANSFORM_VERSION;
  readonly input: 'tabular' | 'text';
  readonly featureShape: readonly number[];
  readonly featureNames: readonly string[];
  readonly columns: readonly ColumnEncoder[];
  readonly target: TargetEncoder;
  /** Columns of the table that give no features, and why (the group column, free text in a tabular task, ...). */
  readonly ignored: readonly { readonly column: string; readonly reason: string }[];
}

const names = z.array(z.string());
const finite = z.number().refine(Number.isFinite, 'must be finite');
const spread = finite.refine((v) => v > 0, 'must be > 0');

const encoderSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('numeric'), column: z.string(), features: names, fill: finite.nullable(), mean: finite, std: spread, indicator: z.boolean() }),
  z.object({ kind: z.literal('boolean'), column: z.string(), features: names, fill: z.literal([0, 1]).nullable(), indicator: z.boolean() }),
  z.object({
    kind: z.literal('date'),
    column: z.string(),
    features: names,
    fill: finite.nullable(),
    parts: z.array(z.enum(DATE_PARTS)).min(1),
    mean: z.array(finite),
    std: z.array(spread),
    indicator: z.boolean(),
  }),
  z.object({ kind: z.literal('one-hot'), column: z.string(), features: names, fill: z.string().nullable(), categories: names, rare: names, indicator: z.boolean() }),
  z.object({ kind: z.literal('tokens'), column: z.string(), features: names, vocabulary: names.min(2), maxLen: z.int().positive() }),
]);

const transformSchema = z.object({
  kind: z.literal('table'),
  version: z.literal(TABLE_TRANSFORM_VERSION),
  input: z.enum(['tabular', 'text']),
  featureShape: z.array(z.int().positive()).length(1),
  featureNames: names,
  columns: z.array(encoderSchema).min(1),
  target: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('class'), column: z.string(), classes: names.min(2) }),
    z.object({ kind: z.literal('numeric'), column: z.string(), mean: finite, std: spread }),
  ]),
  ignored: z.array(z.object({ column: z.string(), reason: z.string() })),
});

/** Checks a table transform read back from JSON (an artifact or a deployed bundle) before anything trusts it. */
export function parseTableTransform(value: unknown): TableTransform {
  const fail = (why: string): never => {
    throw new DeeplineError('DL_DATA_FORMAT', `not a usable table transform: ${why}`, {
      hint: 'the transform comes from the transform step of the same deepline version; rerun the pipeline',
    });
  };
  const parsed = transformSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const t = parsed.data as TableTransform;
  const widths = t.columns.map(widthOf);
  for (const [i, enc] of t.columns.entries()) {
    if (enc.features.length !== widths[i]) fail(`column ${enc.column} declares ${enc.features.length} features but its encoding has ${widths[i]}`);
    if (enc.kind === 'date' && (enc.mean.length !== enc.parts.length || enc.std.length !== enc.parts.length)) fail(`column ${enc.column} needs a mean and std per date part`);
  }
  const total = widths.reduce((a, b) => a + b, 0);
  if (t.featureShape[0] !== total || t.featureNames.length !== total) fail(`featureShape [${t.featureShape[0]}] and ${t.featureNames.length} feature names do not match the ${total} encoded features`);
  if (t.input === 'text' && (t.columns.length !== 1 || t.columns[0].kind !== 'tokens')) fail('a text transform encodes exactly one text column');
  return t;
}

/** The number of features an encoder writes, derived from its parameters (not from `features`). */
function widthOf(enc: ColumnEncoder): number {
  const flag = 'indicator' in enc && enc.indicator ? 1 : 0;
  switch (enc.kind) {
    case 'numeric':
    case 'boolean':
      return 1 + flag;
    case 'date':
      return enc.parts.length + flag;
    case 'one-hot':
      return enc.categories.length + (enc.rare.length > 0 ? 1 : 0) + 1 + flag;
    case 'tokens':
      return enc.maxLen;
  }
}
