import type { NewPriorTask } from '../../store/metadata/prior-store.ts';
import type { StudySummary } from '../study-summary.ts';
import { bestConfigs } from './warm-start-search.ts';

/**
 * The prior-store record of a finished search, from its study summary (`deepline prior update`):
 * undefined when the summary predates meta-features or no trial completed.
 */
export function priorTaskOfStudy(summary: StudySummary, label: string): NewPriorTask | undefined {
  const metaFeatures = summary.warmStart?.metaFeatures;
  if (!metaFeatures) return undefined;
  const configs = bestConfigs(summary.trials.map((t) => ({ state: t.state, params: t.params, ...(t.values && { values: t.values }) })));
  if (configs.length === 0) return undefined;
  return { name: summary.name, label, family: summary.family, metaFeatures, errorName: summary.errorName, configs };
}
