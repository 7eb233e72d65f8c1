import { DeeplineError } from '../../errors/index.ts';
import { didYouMean } from '../../extensions/did-you-mean.ts';
import { Registry } from '../../extensions/registry.ts';
import type { GenomeBase } from '../genome.ts';
import type { FamilySearchSpace } from '../search-spaces/family-search-space.ts';
import type { Modality, ModelFamily } from './model-family.ts';

/** Registers families (with their search spaces) into a registry; may import their TF.js code. */
export type FamilyLoader = (registry: FamilyRegistry) => Promise<void>;

/**
 * Model families keyed by (modality, name), each with its default search space when it has one;
 * the same name may exist for several modalities. Built-in families are registered through a
 * deferred loader (their modules import TF.js, which a cached run never needs): `await ready()`
 * before reading, and the deferred families come first, so `auto` still picks a built-in.
 */
export class FamilyRegistry {
  #entries = new Registry<ModelFamily<GenomeBase>>('model family');
  readonly #spaces = new Map<string, FamilySearchSpace<GenomeBase>>();
  readonly #deferred: FamilyLoader[] = [];
  #loading: Promise<this> | undefined;

  /** Throws DL_INTERNAL when (modality, name) is taken. `space` is the family's default search space. */
  register<G extends GenomeBase>(family: ModelFamily<G>, space?: FamilySearchSpace<G>): void {
    this.#entries.register(keyOf(family.modality, family.name), family as ModelFamily<GenomeBase>);
    if (space) this.#spaces.set(family.name, space as unknown as FamilySearchSpace<GenomeBase>);
  }

  /** Adds families when `ready()` is first awaited, ahead of those registered directly. */
  defer(loader: FamilyLoader): void {
    if (this.#loading) throw new DeeplineError('DL_INTERNAL', 'a family loader was deferred after the families were loaded');
    this.#deferred.push(loader);
  }

  /** Runs the deferred loaders once; resolves to this registry. */
  ready(): Promise<this> {
    this.#loading ??= (async () => {
      const direct = this.#entries.values();
      this.#entries = new Registry<ModelFamily<GenomeBase>>('model family');
      for (const load of this.#deferred) await load(this);
      for (const family of direct) this.#entries.register(keyOf(family.modality, family.name), family);
      this.#deferred.length = 0;
      return this;
    })();
    return this.#loading;
  }

  has(modality: Modality, name: string): boolean {
    this.#checkLoaded();
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

  /** Families for one modality (or all), deferred ones first, each group in registration order. */
  list(modality?: Modality): ModelFamily<GenomeBase>[] {
    this.#checkLoaded();
    return this.#entries.values().filter((f) => modality === undefined || f.modality === modality);
  }

  /** The default search space of the family named `family`, if it registered one. */
  searchSpace(family: string): FamilySearchSpace<GenomeBase> | undefined {
    this.#checkLoaded();
    return this.#spaces.get(family);
  }

  /** Names of the families that have a search space, in registration order. */
  searchable(): string[] {
    this.#checkLoaded();
    return [...this.#spaces.keys()];
  }

  #checkLoaded(): void {
    if (this.#deferred.length > 0) {
      throw new DeeplineError('DL_INTERNAL', 'model families read before they were loaded', { hint: 'await registry.ready() first' });
    }
  }
}

function keyOf(modality: Modality, name: string): string {
  return `${modality}/${name}`;
}
