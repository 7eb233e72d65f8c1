import { DeeplineError } from '../errors/index.ts';
import { didYouMean } from './did-you-mean.ts';

/**
 * A named table of extension entries (readers, model families, templates, ...). Keys are
 * strings; two-part keys are joined as `modality/name` by the caller. Registration is explicit
 * (each folder's `registerBuiltins(registry)`), a duplicate throws, and a miss lists what exists.
 */
export class Registry<T> {
  readonly #entries = new Map<string, T>();

  /** `what` names the kind of entry in messages, e.g. 'model family'. */
  constructor(readonly what: string) {}

  register(key: string, entry: T): void {
    if (this.#entries.has(key)) {
      throw new DeeplineError('DL_INTERNAL', `${this.what} \`${key}\` is already registered`, {
        hint: 'give the extension a unique name',
      });
    }
    this.#entries.set(key, entry);
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** The entry for `key`, or a DL_USAGE-style error listing the valid keys (code overridable). */
  get(key: string, code: 'DL_INTERNAL' | 'DL_TASK_FIELD' | 'DL_TASK_TYPE' | 'DL_USAGE' = 'DL_INTERNAL'): T {
    const entry = this.#entries.get(key);
    if (entry !== undefined) return entry;
    const keys = this.keys();
    const suggestion = didYouMean(key, keys);
    throw new DeeplineError(code, `unknown ${this.what} \`${key}\`${suggestion ? ` (did you mean \`${suggestion}\`?)` : ''}`, {
      hint: `valid ${this.what}s: ${keys.join(', ') || '(none registered)'}`,
    });
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  values(): T[] {
    return [...this.#entries.values()];
  }
}
