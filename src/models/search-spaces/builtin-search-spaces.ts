import type { GenomeBase } from '../genome.ts';
import { cnnSearchSpace } from './cnn-search-space.ts';
import type { FamilySearchSpace } from './family-search-space.ts';
import { mlpSearchSpace } from './mlp-search-space.ts';
import { seriesCnnSearchSpace } from './series-cnn-search-space.ts';
import { seriesGruSearchSpace } from './series-gru-search-space.ts';
import { textConvSearchSpace } from './text-conv-search-space.ts';
import { textPoolSearchSpace } from './text-pool-search-space.ts';
import { textRnnSearchSpace } from './text-rnn-search-space.ts';

/** The default search space of each built-in family, keyed by family name (names are unique across modalities today). */
export const builtinSearchSpaces: ReadonlyMap<string, FamilySearchSpace<GenomeBase>> = new Map(
  [mlpSearchSpace, cnnSearchSpace, textPoolSearchSpace, textConvSearchSpace, textRnnSearchSpace, seriesCnnSearchSpace, seriesGruSearchSpace].map((s): [string, FamilySearchSpace<GenomeBase>] => [s.family, s]),
);
