import { join } from 'node:path';
import type { StepContext } from '../../pipeline/step.ts';
import type { ArtifactRef } from '../../store/artifacts/artifact-store.ts';
import { loadDataset, saveDataset, type Dataset } from '../dataset.ts';

/** Writes a data set into the step's scratch folder and moves it into the artifact store. */
export async function putDataset(ctx: StepContext, name: string, ds: Dataset): Promise<ArtifactRef> {
  const dir = join(ctx.workDir, name);
  await saveDataset(dir, ds);
  return ctx.artifacts.putDir(dir, { move: true });
}

/** Loads a data set artifact written by `putDataset`. */
export async function getDataset(ctx: StepContext, ref: ArtifactRef): Promise<Dataset> {
  return loadDataset(await ctx.artifacts.localPath(ref));
}
