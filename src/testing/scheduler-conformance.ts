import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSeededRandom } from '../seed/seeded-random.ts';
import type { Scheduler } from '../search/schedulers/scheduler.ts';
import type { Direction, IntermediateValue, TrialRecord, TrialState } from '../search/trial.ts';

export interface SchedulerConformanceOptions {
  /** The first step at which the scheduler under test may stop a trial (its minimum resource or warm-up). */
  readonly firstStop: number;
  /** Trials in the suite report steps 1..horizon; a trial far behind all others must be stopped within them. */
  readonly horizon: number;
}

/** One report as a study makes it: trial `id` reached `step` with one value per objective. */
type Report = readonly [id: number, step: number, values: readonly number[]];

interface Recorded {
  id: number;
  state: TrialState;
  intermediate: IntermediateValue[];
}

const point = (step: number, values: readonly number[]): IntermediateValue =>
  values.length > 1 ? { step, value: values[0], values: [...values] } : { step, value: values[0] };

/** A record as a store hands it out: a deep copy, frozen, so a scheduler that writes to it throws. */
function snapshot(t: Recorded): TrialRecord {
  return Object.freeze({
    id: t.id,
    params: Object.freeze({}),
    state: t.state,
    intermediate: Object.freeze(t.intermediate.map((v) => Object.freeze({ ...v, ...(v.values ? { values: Object.freeze([...v.values]) } : {}) }))),
    startedAt: '2030-01-01T00:00:00.000Z',
  });
}

/** Trials already in the study before the replayed ones (finished, failed, pruned). */
function recordedTrial(id: number, state: TrialState, curve: (step: number) => readonly number[], steps: number): Recorded {
  return { id, state, intermediate: Array.from({ length: steps }, (_, i) => point(i + 1, curve(i + 1))) };
}

/**
 * Replays reports in order, as a study would: record the report, ask the scheduler, and on a
 * stop mark the trial pruned. `before` are trials recorded earlier; every decision is asked with
 * fresh frozen snapshots of all trials, in creation order. A report of a trial already stopped is
 * not made: its decision is `null`.
 */
function replay(scheduler: Scheduler | (() => Scheduler), directions: readonly Direction[], reports: readonly Report[], before: readonly Recorded[] = []): (boolean | null)[] {
  const trials = new Map<number, Recorded>(before.map((t) => [t.id, { ...t, intermediate: [...t.intermediate] }]));
  return reports.map(([id, step, values]) => {
    const t = trials.get(id) ?? { id, state: 'running' as const, intermediate: [] };
    trials.set(id, t);
    if (t.state !== 'running') return null;
    t.intermediate.push(point(step, values));
    const all = [...trials.values()].map(snapshot);
    const ask = typeof scheduler === 'function' ? scheduler() : scheduler;
    const stop = ask.shouldStop({ trial: all.find((r) => r.id === id)!, step, values: Object.freeze([...values]), trials: Object.freeze(all), directions: Object.freeze([...directions]) });
    assert.equal(typeof stop, 'boolean');
    if (stop) t.state = 'pruned';
    return stop;
  });
}

/**
 * An asynchronous study's reports: `trials` trials with noisy, improving curves of different
 * quality, interleaved at random, each reporting steps 1..horizon until it is done. With two
 * objectives the second trades off against the first.
 */
function randomReports(seed: number, trials: number, horizon: number, objectives: 1 | 2): Report[] {
  const rng = createSeededRandom(seed);
  const quality = Array.from({ length: trials }, () => 0.2 + rng.next());
  const next = new Array<number>(trials).fill(1);
  const reports: Report[] = [];
  for (;;) {
    // Trials start in creation order but then run side by side.
    const open = next.map((s, i) => i).filter((i) => next[i] <= horizon && (i === 0 || next[i - 1] > 1));
    if (open.length === 0) return reports;
    const i = open[rng.int(open.length)];
    const step = next[i]++;
    const error = quality[i] * (1 + 2 / step) + 0.05 * rng.next();
    reports.push([i + 1, step, objectives === 1 ? [error] : [error, 1 / quality[i] + 0.05 * rng.next()]]);
  }
}

