import { z } from 'zod';
import { DeeplineError } from '../../errors/index.ts';
import { FORMAT_VERSIONS } from '../../store/formats/format-versions.ts';

/**
 * The schema of a table, inferred from training data (see inferSchema) and checked against new
 * data (see validateTable). Stored as versioned JSON (`data-schema.json`, the schema step's
 * artifact) that people may edit: loosen a range, add a category, mark a column optional.
 */
export const SCHEMA_FORMAT_VERSION = FORMAT_VERSIONS.schema;

const columnTypeSchema = z.enum(['numeric', 'categorical', 'boolean', 'text', 'date']);

const columnSchemaSchema = z.strictObject({
  name: z.string().min(1),
  type: columnTypeSchema,
  isTarget: z.boolean(),
  /** A file without this column is an error (the target is exempt when validating serving data). */
  required: z.boolean(),
  /** Missing values occurred in training. */
  nullable: z.boolean(),
  /** Share of training rows with the value missing. */
  missingRate: z.number().min(0).max(1),
  /** Numeric, boolean and date columns: the training range and the range accepted. */
  range: z
    .strictObject({
      min: z.number(),
      max: z.number(),
      /** Accepted range: [min, max] widened by the tolerance; null = unbounded (dates: later values are expected). */
      lower: z.number().nullable(),
      upper: z.number().nullable(),
      /** Training values were all whole numbers. */
      integer: z.boolean(),
    })
    .optional(),
  /** Categorical columns: every value seen in training, when there were few enough to list. */
  domain: z.array(z.string()).optional(),
  /** Categorical columns with more distinct values than the schema lists: values are not checked. */
  openDomain: z.boolean().optional(),
});

const dataSchemaSchema = z.strictObject({
  formatVersion: z.literal(SCHEMA_FORMAT_VERSION),
  kind: z.literal('data-schema'),
  target: z.string().min(1),
  /** Training rows the schema was inferred from. */
  rows: z.int().min(0),
  dataVersion: z.string().optional(),
  /** Share of the training range added on each side of numeric ranges. */
  rangeTolerance: z.number().min(0),
  columns: z.array(columnSchemaSchema),
});

export type ColumnSchema = z.infer<typeof columnSchemaSchema>;
export type DataSchema = z.infer<typeof dataSchemaSchema>;

/** Checks a schema read from `file` (JSON already parsed); a DL_DATA_FORMAT error names the bad field. */
export function parseDataSchema(value: unknown, file: string): DataSchema {
  const result = dataSchemaSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.map(String).join('.');
  throw new DeeplineError('DL_DATA_FORMAT', `${file}: ${field ? `${field}: ` : ''}${issue.message} (not a deepline data schema of format version ${SCHEMA_FORMAT_VERSION})`, {
    hint: 'regenerate it with `deepline profile <task-file>` (it writes data-schema.json), or fix the field',
    location: { file, field: field || undefined },
  });
}
