import { join } from 'node:path';
import type { Engine, EngineName, ResolvedEngine } from '../engine/engine.ts';
import type { ThreadSetting } from '../engine/native/native-threads.ts';
import { probeEngine } from '../engine/probe-engine.ts';
import type { ExecutorOptions } from '../search/executors/executor-entry.ts';
import type { TrialExecutor } from '../search/executors/executor.ts';
import { SqliteStudyStore } from '../store/metadata/sqlite-study-store.ts';
import { SqlitePriorStore } from '../store/metadata/sqlite-prior-store.ts';
import type { PriorStore } from '../store/metadata/prior-store.ts';
import type { StudyStore } from '../store/metadata/study-store.ts';
import { loadPlugins } from './load-plugins.ts';
import { createRegistries, type Registries } from './registries.ts';

/** The engine a run uses: its name known at once, started on first need (a cached run never does). */
export interface RunEngine {
  readonly requested: EngineName;
  /** What `start()` is expected to give (`auto` resolved without loading TF.js). */
  readonly name: ResolvedEngine;
  /** Starts the engine once; later calls return the same one. */
  start(): Promise<Engine>;
}

/**
 * Everything a run's steps and trial workers reach besides their inputs: the registries (the
 * built-ins, then the plugins'), the study store, the trial executor and the engine. Built once
 * per run by `createDefaultContext`; nothing else constructs a registry, a store or an executor,
 * so a plugin's entries reach every part of `deepline run`.
 */
export interface DeeplineContext {
  readonly registries: Registries;
  /** Absolute paths of the plugin modules loaded, in order: trial workers load the same ones. */
  readonly plugins: readonly string[];
  readonly engine: RunEngine;
  /** The workspace's study store (its metadata.db); opened on first use. */
  studies(): StudyStore;
  /** The workspace's past tasks that warm-start new searches (its metadata.db); opened on first use. */
  priors(): PriorStore;
  /**
   * A new trial executor of the kind named (default: `bullmq` when DEEPLINE_REDIS_URL is set,
   * else `local`), loading this context's plugins.
   */
  createExecutor(options: Omit<ExecutorOptions, 'plugins'>, kind?: string): Promise<TrialExecutor>;
  /** Closes what the context opened (the study and prior stores). */
  close(): Promise<void>;
}

export interface ContextOptions {
  /** Absolute paths of plugin modules, loaded in order after the built-ins. */
  readonly plugins?: readonly string[];
  /** Registries already holding the plugins (e.g. those the task file was validated with). */
  readonly registries?: Registries;
  /** The workspace folder (`.deepline/`), where the study store lives. */
  readonly home?: string;
  /**
   * The workspace's study store when it is opened already (`openWorkspace`: PostgreSQL's when the
   * workspace lives there); the context uses it and leaves closing it to the workspace.
   */
  readonly studies?: StudyStore;
  readonly engine?: EngineName;
  /** Receives the engine's one-time notice (its fallback to a slower engine). */
  readonly notify?: (message: string) => void;
  /** Threads for the native engine; default `auto` up to all cores (see EngineOptions.threads). */
  readonly threads?: ThreadSetting;
}

/** The run context of deepline's built-ins plus the given plugins. */
export async function createDefaultContext(options: ContextOptions = {}): Promise<DeeplineContext> {
  const plugins = options.plugins ?? [];
  const registries = options.registries ?? createRegistries();
  if (!options.registries) await loadPlugins(plugins, { registries });
  const requested = options.engine ?? 'auto';
  let engine: Promise<Engine> | undefined;
  let studies: StudyStore | undefined;
  let priors: PriorStore | undefined;
  return Object.freeze({
    registries,
    plugins: Object.freeze([...plugins]),
    engine: Object.freeze({
      requested,
      name: probeEngine(requested),
      start(): Promise<Engine> {
        engine ??= import('../engine/engine.ts').then(({ initEngine }) =>
          initEngine(requested, { ...(options.notify && { notify: options.notify }), ...(options.threads !== undefined && { threads: options.threads }) }),
        );
        return engine;
      },
    }),
    studies(): StudyStore {
      if (options.studies) return options.studies;
      studies ??= new SqliteStudyStore(join(options.home ?? '.deepline', 'metadata.db'));
      return studies;
    },
    priors(): PriorStore {
      priors ??= new SqlitePriorStore(join(options.home ?? '.deepline', 'metadata.db'));
      return priors;
    },
    async createExecutor(executorOptions: Omit<ExecutorOptions, 'plugins'>, kind = process.env.DEEPLINE_REDIS_URL ? 'bullmq' : 'local'): Promise<TrialExecutor> {
      return registries.executors.get(kind, 'DL_TASK_FIELD').create({ ...executorOptions, plugins });
    },
    async close(): Promise<void> {
      await studies?.close();
      studies = undefined;
      await priors?.close();
      priors = undefined;
    },
  });
}
