import type { ModelRegistryStore, ModelVersion, ServingStage } from './model-registry-store.ts';

export interface FollowStageOptions {
  readonly registry: Pick<ModelRegistryStore, 'versionInStage'>;
  readonly model: string;
  readonly stage: ServingStage;
  /** The version served now. */
  readonly current: number | undefined;
  /** How often to look, in ms. One indexed row per look: cheap enough for every few seconds. */
  readonly intervalMs: number;
  /** Loads and swaps in a version that entered the stage; a rejection leaves `current` as it was. */
  readonly onChange: (version: ModelVersion) => Promise<void>;
  /** A look or a load failed. A version that failed to load is not tried again until the stage changes. */
  readonly onError: (error: unknown, version?: ModelVersion) => void;
  /** Timer functions, injectable for tests. */
  readonly setInterval?: (fn: () => void, ms: number) => unknown;
  readonly clearInterval?: (handle: unknown) => void;
}

export interface StageFollower {
  /** The version now served (after the last successful change). */
  readonly current: number | undefined;
  /** Looks once (what the timer does); resolves when any change it started is done. */
  tick(): Promise<void>;
  stop(): void;
}

/**
 * Keeps a served model on the version a registry stage holds: polls the registry and, when
 * another version enters the stage (a promotion, a rollback), hands it to `onChange`. Looks never
 * overlap: a tick while a load runs waits for it. A stage left empty (its version archived)
 * changes nothing: the last version keeps serving.
 */
export function followStage(options: FollowStageOptions): StageFollower {
  let current = options.current;
  let failed: number | undefined;
  let running: Promise<void> | undefined;

  const look = async (): Promise<void> => {
    let found: ModelVersion | undefined;
    try {
      found = await options.registry.versionInStage(options.model, options.stage);
    } catch (e) {
      options.onError(e);
      return;
    }
    if (!found) {
      failed = undefined;
      return;
    }
    if (found.version === current || found.version === failed) return;
    try {
      await options.onChange(found);
      current = found.version;
      failed = undefined;
    } catch (e) {
      failed = found.version;
      options.onError(e, found);
    }
  };

  const tick = (): Promise<void> => {
    running ??= look().finally(() => {
      running = undefined;
    });
    return running;
  };

  const handle = (options.setInterval ?? ((fn, ms) => setInterval(fn, ms).unref()))(() => void tick(), options.intervalMs);
  return {
    get current() {
      return current;
    },
    tick,
    stop: () => (options.clearInterval ?? ((h) => clearInterval(h as NodeJS.Timeout)))(handle),
  };
}
