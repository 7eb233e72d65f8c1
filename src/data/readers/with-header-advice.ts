import { DeeplineError } from '../../errors/index.ts';
import type { HeaderGuess } from './detect-header-line.ts';

/**
 * `error`, raised while reading a table's header or first rows, with the header detectHeaderLine
 * sees named: "the header seems to be on line N: set data.header: N". Unchanged when there is no
 * guess, when the header was read from that line already, or when the error lies further down.
 */
export function withHeaderAdvice(error: unknown, guess: HeaderGuess | undefined, headerLine: number): unknown {
  if (!(error instanceof DeeplineError) || guess === undefined || guess.line === headerLine) return error;
  if (error.code !== 'DL_DATA_TARGET' && error.code !== 'DL_DATA_FORMAT') return error;
  const line = error.location?.line;
  // A bad row far below is that row's problem, not the header's.
  if (line !== undefined && line > Math.max(guess.line, headerLine) + 1) return error;
  return new DeeplineError(error.code, `${error.message}; the header seems to be on line ${guess.line}: set data.header: ${guess.line}`, {
    hint: `${guess.reason}; data.header: ${guess.line} reads the table from that line${error.hint ? ` (otherwise: ${error.hint})` : ''}`,
    ...(error.location !== undefined && { location: error.location }),
    cause: error,
  });
}
