import { getDataset } from '../../data/steps/dataset-artifact.ts';
import { DeeplineError } from '../../errors/index.ts';
import { defineStep, type Step } from '../../pipeline/step.ts';
import type { FamilyRegistry } from '../families/family-registry.ts';
import { modalityOfDataset } from '../modality-of-dataset.ts';

export type BuildModelParams = {
  /** A family name, or 'auto': the first family registered for the data's modality (mlp for tabular, cnn for images). */
  readonly family?: string;
  /** A full genome (e.g. the search's best) to use instead of the family's default. */
  readonly genome?: unknown;
};

export interface BuildModelWiring {
  /** Overrides the default input `{ train: 'normalize.train' }`. */
  readonly inputs?: { readonly train?: string };
  readonly families?: FamilyRegistry;
}

/**
 * Step `build-model`: reads the training split's example shape and target, picks the family,
 * and writes the validated genome as JSON (output `genome`).
 */
export function buildModelStep(params: BuildModelParams = {}, wiring: BuildModelWiring = {}): Step<'train', 'genome'> {
  const family = params.family ?? 'auto';
  return defineStep<'train', 'genome'>({
    name: 'build-model',
    version: '1',
    params: params.genome === undefined ? { family } : { family, genome: params.genome },
    inputs: { train: wiring.inputs?.train ?? 'normalize.train' },
    outputs: ['genome'],
    description: 'choose the model architecture (genome)',
    async run(ctx, inputs) {
      // The model code (and TF.js under it) loads only when the step runs, not when it is cached.
      const { taskLoss } = await import('../losses.ts');
      const families = wiring.families ?? (await ctx.deepline.registries.families.ready());
      const train = await getDataset(ctx, inputs.train);
      const modality = modalityOfDataset(train);
      // 'auto' takes the modality's first family; a miss on 'auto' lists what exists.
      const chosen = family === 'auto' ? (families.list(modality)[0] ?? families.get(modality, family)) : families.get(modality, family);
      let genome: unknown = chosen.defaultGenome(train.featureShape, taskLoss(train.target).head.units);
      if (params.genome !== undefined) {
        const parsed = chosen.genomeSchema.safeParse(params.genome);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const field = ['model', 'genome', ...issue.path.map(String)].join('.');
          throw new DeeplineError('DL_TASK_FIELD', `${field}: ${issue.message} (family ${chosen.name})`, {
            hint: 'fix the genome, or leave it out to use the family default',
            location: { field },
          });
        }
        genome = parsed.data;
      }
      ctx.log.info({ family: chosen.name, modality, genome }, 'model genome chosen');
      return { genome: await ctx.artifacts.putJson(genome) };
    },
  });
}
