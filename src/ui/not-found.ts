import { DeeplineError } from '../errors/index.ts';

/** A 404 (DL_UI_NOT_FOUND) for something the workspace does not hold, with what to look at instead. */
export function notFound(message: string, hint: string): DeeplineError {
  return new DeeplineError('DL_UI_NOT_FOUND', message, { hint });
}
