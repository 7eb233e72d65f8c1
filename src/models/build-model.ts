import type * as tf from '@tensorflow/tfjs';
import { DeeplineError } from '../errors/index.ts';
import type { FamilyRegistry } from './families/family-registry.ts';
import type { HeadSpec, Modality } from './families/model-family.ts';
import type { GenomeBase } from './genome.ts';
import { modalityOfShape } from './modality-of-shape.ts';

export interface BuildModelOptions {
  readonly inputShape: readonly number[];
  readonly head: HeadSpec;
  readonly seed: number;
  readonly families: FamilyRegistry;
  /** Default: read off the input shape (one axis tabular, two or three image); text must be said. */
  readonly modality?: Modality;
  /** For text families: the token-id vocabulary size from the data transform. */
  readonly vocabSize?: number;
}

/**
 * Validates `genome` against its family's schema and builds the network: same genome, input
 * shape, head and seed give the same layers and the same initial weights. The model is not
 * compiled; `fitModel` trains it with its own loop.
 */
export function buildModel(genome: unknown, options: BuildModelOptions): tf.LayersModel {
  const familyName = (genome as Partial<GenomeBase> | null)?.family;
  if (typeof familyName !== 'string') {
    throw new DeeplineError('DL_TASK_FIELD', `a model genome must be an object with a "family" name, but got ${JSON.stringify(genome)}`, {
      hint: 'write the genome as e.g. { "family": "mlp", ... }',
      location: { field: 'model.genome' },
    });
  }
  const family = options.families.get(options.modality ?? modalityOfShape(options.inputShape), familyName);
  const parsed = family.genomeSchema.safeParse(genome);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ['model', 'genome', ...issue.path.map(String)].join('.');
    throw new DeeplineError('DL_TASK_FIELD', `${path}: ${issue.message}`, {
      hint: `see the ${family.name} family's genome fields in docs`,
      location: { field: path },
    });
  }
  return family.build(parsed.data, { inputShape: options.inputShape, head: options.head, seed: options.seed, vocabSize: options.vocabSize });
}
