export { DeeplineError, isDeeplineError, type ErrorLocation, type DeeplineErrorOptions } from './deepline-error.ts';
export { ERROR_CODES, type ErrorCode } from './codes.ts';
