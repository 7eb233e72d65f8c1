import { DeeplineError, type ErrorCode, type ErrorLocation } from '../errors/index.ts';

/** One located problem in a task: `task.yaml:12:3 data.target: expected a string, but got 5`. */
export interface TaskIssue {
  readonly code: ErrorCode;
  /** Dotted field path, e.g. `data.target` or `data.classes[2]`. */
  readonly field: string;
  /** What is wrong, without the location. */
  readonly problem: string;
  /** File, line and column where known; always `field`. */
  readonly location: ErrorLocation;
}

/**
 * Every problem found in a task at once, so the user fixes them in one pass rather than one
 * rerun per typo. The message has one line per issue, each starting with its own
 * `file:line:col`; `location` and `code` are those of the first issue in file order.
 */
export class TaskSpecError extends DeeplineError {
  readonly issues: readonly TaskIssue[];

  constructor(issues: readonly TaskIssue[], hint?: string) {
    if (issues.length === 0) throw new RangeError('TaskSpecError needs at least one issue');
    const sorted = [...issues].sort(byPosition);
    super(sorted[0].code, sorted.map(formatIssue).join('\n'), {
      hint: hint ?? defaultHint(sorted[0].code),
      location: sorted[0].location,
    });
    this.name = 'TaskSpecError';
    this.issues = sorted;
  }
}

export function formatIssue(issue: TaskIssue): string {
  const where = DeeplineError.formatLocation(issue.location);
  return `${where ? `${where} ` : ''}${issue.field}: ${issue.problem}`;
}

function defaultHint(code: ErrorCode): string {
  if (code === 'DL_TASK_TYPE') return 'set `task` to one of the supported task types listed; docs/task-file.md describes each';
  return 'change the fields named at the lines shown; docs/task-file.md lists every field with its allowed values';
}

/** File order; issues without a line (command-line values) first, as they were given first. */
function byPosition(a: TaskIssue, b: TaskIssue): number {
  return (a.location.line ?? 0) - (b.location.line ?? 0) || (a.location.column ?? 0) - (b.location.column ?? 0);
}
