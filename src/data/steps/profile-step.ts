import { defineStep, type Step } from '../../pipeline/step.ts';
import type { DataProfile } from '../profile/data-profile.ts';
import { profileImages } from '../profile/profile-images.ts';
import { profileTable } from '../profile/profile-table.ts';
import { readDataArtifact } from '../profile/read-data-artifact.ts';
import { tableFromDataset } from '../profile/table-from-dataset.ts';

export interface ProfileParams {
  /** Histogram bins for continuous columns (default 20). */
  readonly bins?: number;
  /** Top values per categorical column and top tokens per text column (default 20). */
  readonly topValues?: number;
  /** Example images per class in the report (default 8). */
  readonly samplesPerClass?: number;
  /** How to read a table's target; default by its column type (see profileTable). */
  readonly targetKind?: 'class' | 'numeric';
}

export type ProfileInput = 'data';
export type ProfileOutput = 'profile';

/**
 * Profiles the data a step produced: a `table` artifact (kind 'table' in its meta.json) or a
 * `dataset` one — images ([h, w, c] examples) get an image profile with example strips picked
 * with the step's seed, tabular data sets the table profile. Output: `profile` (DataProfile JSON).
 */
export function profileStep(params: ProfileParams = {}, options: { input?: string } = {}): Step<ProfileInput, ProfileOutput> {
  return defineStep<ProfileInput, ProfileOutput>({
    name: 'profile',
    version: '1',
    params: { ...params },
    inputs: { data: options.input ?? 'ingest.dataset' },
    outputs: ['profile'],
    description: 'profile the data',
    async run(ctx, inputs) {
      const data = await readDataArtifact(await ctx.artifacts.localPath(inputs.data));
      let profile: DataProfile;
      if (data.kind === 'dataset' && data.dataset.featureShape.length >= 2) {
        profile = await profileImages(data.dataset, { samplesPerClass: params.samplesPerClass, seed: ctx.seed });
      } else {
        const table = data.kind === 'table' ? data.table : tableFromDataset(data.dataset);
        const targetKind = params.targetKind ?? (data.kind === 'dataset' ? (data.dataset.target.kind === 'class' ? 'class' : 'numeric') : undefined);
        profile = profileTable(table, { bins: params.bins, topValues: params.topValues, topTokens: params.topValues, targetKind });
      }
      const rows = profile.kind === 'table' ? profile.rows : profile.count;
      ctx.log.info(`profile: ${rows} ${profile.kind === 'table' ? 'rows' : 'images'}, ${profile.duplicates.rows} duplicates`);
      return { profile: await ctx.artifacts.putJson(profile) };
    },
  });
}
