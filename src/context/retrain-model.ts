import { join } from 'node:path';
import { cellSyntax } from '../data/readers/cell-syntax.ts';
import { DeeplineError } from '../errors/index.ts';
import type { PipelineEventListener } from '../pipeline/events.ts';
import { defaultActor } from '../model-registry/default-actor.ts';
import { openModelRegistry } from '../model-registry/open-model-registry.ts';
import { pinnedFolder } from '../model-registry/pinned-folder.ts';
import { promoteVersion } from '../model-registry/promote-version.ts';
import { registerRun } from '../model-registry/register-run.ts';
import { mergeTrainingData, readLabelBatches, splitHoldout, type LabelledRecord } from '../monitor/retrain/merge-training-data.ts';
import type { StudySummary } from '../search/study-summary.ts';
import { loadServedModel } from '../serve/served-model.ts';
import type { Workspace } from '../store/workspace.ts';
import type { TaskSpec } from '../task/task-spec.ts';
import type { Registries } from './registries.ts';
import { runTask } from './run-task.ts';

export interface RetrainOptions {
  readonly model: string;
  /** Share of the labelled rows held out to judge champion against challenger; default 0.3. */
  readonly holdout?: number;
  /** How much better the challenger must be on the holdout: accuracy points, or relative RMSE; default 0.01. */
  readonly margin?: number;
  /** Who or what retrains (recorded); default the OS user. */
  readonly actor?: string;
  /** Register the challenger but leave production as it is. */
  readonly noPromote?: boolean;
  readonly registries: Registries;
  readonly onEvent?: PipelineEventListener;
}

export interface RetrainDecision {
  readonly model: string;
  readonly metric: 'accuracy' | 'rmse';
  /** How many of the champion's best configurations the challenger's search tried first. */
  readonly warmStart: number;
  readonly champion: { readonly version: number; readonly score: number };
  readonly challenger: { readonly version: number; readonly score: number; readonly runId: string; readonly output: string };
  readonly dataVersion: string;
  readonly labelledRows: number;
  readonly trainRows: number;
  readonly holdoutRows: number;
  readonly promoted: boolean;
  readonly reason: string;
}

/**
 * The retraining loop's one turn (`deepline retrain <model>`): the champion is the model's
 * production version; its task is rerun on a new data version — the data it was trained on plus
 * the labelled rows (`deepline label import`) not held out — and the challenger is registered.
 * Both are scored on the same fresh holdout of labelled rows, and the challenger is promoted (its
 * release gates checked) only when it beats the champion by `margin`. The decision, with both
 * scores, is recorded on the challenger's version and in the promotion's reason.
 */
