import { DeeplineError } from '../errors/index.ts';

/**
 * A registered model's name: it names a served model (`/v1/models/<name>/predict`) and is what
 * `deepline serve <name>@<stage>` parses, so it holds no `@`, `=` or `/`.
 */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Throws DL_REGISTRY for a name the registry does not take. */
export function checkModelName(name: string): void {
  if (!MODEL_NAME_PATTERN.test(name)) {
    throw new DeeplineError('DL_REGISTRY', `${JSON.stringify(name)} cannot name a registered model`, {
      hint: 'use letters, digits, dot, dash and underscore (up to 64), starting with a letter or digit',
    });
  }
}
