import { createSeededRandom, type SeededRandom } from '../seed/seeded-random.ts';
import { DeeplineError } from '../errors/index.ts';
import { deriveSeed } from '../seed/derive-seed.ts';
import type { RejectReason, StoredTrial, StudyObjective, StudyRecord, StudyStore } from '../store/metadata/study-store.ts';
import { nonDominatedSort, pickByPreference, type ParetoPreference } from './pareto.ts';
import type { Scheduler } from './schedulers/scheduler.ts';
import type { Params } from './space.ts';
import type { TrialRecord } from './trial.ts';

/**
 * What the study needs of a sampler: parameters for the next trial from the history so far. The
 * history it is given is in trial order with every objective turned into "lower is better"
 * (maximised objectives negated, in `value`, `values` and `intermediate`), so samplers never
 * need to know the directions.
 */
export interface StudySampler<S> {
  sample(space: S, history: readonly TrialRecord[], rng: SeededRandom): Params;
}

export interface OpenStudyOptions<S> {
  readonly store: StudyStore;
  readonly name: string;
  readonly space: S;
  readonly sampler: StudySampler<S>;
  readonly scheduler?: Scheduler;
  /** How `best()` chooses among the Pareto front; default: lexicographic in objective order. */
  readonly preference?: ParetoPreference;
}

export interface CreateStudyOptions<S> extends OpenStudyOptions<S> {
  readonly objectives: readonly StudyObjective[];
  readonly seed: number;
}

/** A trial's final result: its objective value(s), or how it ended without one. */
export type TellResult = number | readonly number[] | { readonly state: 'pruned' | 'failed'; readonly error?: string; readonly rejectedFor?: RejectReason };

/**
 * An optimisation study driven by ask / report / tell, so local workers, queue workers and the
 * dashboard can all run trials. The study is an orchestrator: the sampler proposes, the
 * scheduler stops, the store remembers. Every call is written to the store before it returns,
 * and the study keeps no other state, so a process that dies loses at most the trial in flight.
 * Calls on one Study object are serialised, so concurrent `ask()`s never hand out the same
 * re-queued trial.
 */
export class Study<S> {
  private queue: Promise<unknown> = Promise.resolve();

  /** Use createStudy or loadStudy. */
  constructor(
    private readonly options: OpenStudyOptions<S>,
    readonly record: StudyRecord,
  ) {
    if (options.scheduler && record.objectives.length > 1 && !options.scheduler.multiObjective) {
      throw new DeeplineError('DL_INTERNAL', `the ${options.scheduler.name} scheduler ranks one objective, but study "${record.name}" has ${record.objectives.length}`, {
        hint: 'use a scheduler that ranks several objectives, such as asha',
      });
    }
  }

  get name(): string {
    return this.record.name;
  }

  /**
   * The next trial to run. A trial interrupted by a dead process is handed out again first (a new
   * trial with the same parameters, `retryOf` naming the interrupted one), oldest first; otherwise
   * the sampler proposes from the recorded history, with a random stream seeded from (study seed,
   * number of trials so far): a proposal depends only on what the store holds, never on which
   * process asks, so a resumed study carries on as if it had not stopped.
   */
  ask(): Promise<{ trialId: number; params: Params }> {
    return this.serial(async () => {
      const trials = await this.options.store.listTrials(this.name);
      const retried = new Set(trials.map((t) => t.retryOf).filter((id) => id !== undefined));
      const pending = trials.find((t) => t.interrupted && !retried.has(t.id));
      if (pending) {
        const trial = await this.options.store.addTrial(this.name, { params: { ...pending.params }, retryOf: pending.id });
        return { trialId: trial.id, params: trial.params };
      }
      const rng = createSeededRandom(deriveSeed(this.record.seed, `trial-${trials.length}`));
      const params = this.options.sampler.sample(this.options.space, trials.map((t) => this.minimised(t)), rng);
      const trial = await this.options.store.addTrial(this.name, { params });
      return { trialId: trial.id, params: trial.params };
    });
  }

  /**
   * Records an intermediate result (one value per objective) at `step` (epochs, or any
   * increasing resource) and asks the scheduler whether to stop. On `stop`, the caller ends the
   * trial with `tell(id, { state: 'pruned' })`. A non-finite value always stops it.
   */
  report(trialId: number, step: number, values: number | readonly number[]): Promise<{ stop: boolean }> {
    return this.serial(async () => {
      const vector = this.vector(values);
      const before = await this.running(trialId);
      const last = before.intermediate?.at(-1)?.step;
      if (!Number.isFinite(step) || (last !== undefined && step <= last)) {
        throw new DeeplineError('DL_INTERNAL', `trial ${trialId} reported step ${step} after step ${last}: steps must increase`);
      }
      await this.options.store.appendIntermediate(trialId, step, vector);
      if (vector.some((v) => !Number.isFinite(v))) return { stop: true };
      const scheduler = this.options.scheduler;
      if (!scheduler) return { stop: false };
      // The scheduler compares with every trial: the one place a report reads the whole study.
      const trials = await this.options.store.listTrials(this.name);
      const trial = trials.find((t) => t.id === trialId)!;
      const directions = this.record.objectives.map((o) => o.direction);
      return { stop: scheduler.shouldStop({ trial, step, values: vector, trials, directions }) };
    });
  }

