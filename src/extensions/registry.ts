import { DeeplineError } from '../errors/index.ts';
import { didYouMean } from './did-you-mean.ts';

/**
 * A named table of extension entries (readers, model families, templates, ...). Keys are
 * strings; two-part keys are joined as `modality/name` by the caller. Registration is explicit
 * (each folder's `registerBuiltins(registry)`), a duplicate throws, and a miss lists what exists.
 */
export class Registry<T> {
  #entries = new Map<string, T>();
  readonly #deferred: Array<(registry: Registry<T>) => Promise<void>> = [];
  #loading: Promise<this> | undefined;

  /** `what` names the kind of entry in messages, e.g. 'model family'. */
  constructor(readonly what: string) {}

  /**
   * Adds entries when `ready()` is first awaited, ahead of those registered directly: for
   * built-ins whose modules are costly to load (TF.js) and that a cached run never uses.
   */
  defer(loader: (registry: Registry<T>) => Promise<void>): void {
    if (this.#loading) throw new DeeplineError('DL_INTERNAL', `a ${this.what} loader was deferred after the ${this.what}s were loaded`);
    this.#deferred.push(loader);
  }

  /** Runs the deferred loaders once; resolves to this registry. */
  ready(): Promise<this> {
    this.#loading ??= (async () => {
      const direct = [...this.#entries];
      this.#entries = new Map();
      for (const load of this.#deferred) await load(this);
      this.#deferred.length = 0;
      for (const [key, entry] of direct) this.register(key, entry);
      return this;
    })();
    return this.#loading;
  }

  register(key: string, entry: T): void {
    if (this.#entries.has(key)) {
      throw new DeeplineError('DL_INTERNAL', `${this.what} \`${key}\` is already registered`, {
        hint: 'give the extension a unique name',
      });
    }
    this.#entries.set(key, entry);
  }

  has(key: string): boolean {
    this.#checkLoaded();
    return this.#entries.has(key);
  }

  /** The entry for `key`, or a DL_USAGE-style error listing the valid keys (code overridable). */
  get(key: string, code: 'DL_INTERNAL' | 'DL_TASK_FIELD' | 'DL_TASK_TYPE' | 'DL_USAGE' = 'DL_INTERNAL'): T {
    this.#checkLoaded();
    const entry = this.#entries.get(key);
    if (entry !== undefined) return entry;
    const keys = this.keys();
    const suggestion = didYouMean(key, keys);
    throw new DeeplineError(code, `unknown ${this.what} \`${key}\`${suggestion ? ` (did you mean \`${suggestion}\`?)` : ''}`, {
      hint: `valid ${this.what}s: ${keys.join(', ') || '(none registered)'}`,
    });
  }

  keys(): string[] {
    this.#checkLoaded();
    return [...this.#entries.keys()];
  }

  values(): T[] {
    this.#checkLoaded();
    return [...this.#entries.values()];
  }

  #checkLoaded(): void {
    if (this.#deferred.length > 0 && this.#loading === undefined) {
      throw new DeeplineError('DL_INTERNAL', `${this.what}s read before they were loaded`, { hint: 'await registry.ready() first' });
    }
  }
}