export async function retrainModel(workspace: Workspace, options: RetrainOptions): Promise<RetrainDecision> {
  const registry = openModelRegistry(workspace);
  try {
    const champion = await registry.versionInStage(options.model, 'production');
    if (!champion) {
      throw new DeeplineError('DL_REGISTRY', `${options.model} has no production version to retrain`, { hint: `promote one first: deepline registry promote ${options.model} <version>` });
    }
    const run = champion.runId ? await workspace.metadata.getRun(champion.runId) : undefined;
    if (!run) {
      throw new DeeplineError('DL_REGISTRY', `version ${champion.version} of ${options.model} has no run in ${workspace.home}, so its task cannot be rerun`, { hint: 'register a version trained in this workspace (deepline run … --register)' });
    }
    const spec = run.spec as TaskSpec;
    const { rows } = await readLabelBatches(join(workspace.home, 'labels', options.model));
    if (rows.length === 0) {
      throw new DeeplineError('DL_DATA_MISSING', `no labelled rows of ${options.model} in ${join(workspace.home, 'labels', options.model)}`, { hint: `export inputs to label (deepline label export ${options.model} --out f.csv), fill in the labels, and import them (deepline label import f.csv --model ${options.model})` });
    }
    const { train, holdout } = splitHoldout(rows, options.holdout ?? 0.3);
    if (holdout.length === 0 || train.length === 0) {
      throw new DeeplineError('DL_DATA_VALUE', `${rows.length} labelled rows are too few to both train and judge on (${train.length} to train, ${holdout.length} held out)`, { hint: 'label more of the logged inputs' });
    }
    const merged = await mergeTrainingData(spec.data.path, train, join(workspace.home, 'data', options.model));

    // The search starts where the champion's ended: its best configurations are tried first.
    const warmStart = spec.search.enabled ? await championBest(workspace, champion.runId!, 3) : [];
    const challengerSpec: TaskSpec = {
      ...spec,
      data: { ...spec.data, path: merged.file },
      output: join(workspace.home, 'retrain', options.model, merged.dataVersion.slice(0, 16)),
      ...(warmStart.length > 0 && { search: { ...spec.search, warmStart } }),
    };
    const result = await runTask(challengerSpec, { workspace, registries: options.registries, resume: 'auto', ...(options.onEvent && { onEvent: options.onEvent }), resumeHint: `resume with: deepline retrain ${options.model}` });

    const target = spec.data.target!;
    const classification = result.metrics.kind === 'class';
    const championScore = await scoreOn(await pinnedFolder(workspace.artifacts, champion), holdout, target, classification);
    const challengerScore = await scoreOn(result.outputDir, holdout, target, classification);
    const margin = options.margin ?? 0.01;
    const better = classification ? challengerScore - championScore >= margin : (championScore - challengerScore) / Math.max(championScore, 1e-12) >= margin;
    const metric = classification ? 'accuracy' : 'rmse';
    const verdict = `${metric} on ${holdout.length} fresh labelled rows: challenger ${challengerScore.toFixed(4)} vs champion v${champion.version} ${championScore.toFixed(4)} (margin ${margin})`;
    const promote = better && !options.noPromote;
    const reason = `retrain: ${verdict} → ${promote ? 'promoted' : better ? 'better, not promoted (--no-promote)' : 'champion kept'}`;
    const actor = options.actor ?? defaultActor();

    const version = await registerRun(
      { registry, metadata: workspace.metadata, artifacts: workspace.artifacts, locks: workspace.locks, scratch: join(workspace.home, 'tmp') },
      { model: options.model, dir: result.outputDir, runId: result.runId, actor, note: reason },
    );
    if (promote) await promoteVersion(registry, { model: options.model, version: version.version, actor, reason });
    return {
      model: options.model,
      metric,
      warmStart: warmStart.length,
      champion: { version: champion.version, score: championScore },
      challenger: { version: version.version, score: challengerScore, runId: result.runId, output: result.outputDir },
      dataVersion: merged.dataVersion,
      labelledRows: rows.length,
      trainRows: train.length,
      holdoutRows: holdout.length,
      promoted: promote,
      reason,
    };
  } finally {
    await registry.close();
  }
}

/** The params of the champion run's best complete trials (lowest error first), from its search step's study. */
async function championBest(workspace: Workspace, runId: string, count: number): Promise<Record<string, number | string | boolean>[]> {
  const detail = await workspace.metadata.getRunDetail(runId);
  const hash = detail?.steps.filter((s) => s.name === 'search' && s.outputs.study).at(-1)?.outputs.study;
  const ref = hash ? await workspace.artifacts.get(hash) : undefined;
  if (!ref) return [];
  const study = await workspace.artifacts.readJson<StudySummary>(ref);
  return study.trials
    .filter((t) => t.state === 'complete' && t.values !== undefined && !t.rejected)
    .sort((a, b) => a.values![0]! - b.values![0]!)
    .slice(0, count)
    .map((t) => ({ ...t.params }) as Record<string, number | string | boolean>);
}

/** Accuracy (classes) or RMSE (values) of a served model folder on labelled rows. */
async function scoreOn(dir: string, rows: readonly LabelledRecord[], target: string, classification: boolean): Promise<number> {
  const model = await loadServedModel(dir);
  try {
    const encoded = await Promise.all(
      rows.map((r) => model.encode(Object.fromEntries(Object.entries(r.values).filter(([c]) => c !== target).map(([c, v]) => [c, v === '' ? null : v])))),
    );
    const predictions = [];
    for (let k = 0; k < encoded.length; k += 256) predictions.push(...(await model.predict(encoded.slice(k, k + 256))));
    if (classification) {
      // A yes/no target was read as booleans, whose classes are "false" and "true": labels are read the same way.
      const booleanClasses = model.classes?.length === 2 && model.classes.includes('false') && model.classes.includes('true');
      const asClass = (label: string | undefined): string | undefined => {
        const parsed = booleanClasses && label !== undefined ? cellSyntax.boolean(label.trim()) : undefined;
        return parsed ? (parsed.value === 1 ? 'true' : 'false') : label?.trim();
      };
      const right = predictions.filter((p, k) => 'label' in p && p.label === asClass(rows[k]!.values[target])).length;
      return right / rows.length;
    }
    const squared = predictions.reduce((s, p, k) => s + ('value' in p ? (p.value - Number(rows[k]!.values[target])) ** 2 : Infinity), 0);
    return Math.sqrt(squared / rows.length);
  } finally {
    await model.close();
  }
}
