import type { ModelRegistryStore } from '../model-registry/model-registry-store.ts';
import type { StoredTrial, StudyStore } from '../store/metadata/study-store.ts';
import type { UiEvent } from './api-types.ts';
import type { RunChange, RunIndex } from './run-index.ts';
import { searchStepOf, studyNameOf, studyProgress, trialState } from './study-view.ts';

/** An event before the watcher stamps it with its sequence number and time. */
type Unstamped = { readonly type: string; readonly runId?: string; readonly study?: string; readonly [k: string]: unknown };

/** Which events a subscriber wants: one run's (and its study's), one study's, or all. */
export interface EventFilter {
  readonly run?: string;
  readonly study?: string;
}

interface Watched {
  readonly runId: string;
  /** Trial id → `state:epochs`, to tell what changed. */
  trials: Map<number, string>;
}

/**
 * Turns store changes into UI events by polling, so changes made by another process — a
 * `deepline run` writing the same workspace — are seen as well as this one's: every `pollMs` it
 * refreshes the run index (the run list, plus the details of live runs), lists the trials of the
 * studies of live runs, and reads the registry's model list. Each poll costs a few indexed reads;
 * an event reaches subscribers within one poll of the change.
 */
export class StoreWatcher {
  private seq = 0;
  private readonly subscribers = new Set<{ filter: EventFilter; send: (event: UiEvent) => void }>();
  private readonly studies = new Map<string, Watched>();
  private modelsStamp: string | undefined;
  private counter: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** The poll queued behind `running`, shared by the callers that arrived while it ran. */
  private following: Promise<void> | undefined;
  private stopped = false;
  private primed = false;

  constructor(
    private readonly index: RunIndex,
    private readonly studyStore: StudyStore,
    private readonly registry: ModelRegistryStore,
    readonly pollMs: number,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** The first poll (which sets the baseline: nothing before it is an event), then one every pollMs. */
  async start(): Promise<void> {
    await this.poll();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.following;
    this.subscribers.clear();
  }

  /**
   * Polls now, re-reading even when the store's change counter stands still — it counts other
   * connections' commits, not the dashboard's own (a deleted run).
   */
  async pollAfterOwnWrite(): Promise<void> {
    await this.running;
    this.counter = undefined;
    await this.poll();
  }

  /**
   * Polls now (tests, and a request that wants fresh data): the promise settles after a poll that
   * started after this call. A poll already running may have read before the caller's own writes,
   * so callers that arrive during one share a second poll that follows it (the timer's poll and a
   * test's could otherwise meet, and the test read a run summary without its last metric).
   */
  poll(): Promise<void> {
    if (this.running === undefined) {
      this.running = this.pollOnce()
        .catch((e: unknown) => this.onError(e))
        .finally(() => {
          this.running = undefined;
        });
      return this.running;
    }
    this.following ??= this.running.then(() => {
      this.following = undefined;
      return this.poll();
    });
    return this.following;
  }

  subscribe(filter: EventFilter, send: (event: UiEvent) => void): () => void {
    const entry = { filter, send };
    this.subscribers.add(entry);
    send({ type: 'hello', seq: this.seq, at: new Date().toISOString(), pollMs: this.pollMs });
    return () => void this.subscribers.delete(entry);
  }

  /** Whether a study belongs to a live run (its trials are being polled). */
  isLiveStudy(name: string): boolean {
    return this.studies.has(name);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.poll().then(() => this.schedule());
    }, this.pollMs);
  }

  private async pollOnce(): Promise<void> {
    // Nothing committed since the last poll and nothing live (whose process may die without a
    // write): nothing to re-read. With the embedded store that is one pragma while idle.
    const counter = await this.index.changeCounter();
    if (this.primed && counter !== undefined && counter === this.counter && this.index.live().length === 0 && this.studies.size === 0) return;
    this.counter = counter;
    const changes: Unstamped[] = (await this.index.refresh()) as RunChange[];
    // Studies of live runs, plus those of runs that just ended (their last trials).
    const live = new Map<string, string>();
    for (const detail of this.index.live()) {
      const name = searchStepOf(detail) && studyNameOf(detail);
      if (name) live.set(name, detail.run.id);
    }
    for (const [name, runId] of live) if (!this.studies.has(name)) this.studies.set(name, { runId, trials: new Map() });
    for (const [name, watched] of this.studies) {
      const trials = await this.studyStore.listTrials(name);
      changes.push(...this.trialChanges(name, watched, trials, !this.primed));
      if (!live.has(name)) this.studies.delete(name);
    }
    const models = await this.registry.listModels();
    const stamp = JSON.stringify(models);
    if (this.primed && stamp !== this.modelsStamp) changes.push({ type: 'models-changed' });
    this.modelsStamp = stamp;
    this.primed = true;
    for (const change of changes) this.publish(change);
  }

  private trialChanges(study: string, watched: Watched, trials: readonly StoredTrial[], baseline: boolean): Unstamped[] {
    const out: Unstamped[] = [];
    const { runId } = watched;
    for (const t of trials) {
      const epochs = t.intermediate?.length ?? 0;
      const key = `${t.state}:${epochs}`;
      const before = watched.trials.get(t.id);
      watched.trials.set(t.id, key);
      if (baseline || before === key) continue;
      if (before === undefined) out.push({ type: 'trial-started', study, runId, trialId: t.id, number: t.number });
      const [beforeState, beforeEpochs] = before === undefined ? ['running', 0] : [before.split(':')[0], Number(before.split(':')[1])];
      for (const r of (t.intermediate ?? []).slice(beforeEpochs)) {
        out.push({ type: 'trial-progress', study, runId, trialId: t.id, number: t.number, epoch: r.step, values: (r.values ?? [r.value]).map((v) => (Number.isFinite(v) ? v : null)) });
      }
      if (t.state !== 'running' && beforeState !== t.state) {
        const error = t.values?.[0] ?? t.value;
        const progress = studyProgress(trials);
        out.push({
          type: 'trial-finished',
          study,
          runId,
          trialId: t.id,
          number: t.number,
          state: trialState(t),
          ...(error !== undefined && { error: Number.isFinite(error) ? error : null }),
          finished: progress.finished,
          ...(progress.best !== undefined && { best: progress.best }),
        });
      }
    }
    return out;
  }

  private publish(change: Unstamped): void {
    const event = { ...change, seq: ++this.seq, at: new Date().toISOString() } as unknown as UiEvent;
    for (const { filter, send } of this.subscribers) {
      if (filter.run !== undefined && change.runId !== filter.run) continue;
      if (filter.study !== undefined && change.study !== filter.study) continue;
      send(event);
    }
  }
}
