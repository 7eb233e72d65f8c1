import { DeeplineError } from '../../errors/index.ts';
import type { Params } from '../space.ts';
import type { Study } from '../study.ts';
import type { TrialExecutor, TrialHandle } from './executor.ts';
import type { TrialJob, TrialResult } from './trial-job.ts';

export interface RunTrialsOptions<S> {
  readonly study: Study<S>;
  readonly executor: TrialExecutor;
  /** The job for a trial's sampled parameters (the driver fills in `trialId`). */
  jobFor(trial: { trialId: number; params: Params }): Omit<TrialJob, 'trialId'>;
  /** Trials to start in this call; default: no limit (then give a deadline). */
  readonly maxTrials?: number;
  /** Milliseconds on the `now` clock after which no trial starts and running ones stop after their current epoch. */
  readonly deadline?: number;
  /**
   * The values reported and told to the study from a `[error, latencyMs, params]` vector;
   * default: its first k, for a study of k objectives (declare them as minimised, in that order).
   */
  toValues?(values: readonly number[]): number[];
  /** Milliseconds clock; default `Date.now` (so `deadline` may be `Date.now() + budget`). */
  readonly now?: () => number;
  /** Checked before each new trial starts; false ends the loop once running trials finish. */
  shouldContinue?(): boolean;
  /** Called after each trial's end has been told to the study (for progress display). */
  onTrialEnd?(trialId: number, result: TrialResult): void;
  /** Called after each epoch report has been recorded. */
  onTrialProgress?(trialId: number, epoch: number, values: readonly number[]): void;
}

export interface RunTrialsSummary {
  readonly started: number;
  readonly complete: number;
  readonly pruned: number;
  readonly failed: number;
  /**
   * Trials a hard constraint or their projected time stopped before training, recorded as
   * pruned with the reason: samplers rank them below every trial that reported (as Optuna ranks
   * infeasible trials), so TPE learns to stay away from them.
   */
  readonly rejected: number;
}

/**
 * Drives a study on an executor, keeping every worker busy: ask → submit → report each epoch
 * (stopping the trial when the study's scheduler says so) → tell, until `maxTrials` trials have
 * started or the deadline passes. Budgets are hard: after the deadline no trial starts, and a
 * running one is stopped at its next epoch report and told as complete with its best epoch's
 * values (pruned if it never reported an epoch). Nor does a trial start once the time left is no
 * more than the shortest any trial has taken to reach its first rung (`minEpochs` epochs) since
 * it started: it could not be ranked, only rejected or cut short, and the bursts of such trials
 * near a deadline kept workers from the trials still running. The cheapest rung is a floor: the
 * sampler may keep drawing slower models, each rejected for the time left a second after it
 * starts (12 in a row at the end of a Fashion-MNIST search), so after LATE_REJECTIONS in a row
 * none starts either.
 */
export const LATE_REJECTIONS = 2;