const negate = (reports: readonly Report[], which: readonly number[]): Report[] =>
  reports.map(([id, step, values]) => [id, step, values.map((v, k) => (which.includes(k) ? -v : v))]);

/** Steps 1..n of one trial, all with the same values, or values from `f(step)`. */
const curve = (id: number, n: number, f: (step: number) => readonly number[]): Report[] => Array.from({ length: n }, (_, i) => [id, i + 1, f(i + 1)]);

/**
 * The contract every scheduler must meet (see scheduler.ts): it keeps no state, so the same
 * records give the same decision in any instance; it treats minimise and maximise alike; a trial
 * with nothing to compare with, a report better than any recorded, and a report before
 * `firstStop` never stop; a trial far behind all others is stopped within `horizon`; failed
 * trials are no evidence and non-finite values never rank ahead of finite ones. A scheduler that
 * declares `multiObjective` is checked on two objectives too. `create` returns a fresh scheduler
 * configured as `options` describes.
 */
export function schedulerConformance(label: string, create: () => Scheduler, options: SchedulerConformanceOptions): void {
  const { firstStop, horizon } = options;
  const objectiveCounts: (1 | 2)[] = create().multiObjective ? [1, 2] : [1];
  const directionsFor = (m: 1 | 2, d: Direction = 'minimize'): Direction[] => new Array<Direction>(m).fill(d);
  /** Ten finished trials with good curves, 1..horizon: the field a newcomer is measured against. */
  const field = (m: 1 | 2): Recorded[] =>
    Array.from({ length: 10 }, (_, i) => recordedTrial(100 + i, 'complete', (s) => new Array<number>(m).fill(1 + i * 0.1 + 1 / s), horizon));

  describe(`Scheduler conformance: ${label}`, () => {
    it('has a name and answers with a boolean', () => {
      const scheduler = create();
      assert.ok(scheduler.name.length > 0);
      assert.equal(typeof scheduler.multiObjective, 'boolean');
      assert.deepEqual(replay(scheduler, ['minimize'], [[1, 1, [0.5]]]), [false]);
    });

    for (const m of objectiveCounts) {
      const tag = m === 1 ? '' : ' (two objectives)';

      it(`never stops a trial with no other trial to compare with, however it does${tag}`, () => {
        for (const d of ['minimize', 'maximize'] as const) {
          const worsening = curve(1, horizon, (s) => new Array<number>(m).fill(d === 'minimize' ? s : -s));
          assert.deepEqual(replay(create(), directionsFor(m, d), worsening), new Array<boolean>(horizon).fill(false), d);
        }
      });

      it(`never stops before step ${firstStop}, however far behind the trial is${tag}`, () => {
        const hopeless = curve(1, firstStop - 1, () => new Array<number>(m).fill(1e6));
        assert.deepEqual(replay(create(), directionsFor(m), hopeless, field(m)), new Array<boolean>(firstStop - 1).fill(false));
      });

      it(`stops a trial far behind every other, at or after step ${firstStop} and by step ${horizon}${tag}`, () => {
        for (const d of ['minimize', 'maximize'] as const) {
          const sign = d === 'minimize' ? 1 : -1;
          const others = field(m).map((t) => ({ ...t, intermediate: t.intermediate.map((v) => point(v.step, (v.values ?? [v.value]).map((x) => sign * x))) }));
          const decisions = replay(create(), directionsFor(m, d), curve(1, horizon, () => new Array<number>(m).fill(sign * 1e6)), others);
          const at = decisions.indexOf(true) + 1;
          assert.ok(at > 0, `${d}: a trial far behind ${others.length} others was never stopped in ${horizon} steps`);
          assert.ok(at >= firstStop, `${d}: stopped at step ${at}, before ${firstStop}`);
        }
      });

      it(`never stops a trial whose report is better than every value recorded so far${tag}`, () => {
        const champion = curve(1, horizon, (s) => new Array<number>(m).fill(0.5 / s));
        assert.deepEqual(replay(create(), directionsFor(m), champion, field(m)), new Array<boolean>(horizon).fill(false));
        // The same holds in a busy asynchronous study: check every report that beats all before it.
        const reports = randomReports(11, 12, horizon, m);
        const decisions = replay(create(), directionsFor(m), reports);
        const recorded: (readonly number[])[] = [];
        const dominates = (a: readonly number[], b: readonly number[]) => a.every((v, j) => v <= b[j]) && a.some((v, j) => v < b[j]);
        let checked = 0;
        reports.forEach(([id, step, values], k) => {
          if (decisions[k] === null) return;
          if (recorded.every((r) => dominates(values, r))) {
            checked++;
            assert.equal(decisions[k], false, `report ${k}: trial ${id} step ${step} [${values.join(', ')}] beats everything recorded`);
          }
          recorded.push(values);
        });
        // The first report beats an empty record trivially; at least one more must be a real test.
        assert.ok(checked >= 2, `only ${checked} reports beat everything before them`);
      });

      it(`keeps no state: the same records give the same decision in any instance${tag}`, () => {
        const reports = randomReports(21, 12, horizon, m);
        const once = replay(create(), directionsFor(m), reports);
        assert.deepEqual(replay(create(), directionsFor(m), reports), once);
        // One fresh scheduler per report, as after a restart or in another worker.
        assert.deepEqual(replay(create, directionsFor(m), reports), once);
        assert.ok(once.includes(true) && once.includes(false), `a study of 12 trials over ${horizon} steps should see both decisions: ${once.join(' ')}`);
      });

      it(`treats maximise as minimise of the negated values${tag}`, () => {
        const reports = randomReports(31, 12, horizon, m);
        const minimised = replay(create(), directionsFor(m), reports);
        assert.deepEqual(replay(create(), directionsFor(m, 'maximize'), negate(reports, [0, 1])), minimised);
        if (m === 2) assert.deepEqual(replay(create(), ['minimize', 'maximize'], negate(reports, [1])), minimised);
      });

      it(`takes no evidence from failed trials${tag}`, () => {
        const reports = randomReports(41, 12, horizon, m);
        const failed = [
          recordedTrial(901, 'failed', () => new Array<number>(m).fill(-1e6), horizon),
          recordedTrial(902, 'failed', () => new Array<number>(m).fill(1e6), horizon),
          recordedTrial(903, 'failed', (s) => new Array<number>(m).fill(s), Math.max(1, firstStop)),
        ];
        assert.deepEqual(replay(create(), directionsFor(m), reports, failed), replay(create(), directionsFor(m), reports));
      });

      it(`never ranks a non-finite value ahead of a finite one${tag}`, () => {
        for (const d of ['minimize', 'maximize'] as const) {
          const sign = d === 'minimize' ? 1 : -1;
          // Trials that diverged were stopped by the study, their non-finite values still recorded.
          const diverged = [Number.NaN, Infinity, -Infinity].map((v, i) => recordedTrial(800 + i, 'pruned', () => new Array<number>(m).fill(v), horizon));
          const mixed = [recordedTrial(810, 'pruned', () => (m === 1 ? [Number.NaN] : [-Infinity * sign, Number.NaN]), horizon)];
          const good = curve(1, horizon, (s) => new Array<number>(m).fill((sign * 0.5) / s));
          const alone = replay(create(), directionsFor(m, d), good, [...diverged, ...mixed]);
          assert.deepEqual(alone, new Array<boolean>(horizon).fill(false), `${d}, among diverged trials only`);
          const others = field(m).map((t) => ({ ...t, intermediate: t.intermediate.map((v) => point(v.step, (v.values ?? [v.value]).map((x) => sign * x))) }));
          const crowded = replay(create(), directionsFor(m, d), good, [...diverged, ...mixed, ...others]);
          assert.deepEqual(crowded, new Array<boolean>(horizon).fill(false), `${d}, among diverged and finished trials`);
        }
      });
    }

    if (objectiveCounts.includes(2)) {
      it('ranks two objectives by dominance: a trial dominated by all others stops, one dominating all does not', () => {
        const dominated = replay(create(), ['minimize', 'minimize'], curve(1, horizon, () => [1e6, 1e6]), field(2));
        assert.ok(dominated.includes(true), 'a dominated trial ran to the end');
        const dominating = replay(create(), ['minimize', 'minimize'], curve(1, horizon, (s) => [0.5 / s, 0.5 / s]), field(2));
        assert.ok(!dominating.includes(true), 'a dominating trial was stopped');
      });
    }
  });
}
