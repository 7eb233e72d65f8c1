import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ashaScheduler } from '../../../src/search/schedulers/asha-scheduler.ts';
import { sparingTrials } from '../../../src/search/schedulers/sparing-trials.ts';
import type { Params } from '../../../src/search/space.ts';
import type { IntermediateValue, TrialRecord } from '../../../src/search/trial.ts';

const asha = () => ashaScheduler.create(ashaScheduler.optionsSchema.parse({ minResource: 1, maxResource: 9 }));

function trial(id: number, params: Params, values: number[]): TrialRecord & { intermediate: IntermediateValue[] } {
  return { id, params, state: 'running', startedAt: '', intermediate: values.map((value, i) => ({ step: i + 1, value })) };
}

test('sparingTrials: a spared configuration is never stopped, others are, and the spared one still sets the rung', () => {
  const fast = trial(1, { learningRate: 0.01 }, [0.2]);
  // A slow starter: worse than the first at rung 1, which ASHA alone stops (fewer than η trials there).
  const slow = trial(2, { learningRate: 0.001, activation: 'tanh' }, [0.6]);
  const report = (t: TrialRecord, trials: TrialRecord[]) => ({ trial: t, step: 1, values: [t.intermediate!.at(-1)!.value], trials, directions: ['minimize' as const] });
  assert.equal(asha().shouldStop(report(slow, [fast, slow])), true, 'plain ASHA stops it');

  // Key order of the params does not matter (matched as canonical JSON), nor the trial's number (a retry).
  const spared = sparingTrials(asha(), [{ activation: 'tanh', learningRate: 0.001 }])!;
  assert.equal(spared.name, 'asha');
  assert.equal(spared.shouldStop(report(slow, [fast, slow])), false);
  assert.equal(spared.shouldStop(report({ ...slow, id: 7 }, [fast, { ...slow, id: 7 }])), false);

  // A draw as bad as the spared trial is still stopped: the spared trial counts at the rung.
  const bad = trial(3, { learningRate: 0.5 }, [0.7]);
  assert.equal(spared.shouldStop(report(bad, [fast, slow, bad])), true);
  const good = trial(4, { learningRate: 0.02 }, [0.1]);
  assert.equal(spared.shouldStop(report(good, [fast, slow, bad, good])), false);
});

test('sparingTrials: nothing to spare or no scheduler leaves it as it was', () => {
  const scheduler = asha();
  assert.equal(sparingTrials(scheduler, []), scheduler);
  assert.equal(sparingTrials(undefined, [{ a: 1 }]), undefined);
});
