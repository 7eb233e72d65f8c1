import { DeeplineError } from '../../errors/index.ts';
import type { Param, Params } from '../../search/space.ts';
import type { GenomeBase } from '../genome.ts';
import type { FamilySearchSpace } from './family-search-space.ts';
import { trainingSpace } from './training-space.ts';

/** The training parameters every family's space shares (training-space.ts): searched once, for whichever family is chosen. */
const TRAINING = new Set(trainingSpace.params({ batchSizes: [1], epochs: [1, 1] }).map((p) => p.name));

/**
 * One search space over several families of a modality (`search.families`): a categorical
 * `family` parameter, then each family's architecture parameters as `<family>.<name>`, active only
 * when `family` names that family (their own conditions kept, re-pointed at the prefixed
 * parents), and the training parameters once, as the first family's space defines them. A
 * trial's params map back to the chosen family's genome and training, so TPE learns both which
 * family fits and how to set it, and the final ensemble may mix families.
 */
export function familyChoiceSearchSpace(spaces: readonly FamilySearchSpace<GenomeBase>[]): FamilySearchSpace<GenomeBase> {
  if (spaces.length < 2) throw new DeeplineError('DL_INTERNAL', 'a choice of families needs at least two family spaces');
  const names = spaces.map((s) => s.family);
  const withDefault = spaces.find((s) => s.defaultParams !== undefined);
  const byName = new Map(spaces.map((s) => [s.family, s]));
  const chosen = (params: Params): FamilySearchSpace<GenomeBase> => {
    const family = params.family;
    const space = typeof family === 'string' ? byName.get(family) : undefined;
    if (!space) {
      throw new DeeplineError('DL_TASK_FIELD', `search.families: a trial's family must be one of ${names.join(', ')}, but got ${JSON.stringify(family)}`, {
        hint: 'the study was made with other search.families; start a new run (--new)',
        location: { field: 'search.families' },
      });
    }
    return space;
  };
  /** The chosen family's own params: its prefixed ones unprefixed, and the shared training ones. */
  const own = (params: Params): Params => {
    const prefix = `${String(params.family)}.`;
    return Object.fromEntries(
      Object.entries(params).flatMap(([name, value]) => (name.startsWith(prefix) ? [[name.slice(prefix.length), value]] : TRAINING.has(name) ? [[name, value]] : [])),
    );
  };
  return {
    family: names.join('|'),

    space(inputShape, outputs) {
      const training: Param[] = [];
      const architecture: Param[] = [];
      spaces.forEach((space, k) => {
        for (const p of space.space(inputShape, outputs).params) {
          if (TRAINING.has(p.name)) {
            if (k === 0) training.push(p);
            continue;
          }
          const condition = p.condition ? { parent: `${space.family}.${p.condition.parent}`, values: p.condition.values } : { parent: 'family', values: [space.family] };
          architecture.push({ ...p, name: `${space.family}.${p.name}`, condition });
        }
      });
      return { params: [{ name: 'family', kind: 'categorical', choices: [...names] }, ...architecture, ...training] };
    },

    genomeFromParams(params) {
      return chosen(params).genomeFromParams(own(params));
    },

    trainingFromParams(params) {
      return chosen(params).trainingFromParams(own(params));
    },

    // The first named family with a default model: the search still starts from a hand-tuned one.
    ...(withDefault && {
      defaultParams(inputShape, outputs, training) {
        const params = withDefault.defaultParams!(inputShape, outputs, training);
        return { family: withDefault.family, ...Object.fromEntries(Object.entries(params).map(([name, value]) => [TRAINING.has(name) ? name : `${withDefault.family}.${name}`, value])) };
      },
    }),
  };
}
