import { ERROR_CODES, type ErrorCode } from './codes.ts';

/** Where a problem is: any of file, line/column, row, field path, value. */
export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
  /** 1-based data row (not counting the header), for data files. */
  row?: number;
  /** Dotted field path in a task file, or a column name in a data file. */
  field?: string;
}

export interface DeeplineErrorOptions {
  hint?: string;
  location?: ErrorLocation;
  cause?: unknown;
}

/**
 * The one error type users see. `code` is stable (see docs/errors.md), `message` names the
 * file/line/field/value and what was expected, `hint` says what to do about it.
 */
export class DeeplineError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly location?: ErrorLocation;

  constructor(code: ErrorCode, message: string, options: DeeplineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeeplineError';
    this.code = code;
    this.hint = options.hint;
    this.location = options.location;
  }

  /** Process exit code for this error: 2 for bad input or usage, 1 for a failed run. */
  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  /** `file:line:col` (or `file row N`) prefix, or '' when the error has no location. */
  static formatLocation(loc: ErrorLocation | undefined): string {
    if (!loc?.file) return '';
    if (loc.line !== undefined) return `${loc.file}:${loc.line}${loc.column !== undefined ? `:${loc.column}` : ''}`;
    if (loc.row !== undefined) return `${loc.file} row ${loc.row}`;
    return loc.file;
  }
}

export function isDeeplineError(e: unknown): e is DeeplineError {
  return e instanceof DeeplineError;
}
