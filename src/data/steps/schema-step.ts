import { DeeplineError } from '../../errors/index.ts';
import { defineStep, type Step } from '../../pipeline/step.ts';
import { readDataArtifact } from '../profile/read-data-artifact.ts';
import { tableFromDataset } from '../profile/table-from-dataset.ts';
import { inferSchema } from '../schema/infer-schema.ts';

export interface SchemaParams {
  /** Share of the training range accepted beyond it on each side (default 0.1). */
  readonly rangeTolerance?: number;
  /** Categorical columns with more distinct values are not checked (default 1000). */
  readonly maxDomainSize?: number;
}

export type SchemaInput = 'data';
export type SchemaOutput = 'schema';

/**
 * Infers the schema of the training data (see inferSchema): a `table` artifact, or a tabular
 * `dataset` one seen as a table. Output: `schema` (DataSchema JSON), which `deepline validate`
 * and later steps check new data against.
 */
export function schemaStep(params: SchemaParams = {}, options: { input?: string } = {}): Step<SchemaInput, SchemaOutput> {
  return defineStep<SchemaInput, SchemaOutput>({
    name: 'schema',
    version: '1',
    params: { ...params },
    inputs: { data: options.input ?? 'ingest.dataset' },
    outputs: ['schema'],
    description: 'infer the data schema',
    async run(ctx, inputs) {
      const data = await readDataArtifact(await ctx.artifacts.localPath(inputs.data));
      if (data.kind === 'dataset' && data.dataset.featureShape.length >= 2) {
        throw new DeeplineError('DL_PIPELINE', `the schema step needs a table, but its input ${inputs.data.hash.slice(0, 12)} holds images of shape [${data.dataset.featureShape.join(', ')}]`, {
          hint: 'wire schemaStep only into tabular pipelines',
        });
      }
      const table = data.kind === 'table' ? data.table : tableFromDataset(data.dataset);
      const schema = inferSchema(table, undefined, params);
      ctx.log.info(`schema: ${schema.columns.length} columns, target ${schema.target}`);
      return { schema: await ctx.artifacts.putJson(schema) };
    },
  });
}