  /**
   * Ends a running trial. Values make it `complete` (a non-finite one makes it `failed`: it
   * must not steer the sampler); a pruned trial keeps its last intermediate values as its values.
   */
  tell(trialId: number, result: TellResult): Promise<StoredTrial> {
    return this.serial(async () => {
      const trial = await this.running(trialId);
      const store = this.options.store;
      if (typeof result === 'number' || Array.isArray(result)) {
        const values = this.vector(result as number | readonly number[]);
        if (values.some((v) => !Number.isFinite(v))) {
          return store.updateTrial(trialId, { state: 'failed', values, error: `objective returned a non-finite value: [${values.join(', ')}]` });
        }
        return store.updateTrial(trialId, { state: 'complete', values });
      }
      const outcome = result as Exclude<TellResult, number | readonly number[]>;
      const last = trial.intermediate?.at(-1);
      const values = outcome.state === 'pruned' && last ? (last.values ?? [last.value]) : undefined;
      return store.updateTrial(trialId, { state: outcome.state, ...(values ? { values } : {}), ...(outcome.error ? { error: outcome.error } : {}), ...(outcome.rejectedFor && { rejectedFor: outcome.rejectedFor }) });
    });
  }

  /** Every trial, in creation order. */
  trials(): Promise<StoredTrial[]> {
    return this.serial(() => this.options.store.listTrials(this.name));
  }

  /** Complete trials no other complete trial dominates (with one objective: those tied for best). */
  paretoFront(): Promise<StoredTrial[]> {
    return this.serial(async () => {
      const complete = (await this.options.store.listTrials(this.name)).filter((t) => t.state === 'complete');
      const front = nonDominatedSort(complete.map((t) => t.values ?? [t.value ?? Number.NaN]), this.directions())[0] ?? [];
      return front.map((i) => complete[i]);
    });
  }

  /** The best complete trial; with several objectives, the one `preference` picks from the Pareto front. */
  best(): Promise<StoredTrial | undefined> {
    return this.serial(async () => {
      const complete = (await this.options.store.listTrials(this.name)).filter((t) => t.state === 'complete');
      const points = complete.map((t) => t.values ?? [t.value ?? Number.NaN]);
      const directions = this.directions();
      const front = nonDominatedSort(points, directions)[0] ?? [];
      const preference = this.options.preference ?? { kind: 'lexicographic', order: directions.map((_, k) => k) };
      const i = pickByPreference(points, front, directions, preference);
      return i === -1 ? undefined : complete[i];
    });
  }

  /** The trial with maximised objectives negated, as samplers expect. */
  private minimised(trial: StoredTrial): TrialRecord {
    const sign = this.record.objectives.map((o) => (o.direction === 'maximize' ? -1 : 1));
    if (sign.every((s) => s === 1)) return trial;
    const flip = (values: readonly number[]) => values.map((v, k) => sign[k] * v);
    return {
      ...trial,
      ...(trial.values ? { value: sign[0] * trial.values[0], values: flip(trial.values) } : {}),
      ...(trial.intermediate
        ? { intermediate: trial.intermediate.map((r) => ({ step: r.step, value: sign[0] * r.value, ...(r.values ? { values: flip(r.values) } : {}) })) }
        : {}),
    };
  }

  private directions() {
    return this.record.objectives.map((o) => o.direction);
  }

  private vector(values: number | readonly number[]): number[] {
    const vector = typeof values === 'number' ? [values] : [...values];
    if (vector.length !== this.record.objectives.length) {
      throw new DeeplineError(
        'DL_INTERNAL',
        `study "${this.name}" has ${this.record.objectives.length} objectives (${this.record.objectives.map((o) => o.name).join(', ')}), but ${vector.length} values were given`,
      );
    }
    return vector;
  }

  private async running(trialId: number): Promise<StoredTrial> {
    const found = await this.options.store.getTrial(trialId);
    const trial = found?.study === this.name ? found : undefined;
    if (!trial) throw new DeeplineError('DL_INTERNAL', `study "${this.name}" has no trial ${trialId}`);
    if (trial.state !== 'running') throw new DeeplineError('DL_INTERNAL', `trial ${trialId} of study "${this.name}" is already ${trial.state}`);
    return trial;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** Starts a new study in the store (DL_STORE if the name is taken). */
export async function createStudy<S>(options: CreateStudyOptions<S>): Promise<Study<S>> {
  if (options.objectives.length === 0) {
    throw new DeeplineError('DL_INTERNAL', `study "${options.name}" needs at least one objective`);
  }
  const record = await options.store.createStudy({ name: options.name, objectives: options.objectives, seed: options.seed });
  return new Study(options, record);
}

/**
 * Takes over a stored study whose previous process is gone: finished trials stay as they are,
 * and every `running` trial is marked failed and interrupted, which queues its parameters for the
 * next `ask()`. Call it only when no other process is still running that study's trials.
 */
export async function loadStudy<S>(options: OpenStudyOptions<S>): Promise<Study<S>> {
  const record = await options.store.getStudy(options.name);
  if (!record) {
    throw new DeeplineError('DL_STORE', `no study named "${options.name}" in the store`, { hint: 'create it with createStudy' });
  }
  // Built first so that bad options are refused before the store is touched.
  const study = new Study(options, record);
  for (const trial of await options.store.listTrials(options.name)) {
    if (trial.state === 'running') {
      await options.store.updateTrial(trial.id, { state: 'failed', interrupted: true, error: 'interrupted: the process running it ended' });
    }
  }
  return study;
}
