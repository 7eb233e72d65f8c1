import type { GenomeBase } from '../genome.ts';
import type { FamilySearchSpace } from '../search-spaces/family-search-space.ts';
import { builtinSearchSpaces } from '../search-spaces/builtin-search-spaces.ts';
import { cnnFamily } from './cnn-family.ts';
import type { FamilyRegistry } from './family-registry.ts';
import { mlpFamily } from './mlp-family.ts';
import type { ModelFamily } from './model-family.ts';
import { seriesGruFamily } from './series-gru-family.ts';
import { textConvFamily } from './text-conv-family.ts';
import { textFamily } from './text-family.ts';
import { textRnnFamily } from './text-rnn-family.ts';
import { timeSeriesFamily } from './time-series-family.ts';

/** Registers deepline's own families with their search spaces, exactly as a user's would be. */
export async function registerBuiltins(registry: FamilyRegistry): Promise<void> {
  const families = [mlpFamily, cnnFamily, textFamily, textConvFamily, textRnnFamily, timeSeriesFamily, seriesGruFamily] as ModelFamily<GenomeBase>[];
  for (const family of families) registry.register(family, builtinSearchSpaces.get(family.name) as FamilySearchSpace<GenomeBase> | undefined);
}
