import { followStage, type StageFollower } from '../model-registry/follow-stage.ts';
import type { ModelRegistryStore, ModelVersion, ServingStage } from '../model-registry/model-registry-store.ts';
import { pinnedFolder } from '../model-registry/pinned-folder.ts';
import type { ArtifactStore } from '../store/artifacts/artifact-store.ts';
import type { DeeplineServer } from './create-server.ts';
import type { ServedModel } from './served-model.ts';

export interface FollowRegistryOptions {
  readonly server: Pick<DeeplineServer, 'replaceModel'>;
  readonly registry: ModelRegistryStore;
  readonly artifacts: ArtifactStore;
  /** The name the model is served under. */
  readonly name: string;
  /** The registered model and the stage it follows. */
  readonly model: string;
  readonly stage: ServingStage;
  /** The version served now. */
  readonly current: number;
  /** How often the registry is read, in ms. */
  readonly intervalMs: number;
  /** Loads a version's pinned folder with the settings the server runs it with. */
  readonly load: (dir: string) => Promise<ServedModel>;
  /** A new version answers from now on (the old one is still finishing what it took). */
  readonly onSwap?: (to: ModelVersion, from: number | undefined) => void;
  /** A read or a load failed; the version served before keeps serving. */
  readonly onError?: (error: unknown, version?: ModelVersion) => void;
}

/**
 * Keeps a served registry model on the version its stage holds, without a restart: when a
 * promotion or rollback puts another version there, that version's pinned files are loaded and
 * swapped in (`server.replaceModel`); the old model answers what it already took, then is
 * released. Every answer carries the version that gave it.
 */
export function followRegistry(options: FollowRegistryOptions): StageFollower {
  let served: number | undefined = options.current;
  return followStage({
    registry: options.registry,
    model: options.model,
    stage: options.stage,
    current: options.current,
    intervalMs: options.intervalMs,
    onChange: async (version) => {
      const loaded = await options.load(await pinnedFolder(options.artifacts, version));
      const swap = options.server.replaceModel({ ...loaded, name: options.name, version: String(version.version) });
      const from = served;
      served = version.version;
      options.onSwap?.(version, from);
      await swap;
    },
    onError: (error, version) => options.onError?.(error, version),
  });
}
