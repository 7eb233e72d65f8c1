/**
 * The catalogue of error codes. `exit` is the CLI exit code: 2 = the user's input or usage is
 * wrong (fix and rerun), 1 = the run itself failed. docs/errors.md documents each code; a test
 * fails when the two disagree.
 */
export const ERROR_CODES = {
  DL_USAGE: { exit: 2, summary: 'bad command-line usage' },
  DL_TASK_FILE: { exit: 2, summary: 'task file missing, unreadable or not valid YAML/JSON' },
  DL_TASK_FIELD: { exit: 2, summary: 'a task-file field is missing, misspelt or has a wrong value' },
  DL_TASK_TYPE: { exit: 2, summary: 'unknown or not-yet-supported task type' },
  DL_DATA_MISSING: { exit: 2, summary: 'a data file or folder does not exist' },
  DL_DATA_FORMAT: { exit: 2, summary: 'a data file is malformed (wrong field count, bad encoding, bad header)' },
  DL_DATA_VALUE: { exit: 2, summary: 'a value in a data file cannot be used (non-numeric in a numeric column, ...)' },
  DL_DATA_TARGET: { exit: 2, summary: 'the target column is missing or unusable (e.g. a single class)' },
  DL_DATA_IMAGE: { exit: 2, summary: 'an image cannot be decoded or has an unexpected shape' },
  DL_FILE_ACCESS: { exit: 2, summary: 'a file or folder cannot be read or written: permission denied, a folder where a file belongs (or the reverse), locked, out of space' },
  DL_DATA_ANOMALY: { exit: 1, summary: 'new data does not match the schema learnt from the training data' },
  DL_RUN_NOT_FOUND: { exit: 2, summary: 'no run with that id in the metadata store' },
  DL_RUN_LOCKED: { exit: 1, summary: 'another process is running this run, or another run publishing to the same output folder' },
  DL_NOT_WRITABLE: { exit: 2, summary: 'the output folder or the workspace cannot be created or written' },
  DL_PIPELINE: { exit: 2, summary: 'a pipeline definition is invalid: bad or duplicate step name, unknown input, cycle' },
  DL_PLUGIN: { exit: 2, summary: 'a plugin module is missing, fails to load, exports no register(context), or its registration failed' },
  DL_ENGINE: { exit: 1, summary: 'the deep-learning engine could not start or a kernel failed' },
  DL_SEARCH: { exit: 1, summary: 'the model search ended without a usable model (every trial failed or broke a constraint)' },
  DL_EXPORT: { exit: 1, summary: 'a model cannot be exported: a layer or activation the exporter does not support' },
  DL_SECURITY_GATE: { exit: 1, summary: 'the model\'s accuracy under attack is below the release gate (security.minRobustAccuracy at security.epsilon)' },
  DL_COMPRESS: { exit: 1, summary: 'the model cannot be compressed as the task asks (nothing to prune), or a compressed file does not load back' },
  DL_GATE: { exit: 1, summary: "a model version fails its task's release gates (`gates:`), so it was not promoted" },
  DL_REGISTRY: { exit: 2, summary: 'no such registered model or version, or a stage change that cannot be made (nothing to roll back to)' },
  DL_DRIFT: { exit: 1, summary: 'deepline monitor found drift: a window of logged traffic differs from the training reference' },
  DL_UI_INPUT: { exit: 2, summary: 'a deepline ui API request has a bad query, path parameter or body field' },
  DL_UI_NOT_FOUND: { exit: 2, summary: 'a deepline ui API request names a study, artifact, file or model that does not exist' },
  DL_UI_FORBIDDEN: { exit: 2, summary: 'a state-changing deepline ui request without --allow-actions or without the per-launch token' },
  DL_PRIOR: { exit: 2, summary: 'a warm-start prior (a prior file or a task recorded in the prior store) is malformed, or `deepline prior` was asked for something it cannot do' },
  DL_STEP_FAILED: { exit: 1, summary: 'a pipeline step failed' },
  DL_STORE: { exit: 1, summary: 'the metadata or artifact store failed' },
  DL_STORE_URL: { exit: 2, summary: 'a store URL (--store, DEEPLINE_STORE_URL or the task file\'s `store:`) is not a PostgreSQL URL deepline can use' },
  DL_INTERNAL: { exit: 1, summary: 'an unexpected internal error (a bug: please report it)' },
} as const satisfies Record<string, { exit: 1 | 2; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
