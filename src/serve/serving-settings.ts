import { join } from 'node:path';
import { modelFingerprint } from '../deploy/target-bench/model-fingerprint.ts';
import { readServingConfig, SERVING_FILE, type ServingEngine } from '../deploy/target-bench/serving-config.ts';

/** How one model is served. */
export interface ServingSettings {
  readonly engine: ServingEngine;
  readonly maxBatch: number;
  readonly maxWaitMs: number;
  readonly threads: number;
}

/** What `deepline serve` does when neither its command line nor a serving.json says. */
export const SERVE_DEFAULTS: ServingSettings = Object.freeze({ engine: 'onnx', maxBatch: 32, maxWaitMs: 0, threads: 1 });

/** Where a setting came from: the command line, the model's serving.json, or SERVE_DEFAULTS. */
export type SettingSource = 'option' | 'serving.json' | 'default';

export interface ResolvedServingSettings {
  readonly settings: ServingSettings;
  readonly sources: { readonly [K in keyof ServingSettings]: SettingSource };
  /** The serving.json used, if any. */
  readonly file?: string;
  /** Why a serving.json present was not used. */
  readonly ignored?: string;
}

/**
 * A model's serving settings: each one given explicitly wins, then the folder's serving.json
 * (written by `deepline bench-target`, when it was measured on the model the folder holds now),
 * then SERVE_DEFAULTS.
 */
export async function resolveServingSettings(dir: string, given: Partial<ServingSettings>): Promise<ResolvedServingSettings> {
  const config = await readServingConfig(dir);
  const file = join(dir, SERVING_FILE);
  const stale = config !== undefined && config.modelSha256 !== (await modelFingerprint(dir));
  const chosen = config && !stale ? config : undefined;
  const pick = <K extends keyof ServingSettings>(key: K): [ServingSettings[K], SettingSource] =>
    given[key] !== undefined ? [given[key]!, 'option'] : chosen ? [chosen[key], 'serving.json'] : [SERVE_DEFAULTS[key], 'default'];
  const [engine, engineFrom] = pick('engine');
  const [maxBatch, maxBatchFrom] = pick('maxBatch');
  const [maxWaitMs, maxWaitMsFrom] = pick('maxWaitMs');
  const [threads, threadsFrom] = pick('threads');
  return {
    settings: { engine, maxBatch, maxWaitMs, threads },
    sources: { engine: engineFrom, maxBatch: maxBatchFrom, maxWaitMs: maxWaitMsFrom, threads: threadsFrom },
    ...(chosen && { file }),
    ...(stale && { ignored: `${file} was measured on another model than the folder holds now (it was retrained since)` }),
  };
}
