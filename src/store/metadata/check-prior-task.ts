import { DeeplineError } from '../../errors/index.ts';
import type { NewPriorTask } from './prior-store.ts';

const NUMERIC_FEATURES = ['rows', 'features', 'classes', 'classEntropy', 'minorityRatio', 'skewness', 'kurtosis', 'binaryShare', 'sparsity', 'landmarker'] as const;

/**
 * Throws DL_PRIOR naming the field when a prior task cannot seed a search: no configurations, a
 * non-finite error or meta-feature, a missing name or family. `where` names the record
 * (`prior task "x"`, or a file and index) in the message.
 */
export function checkPriorTask(task: NewPriorTask, where: string): void {
  const fail = (field: string, problem: string): never => {
    throw new DeeplineError('DL_PRIOR', `${where}: ${field} ${problem}`, {
      hint: 'a prior task needs a name, a family, finite meta-features and at least one configuration with a finite error; rebuild the file with `deepline prior build`',
      location: { field },
    });
  };
  if (typeof task.name !== 'string' || task.name.length === 0) fail('name', 'must be a non-empty string');
  if (typeof task.family !== 'string' || task.family.length === 0) fail('family', 'must be a non-empty string');
  if (!Array.isArray(task.configs) || task.configs.length === 0) fail('configs', 'must hold at least one configuration, but is empty');
  task.configs.forEach((c, i) => {
    if (typeof c?.error !== 'number' || !Number.isFinite(c.error)) fail(`configs[${i}].error`, `must be a finite number, but got ${JSON.stringify(c?.error)}`);
    if (typeof c.params !== 'object' || c.params === null || Array.isArray(c.params)) fail(`configs[${i}].params`, 'must be an object of parameter → value');
  });
  const features = task.metaFeatures as unknown as Record<string, unknown> | undefined;
  if (typeof features !== 'object' || features === null) return fail('metaFeatures', 'must be an object');
  if (typeof features.modality !== 'string') fail('metaFeatures.modality', `must be a string, but got ${JSON.stringify(features.modality)}`);
  if (features.targetKind !== 'class' && features.targetKind !== 'numeric') fail('metaFeatures.targetKind', `must be "class" or "numeric", but got ${JSON.stringify(features.targetKind)}`);
  for (const key of NUMERIC_FEATURES) {
    const v = features[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`metaFeatures.${key}`, `must be a finite number, but got ${JSON.stringify(v)}`);
  }
}
