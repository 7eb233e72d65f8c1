import type { Params } from '../../../src/search/space.ts';
import type { StudySummary, StudySummaryTrial } from '../../../src/search/study-summary.ts';
import type { TrialState } from '../../../src/search/trial.ts';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

export interface TrialSpec {
  readonly state?: TrialState;
  readonly params?: Params;
  /** `[error, latencyMs, params]`; omitted for failed trials unless given. */
  readonly values?: readonly number[];
  readonly epochs?: number;
  readonly rejected?: boolean;
  readonly error?: string;
}

/** A trial numbered `i`, started `i` × 30 s after T0 and lasting 20 s, with a curve ending at its values. */
export function makeTrial(i: number, spec: TrialSpec = {}): StudySummaryTrial {
  const state = spec.state ?? 'complete';
  const values = spec.values ?? (state === 'failed' ? undefined : [0.5, 1, 1000]);
  const epochs = spec.epochs ?? (values ? 3 : 0);
  const curve = Array.from({ length: epochs }, (_, k) => ({
    epoch: k + 1,
    values: values ? [values[0] + 0.1 * (epochs - 1 - k), values[1], values[2]] : [],
  }));
  return {
    id: i + 1,
    number: i,
    state,
    params: spec.params ?? { lr: 0.01 },
    values,
    curve,
    startedAt: new Date(T0 + i * 30_000).toISOString(),
    endedAt: new Date(T0 + i * 30_000 + 20_000).toISOString(),
    error: spec.error,
    rejected: spec.rejected,
  };
}

/** A summary over `trials`; the best trial and front are given, not computed, so tests control them. */
export function makeSummary(trials: readonly StudySummaryTrial[], over: Partial<StudySummary> = {}): StudySummary {
  const complete = trials.filter((t) => t.state === 'complete' && t.values);
  const bestTrial = complete.slice().sort((a, b) => a.values![0] - b.values![0])[0];
  return {
    formatVersion: 1,
    name: 'study-1',
    family: 'mlp',
    sampler: 'tpe',
    scheduler: 'asha',
    errorName: '1 - accuracy',
    objectives: [
      { name: 'error', direction: 'minimize' },
      { name: 'latencyMs', direction: 'minimize' },
      { name: 'params', direction: 'minimize' },
    ],
    budget: { trials: trials.length },
    constraints: {},
    workers: 2,
    engine: 'cpu',
    durationMs: 252_000,
    trials,
    paretoFront: bestTrial ? [bestTrial.id] : [],
    best: bestTrial
      ? { trialId: bestTrial.id, params: bestTrial.params, values: bestTrial.values!, genome: {}, training: { learningRate: 0.01, batchSize: 32, epochs: 3 }, bestEpoch: 3 }
      : undefined,
    timeToBestMs: bestTrial ? 123_000 : undefined,
    ...over,
  };
}
