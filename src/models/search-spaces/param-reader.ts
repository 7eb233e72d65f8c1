import { DeeplineError } from '../../errors/index.ts';
import type { JsonValue, Params } from '../../search/space.ts';

/**
 * Typed reads of one trial's params. A space overridden in a task file may drop or retype a
 * parameter the family needs; this turns that into an error naming the parameter, not a NaN layer.
 */
export class ParamReader {
  readonly #params: Params;
  readonly #family: string;

  constructor(params: Params, family: string) {
    this.#params = params;
    this.#family = family;
  }

  number(name: string): number {
    const v = this.#get(name);
    return typeof v === 'number' && Number.isFinite(v) ? v : this.#bad(name, 'a finite number', v);
  }

  int(name: string): number {
    const v = this.number(name);
    return Number.isInteger(v) ? v : this.#bad(name, 'an integer', v);
  }

  boolean(name: string): boolean {
    const v = this.#get(name);
    return typeof v === 'boolean' ? v : this.#bad(name, 'true or false', v);
  }

  oneOf<T extends string>(name: string, choices: readonly T[]): T {
    const v = this.#get(name);
    return typeof v === 'string' && (choices as readonly string[]).includes(v) ? (v as T) : this.#bad(name, `one of ${choices.join(', ')}`, v);
  }

  #get(name: string): JsonValue {
    if (!Object.hasOwn(this.#params, name)) {
      throw new DeeplineError('DL_TASK_FIELD', `search.space: the ${this.#family} family needs parameter \`${name}\`, but the trial's params lack it`, {
        hint: `keep \`${name}\` in the search space (or its condition's parent) when overriding the ${this.#family} defaults`,
        location: { field: `search.space.${name}` },
      });
    }
    return this.#params[name];
  }

  #bad(name: string, expected: string, got: JsonValue): never {
    throw new DeeplineError('DL_TASK_FIELD', `search.space: parameter \`${name}\` of the ${this.#family} family must be ${expected}, but got ${JSON.stringify(got)}`, {
      hint: `give \`${name}\` values of the expected type in the search space`,
      location: { field: `search.space.${name}` },
    });
  }
}
