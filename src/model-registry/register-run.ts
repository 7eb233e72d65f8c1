import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DeeplineError, fileAccessError } from '../errors/index.ts';
import type { ArtifactStore } from '../store/artifacts/artifact-store.ts';
import { hashFile } from '../store/artifacts/hash-file.ts';
import type { MetadataStore } from '../store/metadata/metadata-store.ts';
import type { RunLockService } from '../store/run-lock-service.ts';
import type { ReleaseGates } from '../task/release-gates.ts';
import type { ModelRegistryStore, ModelVersion, PinnedArtifacts } from './model-registry-store.ts';
import { checkModelName } from './model-name.ts';
import { versionMetrics } from './version-metrics.ts';

/**
 * What a version pins of a run's output folder: what `deepline serve` and `deepline package`
 * read (the model in both forms, its transform, metrics, run and serving settings) and what
 * checks new data and traffic against the training data (schema, profile, monitoring reference).
 * Reports are left behind.
 */
export const PINNED_FILES = ['model.onnx', 'model', 'transform.json', 'metrics.json', 'run.json', 'serving.json', 'data-schema.json', 'data-profile.json', 'monitor-reference.json'] as const;

/** The stores a registration reads and writes, all of one workspace. */
export interface RegistrationStores {
  readonly registry: ModelRegistryStore;
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  /** While copying, the folder is locked as a run locks it to publish, so no run rewrites it half-way. */
  readonly locks?: RunLockService;
  /** A folder on the artifact store's file system for the copy being assembled. */
  readonly scratch: string;
}

export interface RegisterRunOptions {
  /** The registered model's name. */
  readonly model: string;
  /** A run's output folder. */
  readonly dir: string;
  /** The run the caller named: the folder must still hold that run's model (a later run may have replaced it). */
  readonly runId?: string;
  readonly actor: string;
  readonly note?: string;
}

/**
 * Registers a run's model as the next version of `model`. The servable files are copied into
 * the content-addressed artifact store first, so the version keeps serving what was registered
 * whatever later runs write into the folder; the version records their hashes, the run, its data
 * version, test metrics and release gates (from the run's task spec in the metadata store).
 */
export async function registerRun(stores: RegistrationStores, options: RegisterRunOptions): Promise<ModelVersion> {
  checkModelName(options.model);
  const dir = resolve(options.dir);
  for (const needed of ['transform.json', 'metrics.json']) {
    if (!existsSync(join(dir, needed))) throw notARunFolder(dir, needed);
  }
  if (!existsSync(join(dir, 'model.onnx')) && !existsSync(join(dir, 'model'))) throw notARunFolder(dir, 'model.onnx');

  const lock = await stores.locks?.lockOutput(dir);
  let pinned: PinnedArtifacts;
  let metricsJson: Record<string, unknown>;
  let runJson: { runId?: unknown; task?: unknown };
  try {
    // Read from the copy, so what is recorded is what was pinned.
    const copy = await copyServable(dir, stores.scratch);
    try {
      [metricsJson, runJson] = await Promise.all([readJson(copy, dir, 'metrics.json'), existsSync(join(copy, 'run.json')) ? readJson(copy, dir, 'run.json') : {}]);
      const runId = typeof runJson.runId === 'string' ? runJson.runId : undefined;
      if (options.runId !== undefined && runId !== options.runId) {
        throw new DeeplineError('DL_REGISTRY', `${dir} no longer holds run ${options.runId}'s model: ${runId ? `run ${runId} published into it since` : 'its run.json names no run'}`, {
          hint: runId ? `register run ${runId} (or the folder), or rerun ${options.runId}'s task to publish it again` : 'register the folder itself, or rerun the task',
        });
      }
      pinned = await pin(stores.artifacts, copy);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  } finally {
    await lock?.release();
  }

  const runId = typeof runJson.runId === 'string' ? runJson.runId : undefined;
  const detail = runId === undefined ? undefined : await stores.metadata.getRunDetail(runId);
  if (detail && detail.run.status !== 'completed') {
    throw new DeeplineError('DL_REGISTRY', `run ${runId} is ${detail.run.status}, so ${dir} may not hold its finished model`, {
      hint: 'register a run that completed: finish it with `deepline run <task-file>` (finished steps are cached)',
    });
  }
  const spec = detail?.run.spec as { gates?: ReleaseGates } | undefined;
  const param = (key: string): string | undefined => (typeof detail?.params[key] === 'string' ? (detail.params[key] as string) : undefined);
  const dataVersion = param('data.version');
  const dataContentHash = param('data.contentHash');
  return stores.registry.registerVersion({
    model: options.model,
    ...(runId !== undefined && { runId }),
    task: typeof runJson.task === 'string' ? runJson.task : (detail?.run.taskType ?? 'unknown'),
    ...(dataVersion !== undefined && { dataVersion }),
    ...(dataContentHash !== undefined && { dataContentHash }),
    metrics: versionMetrics(metricsJson),
    gates: spec?.gates ?? {},
    artifacts: pinned,
    source: dir,
    actor: options.actor,
    ...(options.note !== undefined && { note: options.note }),
  });
}

/** Copies the servable files of `dir` into a new folder under `scratch`. */
async function copyServable(dir: string, scratch: string): Promise<string> {
  await mkdir(scratch, { recursive: true });
  const copy = await mkdtemp(join(scratch, 'register-'));
  try {
    for (const name of PINNED_FILES) {
      if (existsSync(join(dir, name))) await cp(join(dir, name), join(copy, name), { recursive: true, errorOnExist: true });
    }
  } catch (e) {
    await rm(copy, { recursive: true, force: true });
    throw fileAccessError(e, dir, { what: 'run output folder' });
  }
  return copy;
}

/** Moves the copy into the artifact store and lists the sha256 of every file it holds. */
async function pin(artifacts: ArtifactStore, copy: string): Promise<PinnedArtifacts> {
  const ref = await artifacts.putDir(copy, { move: true });
  const root = await artifacts.localPath(ref);
  const files: Record<string, string> = {};
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const paths = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(root.length + 1).split('\\').join('/')).sort();
  for (const path of paths) files[path] = (await hashFile(join(root, path))).sha256;
  return { hash: ref.hash, size: ref.size, files };
}

/** A JSON file of the copy; errors name the file in the run's folder, which is what the user knows. */
async function readJson(copy: string, dir: string, name: string): Promise<Record<string, unknown>> {
  const text = await readFile(join(copy, name), 'utf8');
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    const file = join(dir, name);
    throw new DeeplineError('DL_DATA_FORMAT', `${file} is not valid JSON: ${(e as Error).message}`, { hint: 'rerun the run that wrote it', location: { file } });
  }
}

function notARunFolder(dir: string, missing: string): DeeplineError {
  return new DeeplineError('DL_DATA_MISSING', `${join(dir, missing)} does not exist, so ${dir} cannot be registered`, {
    hint: 'register the output folder (or the id) of a completed deepline run',
    location: { file: join(dir, missing) },
  });
}
