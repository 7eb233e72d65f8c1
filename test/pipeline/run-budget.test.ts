import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUDGET_SHARES, createRunBudget, NO_BUDGET, shareMs } from '../../src/pipeline/run-budget.ts';

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

test('on time, each stage gets its share of the budget', () => {
  const c = clock();
  const budget = createRunBudget(2, { now: c.now });
  assert.equal(budget.totalMs, 120_000);
  assert.equal(budget.deadline, c.now() + 120_000);
  c.advance(3_000); // data preparation
  assert.equal(budget.msFor('search'), 72_000);
  assert.equal(budget.msFor('trial'), shareMs('trial', 2));
  c.advance(72_000);
  assert.equal(budget.msFor('refit'), 120_000 - 75_000 - 6_000, 'the retrain takes all but the tail: its share and the 3 s data preparation left');
  assert.equal(budget.elapsedMs(), 75_000);
});

test('a search that ends early leaves its time to the final training, never the tail', () => {
  const c = clock();
  const budget = createRunBudget(10, { now: c.now });
  c.advance(2_000);
  c.advance(0.2 * 600_000); // a short search (large data: trial-data-plan.ts)
  assert.equal(budget.msFor('refit'), 600_000 - 122_000 - 30_000);
  c.advance(budget.msFor('refit')!);
  assert.equal(budget.elapsedMs(), 600_000 * (1 - BUDGET_SHARES.tail));
});

test('a stage that ran long shortens the next search, never the retrain or the evaluation', () => {
  const c = clock();
  const budget = createRunBudget(2, { now: c.now });
  c.advance(60_000); // data preparation took half the budget
  const search = budget.msFor('search')!;
  assert.equal(search, 120_000 - 60_000 - 36_000 - 6_000, 'what is left after the retrain and the tail are set aside');
  c.advance(search);
  assert.equal(budget.msFor('refit'), 36_000, 'the retrain still gets its whole share');
  c.advance(36_000);
  assert.equal(budget.elapsedMs() + 120_000 * BUDGET_SHARES.tail, 120_000, 'the tail is left for evaluation');
});

test('past the deadline, every stage gets 0; without a budget, none is set', () => {
  const c = clock();
  const budget = createRunBudget(1, { now: c.now });
  c.advance(70_000);
  assert.equal(budget.msFor('search'), 0);
  assert.equal(budget.msFor('refit'), 0);
  assert.equal(budget.msFor('train'), 0);
  assert.equal(NO_BUDGET.msFor('search'), undefined);
  assert.equal(NO_BUDGET.deadline, undefined);
});

test('every path through the stages ends within the budget, whatever data preparation takes', () => {
  for (const minutes of [0.5, 2, 10]) {
    const total = minutes * 60_000;
    for (const prepare of [0, 0.1, 0.3, 0.6, 0.9].map((f) => f * total)) {
      for (const searchFirst of [true, false]) {
        const c = clock();
        const budget = createRunBudget(minutes, { now: c.now });
        c.advance(prepare);
        if (searchFirst) {
          c.advance(budget.msFor('search')!);
          c.advance(budget.msFor('refit')!);
        } else {
          c.advance(budget.msFor('train')!);
        }
        const end = Math.max(prepare, total * (1 - BUDGET_SHARES.tail));
        assert.ok(budget.elapsedMs() <= end + 1, `${minutes} min, preparation ${prepare} ms: ${budget.elapsedMs()} ms used`);
      }
    }
  }
});
