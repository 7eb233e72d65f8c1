import { DeeplineError } from '../errors/index.ts';
import type { ModelRegistryStore, ModelVersion, ServingStage } from './model-registry-store.ts';
import { MODEL_NAME_PATTERN } from './model-name.ts';

/** A registered model as a command names it: `iris` (its production version), `iris@staging`, `iris@3`. */
export interface ModelRef {
  readonly model: string;
  /** The stage it follows; absent when a version number was given. */
  readonly stage?: ServingStage;
  readonly version?: number;
}

const REF = /^([^@]+)(?:@(production|staging|\d+))?$/;

/** Parses `name`, `name@production`, `name@staging` or `name@<version>`; undefined when `text` is none of those. */
export function parseModelRef(text: string): ModelRef | undefined {
  const match = REF.exec(text);
  if (!match || !MODEL_NAME_PATTERN.test(match[1]!)) return undefined;
  const at = match[2] ?? 'production';
  return /^\d+$/.test(at) ? { model: match[1]!, version: Number(at) } : { model: match[1]!, stage: at as ServingStage };
}

/** The version a reference names now; DL_REGISTRY when there is none. */
export async function resolveModelRef(registry: ModelRegistryStore, ref: ModelRef): Promise<ModelVersion> {
  if (ref.version !== undefined) {
    const found = await registry.getVersion(ref.model, ref.version);
    if (found) return found;
    const versions = (await registry.getModel(ref.model))?.versions;
    throw new DeeplineError('DL_REGISTRY', versions ? `${ref.model} has no version ${ref.version} (it has versions 1 to ${versions})` : `no model named ${JSON.stringify(ref.model)} in the registry`, {
      hint: `\`deepline registry ${versions ? `show ${ref.model}` : 'list'}\` shows what is registered`,
    });
  }
  const stage = ref.stage ?? 'production';
  const found = await registry.versionInStage(ref.model, stage);
  if (found) return found;
  const model = await registry.getModel(ref.model);
  throw new DeeplineError('DL_REGISTRY', model ? `${ref.model} has no version in ${stage} (it has ${model.versions} version${model.versions === 1 ? '' : 's'})` : `no model named ${JSON.stringify(ref.model)} in the registry`, {
    hint: model ? `promote one: deepline registry promote ${ref.model} <version>${stage === 'staging' ? ' --stage staging' : ''}` : 'register a run first: deepline registry register <run-id or folder> --name <model>',
  });
}
