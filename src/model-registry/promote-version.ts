import { checkGates } from './check-gates.ts';
import type { ModelRegistryStore, StageChange, TargetStage } from './model-registry-store.ts';

export interface PromoteOptions {
  readonly model: string;
  readonly version: number;
  /** Default `production`. */
  readonly stage?: TargetStage;
  /** Who or what promotes: a person, `ci`, `deepline retrain`. */
  readonly actor: string;
  readonly reason?: string;
  /** Promote although a release gate fails; recorded as forced, with the gate results. */
  readonly force?: boolean;
}

/**
 * Promotes a version after checking its release gates (its task's `gates:`) on its test metrics.
 * A failing gate refuses with DL_GATE naming metric, measured and required value, unless `force`.
 * Archiving checks no gates. The store records the results with the change.
 */
export async function promoteVersion(registry: ModelRegistryStore, options: PromoteOptions): Promise<StageChange> {
  const stage = options.stage ?? 'production';
  const found = await registry.getVersion(options.model, options.version);
  // An unknown version is the store's to report (DL_REGISTRY, listing what exists).
  const gates = found && stage !== 'archived' ? checkGates(found.gates, found.metrics) : [];
  return registry.promote({
    model: options.model,
    version: options.version,
    stage,
    actor: options.actor,
    ...(options.reason !== undefined && { reason: options.reason }),
    ...(gates.length > 0 && { gates }),
    ...(options.force === true && { force: true }),
  });
}
