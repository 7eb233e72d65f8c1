export { DeeplineError, isDeeplineError, type ErrorLocation, type DeeplineErrorOptions } from './deepline-error.ts';
export { ERROR_CODES, type ErrorCode } from './codes.ts';
export { fileAccessError, type FileAccessOptions } from './file-access-error.ts';
export { isFileSystemError, type FileSystemError } from './is-file-system-error.ts';
