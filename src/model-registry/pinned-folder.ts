import { DeeplineError } from '../errors/index.ts';
import type { ArtifactStore } from '../store/artifacts/artifact-store.ts';
import type { ModelVersion } from './model-registry-store.ts';

/** The folder a version's files were pinned in (read-only, in the artifact store), to serve from. */
export async function pinnedFolder(artifacts: ArtifactStore, version: ModelVersion): Promise<string> {
  const ref = await artifacts.get(version.artifacts.hash);
  if (!ref) {
    throw new DeeplineError('DL_STORE', `version ${version.version} of ${version.model}: its files (artifact ${version.artifacts.hash.slice(0, 12)}) are not in the artifact store`, {
      hint: `register its run again (\`deepline registry register ${version.runId ?? version.source} --name ${version.model}\`) and promote the new version`,
    });
  }
  return artifacts.localPath(ref);
}
