import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepContext } from '../../pipeline/step.ts';
import { FORMAT_VERSIONS } from '../../store/formats/format-versions.ts';
import { canonicalJson } from '../../store/canonical-json.ts';
import type { ArtifactRef } from '../../store/artifacts/artifact-store.ts';
import type { StoredTrial } from '../../store/metadata/study-store.ts';

/** A trial's out-of-fold predictions, row-major [n, units], over train + validation in that order. */
export interface OutOfFold {
  readonly values: readonly number[];
  readonly units: number;
}

/** One trial an ensemble may take: its model, its retraining, and its cross-validated error. */
export interface EnsembleCandidate {
  readonly trialId: number;
  readonly number: number;
  /** Cross-validated error (1 − accuracy, or RMSE). */
  readonly error: number;
  readonly genome: unknown;
  /** Its training, with `epochs` the ones to retrain on train + validation for. */
  readonly training: { readonly epochs: number; readonly batchSize: number; readonly learningRate: number; readonly patience: number; readonly [k: string]: unknown };
  /** The Float32 file of its out-of-fold predictions in the candidates folder. */
  readonly file: string;
}

export const ENSEMBLE_CANDIDATES_FORMAT_VERSION = FORMAT_VERSIONS.ensembleCandidates;

export interface EnsembleCandidates {
  readonly formatVersion: typeof ENSEMBLE_CANDIDATES_FORMAT_VERSION;
  readonly folds: number;
  readonly n: number;
  readonly units: number;
  /** Best first; one per distinct configuration. */
  readonly candidates: readonly EnsembleCandidate[];
}

/** The most candidates kept: an ensemble of the top few draws on little beyond the first dozen. */
export const MAX_CANDIDATES = 12;

export interface CandidateSource {
  readonly trials: readonly StoredTrial[];
  readonly outOfFold: ReadonlyMap<number, OutOfFold>;
  readonly folds: number;
  readonly training: (trial: StoredTrial) => EnsembleCandidate['training'];
  readonly genome: (trial: StoredTrial) => unknown;
}

/**
 * Stores the search's best distinct complete trials that have out-of-fold predictions (trials of a
 * run killed and resumed have none: they are left out) as a folder: `candidates.json` and one
 * `<trial>.f32` per trial. Without cross-validation the folder lists none.
 */
export async function writeCandidates(ctx: Pick<StepContext, 'workDir' | 'artifacts'>, source: CandidateSource): Promise<ArtifactRef> {
  const dir = join(ctx.workDir, 'candidates');
  await mkdir(dir, { recursive: true });
  const seen = new Set<string>();
  const kept: EnsembleCandidate[] = [];
  let n = 0;
  let units = 0;
  const ranked = source.trials
    .filter((t) => t.state === 'complete' && source.outOfFold.has(t.id) && t.values && Number.isFinite(t.values[0]))
    .sort((a, b) => a.values![0]! - b.values![0]! || a.number - b.number);
  for (const trial of ranked) {
    const key = canonicalJson(trial.params);
    if (seen.has(key) || kept.length >= MAX_CANDIDATES) continue;
    seen.add(key);
    const oof = source.outOfFold.get(trial.id)!;
    [units, n] = [oof.units, oof.values.length / oof.units];
    const file = `${trial.id}.f32`;
    await writeFile(join(dir, file), new Uint8Array(Float32Array.from(oof.values).buffer));
    kept.push({ trialId: trial.id, number: trial.number, error: trial.values![0]!, genome: source.genome(trial), training: source.training(trial), file });
  }
  const index: EnsembleCandidates = { formatVersion: ENSEMBLE_CANDIDATES_FORMAT_VERSION, folds: source.folds, n, units, candidates: kept };
  await writeFile(join(dir, 'candidates.json'), JSON.stringify(index, null, 1));
  return ctx.artifacts.putDir(dir, { move: true });
}

/** Reads a candidates folder back: the index and each candidate's out-of-fold predictions. */
export async function readCandidates(dir: string): Promise<{ readonly index: EnsembleCandidates; readonly predictions: ReadonlyMap<number, Float32Array> }> {
  const index = JSON.parse(await readFile(join(dir, 'candidates.json'), 'utf8')) as EnsembleCandidates;
  if (index.formatVersion !== ENSEMBLE_CANDIDATES_FORMAT_VERSION) throw new Error(`${dir}: ensemble candidates of format ${index.formatVersion}, expected ${ENSEMBLE_CANDIDATES_FORMAT_VERSION}`);
  const predictions = new Map<number, Float32Array>();
  for (const c of index.candidates) {
    const bytes = await readFile(join(dir, c.file));
    predictions.set(c.trialId, new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
  }
  return { index, predictions };
}