export async function runTrials<S>(options: RunTrialsOptions<S>): Promise<RunTrialsSummary> {
  const { study, executor } = options;
  if (options.maxTrials === undefined && options.deadline === undefined) {
    throw new DeeplineError('DL_INTERNAL', 'runTrials needs maxTrials or a deadline, or it would never end');
  }
  const now = options.now ?? Date.now;
  const k = study.record.objectives.length;
  const toValues = options.toValues ?? ((v: readonly number[]) => v.slice(0, k));
  const late = (): boolean => options.deadline !== undefined && now() >= options.deadline;
  const summary = { started: 0, complete: 0, pruned: 0, failed: 0, rejected: 0 };
  // The shortest time any trial took from its start to its first rung (its job's minEpochs): a
  // trial started with less time left than that would only be rejected or cut short unranked.
  let cheapestFirstRungMs = Number.POSITIVE_INFINITY;
  // Trials rejected in a row for the time the search had left; one that reaches its first rung ends the run of them.
  let lateRejections = 0;
  const active = new Set<Promise<void>>();

  const runOne = async (): Promise<void> => {
    const { trialId, params } = await study.ask();
    let job: TrialJob;
    try {
      job = { ...options.jobFor({ trialId, params }), trialId };
    } catch (e) {
      // Recorded first, so the study is not left with a trial that stays running.
      await study.tell(trialId, { state: 'failed', error: `jobFor threw: ${(e as Error).message}` });
      throw e;
    }
    let prunedAt: number | undefined;
    // A trial stopped by the deadline rather than by the scheduler is not a loser: it is told
    // as complete with its best epoch's values, as fitModel's own time budget would have ended it.
    let stoppedByDeadline = false;
    let bestReported: number[] | undefined;
    let reportError: unknown;
    // Reports go to the study in epoch order, one at a time, whatever the IPC timing.
    let reports: Promise<unknown> = Promise.resolve();
    const submittedAt = now();
    let startedAt = submittedAt;
    const firstRung = job.minEpochs ?? 1;
    const handle: TrialHandle = executor.submit(
      job,
      {
        onStart() {
          startedAt = now();
        },
        onProgress(progress) {
          if (progress.epoch === firstRung) {
            cheapestFirstRungMs = Math.min(cheapestFirstRungMs, now() - startedAt);
            lateRejections = 0;
          }
          reports = reports.then(async () => {
            if (prunedAt !== undefined) return;
            const values = toValues(progress.values);
            const { stop } = await study.report(trialId, progress.epoch, values);
            if (values.every(Number.isFinite) && (bestReported === undefined || values[0] < bestReported[0])) bestReported = values;
            options.onTrialProgress?.(trialId, progress.epoch, progress.values);
            if (stop || late()) {
              stoppedByDeadline = !stop;
              prunedAt = progress.epoch;
              handle.stop();
            }
          }).catch((e: unknown) => {
            // The trial cannot be recorded any further, so it must not go on using a worker.
            reportError ??= e;
            prunedAt ??= progress.epoch;
            handle.stop();
          });
        },
      },
    );
    const result = await handle.result;
    await reports;
    if (reportError !== undefined) {
      summary.failed++;
      await study.tell(trialId, { state: 'failed', error: `recording its progress failed: ${(reportError as Error).message}` });
      return;
    }
    // A cross-validated trial reports its first fold's epochs: cut short, it has no value comparable with the others' mean over folds.
    if (stoppedByDeadline && bestReported && result.state !== 'failed' && !job.crossValidation) {
      summary.complete++;
      await study.tell(trialId, bestReported);
    } else if (result.state === 'rejected' && tooSlowForDeadline(job, result, submittedAt)) {
      // The clock's doing as much as the model's: told as failed, which samplers ignore, so a
      // good configuration drawn late is not ranked with the infeasible ones. Trials go on
      // starting: a smaller model may still fit in the time left.
      summary.rejected++;
      lateRejections++;
      const left = Math.max(0, (options.deadline! - submittedAt) / 1000);
      await study.tell(trialId, { state: 'failed', error: `rejected: the search had ${left.toFixed(0)} s left, too little for its first epochs (${result.error?.replace(/^rejected: /, '')})`, rejectedFor: 'time' });
    } else {
      await tellResult(trialId, result, prunedAt !== undefined);
    }
    options.onTrialEnd?.(trialId, result);
  };

  const tellResult = async (trialId: number, result: TrialResult, pruned: boolean): Promise<void> => {
    if (result.state === 'rejected') {
      summary.rejected++;
      await study.tell(trialId, { state: 'pruned', error: result.error ?? 'rejected by a constraint', rejectedFor: result.rejectedFor ?? 'constraint' });
    } else if (result.state === 'failed') {
      summary.failed++;
      await study.tell(trialId, { state: 'failed', error: result.error ?? 'the trial failed' });
    } else if (result.state === 'stopped' || pruned) {
      summary.pruned++;
      await study.tell(trialId, { state: 'pruned' });
    } else {
      summary.complete++;
      await study.tell(trialId, toValues(result.values!));
    }
  };

  const tooSlowForDeadline = (job: TrialJob, result: TrialResult, submittedAt: number): boolean =>
    options.deadline !== undefined && job.timeBudgetMs !== undefined && result.rejectedFor === 'time' && job.timeBudgetMs >= options.deadline - submittedAt - 1000;
  const timeForARung = (): boolean =>
    options.deadline === undefined || (lateRejections < LATE_REJECTIONS && (!Number.isFinite(cheapestFirstRungMs) || options.deadline - now() > cheapestFirstRungMs));
  const more = (): boolean =>
    (options.maxTrials === undefined || summary.started < options.maxTrials) && !late() && timeForARung() && (options.shouldContinue?.() ?? true);
  let failure: unknown;
  while (failure === undefined) {
    while (active.size < executor.size && more()) {
      summary.started++;
      const run = runOne()
        .catch((e: unknown) => {
          failure ??= e;
        })
        .finally(() => active.delete(run));
      active.add(run);
    }
    if (active.size === 0) break;
    await Promise.race(active);
  }
  await Promise.all(active);
  if (failure !== undefined) throw failure;
  return summary;
}
