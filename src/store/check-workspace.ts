import { DeeplineError } from '../errors/index.ts';
import type { Workspace } from './workspace.ts';

/** Where an artifact was recorded: a step's output in a run. */
export interface ArtifactUse {
  readonly runId: string;
  readonly step: string;
  readonly output: string;
}

export interface DamagedArtifact {
  readonly hash: string;
  /** What is wrong, one line per file (see `ArtifactStore.verify`). */
  readonly problems: readonly string[];
  readonly usedBy: readonly ArtifactUse[];
  /** True when it was removed from the store, so that the next run needing it rebuilds it. */
  readonly removed: boolean;
}

export interface WorkspaceReport {
  readonly home: string;
  /** Objects in the artifact store, each checked. */
  readonly checked: number;
  readonly intact: number;
  readonly damaged: readonly DamagedArtifact[];
  /** Outputs of finished steps no longer in the store: the next run that needs one reruns its step. */
  readonly missing: readonly { readonly hash: string; readonly usedBy: readonly ArtifactUse[] }[];
  /** Runs marked running whose process is gone; running their task again resumes them. */
  readonly interrupted: readonly string[];
  /** True when nothing damaged is left in the store (none found, or all removed). */
  readonly healthy: boolean;
}

export interface CheckWorkspaceOptions {
  /** Remove damaged artifacts (default true); false only reports. */
  readonly repair?: boolean;
  /** Hash every file (default true); false checks sizes and small files only, as a cached step does. */
  readonly full?: boolean;
}

/**
 * `deepline doctor`: checks every stored artifact against its manifest, says which runs and steps
 * recorded each damaged or missing one, and removes the damaged ones so that the next run rebuilds
 * them. Refuses to remove anything while a run is live, since that run may be reading them.
 */
export async function checkWorkspace(workspace: Workspace, options: CheckWorkspaceOptions = {}): Promise<WorkspaceReport> {
  const repair = options.repair ?? true;
  const runs = await workspace.metadata.listRuns();
  const interrupted: string[] = [];
  for (const run of runs) {
    const status = await workspace.locks.status(run);
    if (status === 'interrupted') interrupted.push(run.id);
    if (status === 'running' && repair) {
      throw new DeeplineError('DL_RUN_LOCKED', `run ${run.id} is in progress; doctor repairs a workspace only while no run is live`, {
        hint: 'wait for the run to finish, or check without changing anything: `deepline doctor --dry-run`',
      });
    }
  }

  const uses = new Map<string, ArtifactUse[]>();
  for (const run of runs) {
    for (const step of (await workspace.metadata.getRunDetail(run.id))?.steps ?? []) {
      if (step.status !== 'completed' && step.status !== 'cached') continue;
      for (const [output, hash] of Object.entries(step.outputs)) {
        const list = uses.get(hash) ?? [];
        list.push({ runId: run.id, step: step.name, output });
        uses.set(hash, list);
      }
    }
  }

  const stored = await workspace.artifacts.list();
  const damaged: DamagedArtifact[] = [];
  for (const hash of stored.sort()) {
    const check = await workspace.artifacts.verify(hash, { full: options.full ?? true });
    if (check.status !== 'damaged') continue;
    const removed = repair && (await workspace.artifacts.remove(hash));
    damaged.push({ hash, problems: check.problems, usedBy: uses.get(hash) ?? [], removed });
  }
  const held = new Set(stored);
  const missing = [...uses.keys()].filter((hash) => !held.has(hash)).sort().map((hash) => ({ hash, usedBy: uses.get(hash) ?? [] }));
  return {
    home: workspace.home,
    checked: stored.length,
    intact: stored.length - damaged.length,
    damaged,
    missing,
    interrupted,
    healthy: damaged.every((d) => d.removed),
  };
}
