import { DeeplineError } from '../../errors/index.ts';
import { didYouMean } from '../../extensions/did-you-mean.ts';
import { Registry } from '../../extensions/registry.ts';
import type { GenomeBase } from '../genome.ts';
import { cnnFamily } from './cnn-family.ts';
import { mlpFamily } from './mlp-family.ts';
import { textConvFamily } from './text-conv-family.ts';
import { textFamily } from './text-family.ts';
import { textRnnFamily } from './text-rnn-family.ts';
import { seriesGruFamily } from './series-gru-family.ts';
import { timeSeriesFamily } from './time-series-family.ts';
import type { Modality, ModelFamily } from './model-family.ts';

/** Model families keyed by (modality, name); the same name may exist for several modalities. */
export class FamilyRegistry {
  readonly #entries = new Registry<ModelFamily<GenomeBase>>('model family');

  /** A registry holding the built-in families, for callers that add none of their own. */
  static withBuiltins(): FamilyRegistry {
    const registry = new FamilyRegistry();
    registerBuiltins(registry);
    return registry;
  }

  /** Throws DL_INTERNAL when (modality, name) is taken. */
  register<G extends GenomeBase>(family: ModelFamily<G>): void {
    this.#entries.register(keyOf(family.modality, family.name), family as ModelFamily<GenomeBase>);
  }

  has(modality: Modality, name: string): boolean {
    return this.#entries.has(keyOf(modality, name));
  }

  /** The family, or DL_TASK_FIELD naming the families valid for this modality. */
  get(modality: Modality, name: string): ModelFamily<GenomeBase> {
    if (this.has(modality, name)) return this.#entries.get(keyOf(modality, name));
    const valid = this.list(modality).map((f) => f.name);
    const suggestion = didYouMean(name, valid);
    throw new DeeplineError(
      'DL_TASK_FIELD',
      `unknown model family \`${name}\` for ${modality} data${suggestion ? ` (did you mean \`${suggestion}\`?)` : ''}; valid: ${valid.join(', ') || '(none registered)'}`,
      { hint: `set model.family to one of: ${['auto', ...valid].join(', ')}`, location: { field: 'model.family' } },
    );
  }

  /** Families for one modality (or all), in registration order. */
  list(modality?: Modality): ModelFamily<GenomeBase>[] {
    return this.#entries.values().filter((f) => modality === undefined || f.modality === modality);
  }
}

/** Registers deepline's own families exactly as a user's extension would be. */
export function registerBuiltins(registry: FamilyRegistry): void {
  registry.register(mlpFamily);
  registry.register(cnnFamily);
  registry.register(textFamily);
  registry.register(textConvFamily);
  registry.register(textRnnFamily);
  registry.register(timeSeriesFamily);
  registry.register(seriesGruFamily);
}

function keyOf(modality: Modality, name: string): string {
  return `${modality}/${name}`;
}
