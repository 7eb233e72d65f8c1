import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { BalanceReport } from '../../../src/data/balance/balance-training.ts';
import type { CleaningReport } from '../../../src/data/clean/clean-table.ts';
import { loadDataset } from '../../../src/data/dataset.ts';
import type { TableSplitSummary } from '../../../src/data/split.ts';
import { cleanStep } from '../../../src/data/steps/clean-step.ts';
import { tableSplitStep } from '../../../src/data/steps/table-split-step.ts';
import { transformStep } from '../../../src/data/steps/transform-step.ts';
import { loadTable, saveTable, type Table } from '../../../src/data/table.ts';
import { parseTableTransform } from '../../../src/data/transform/table-transform.ts';
import { transformRecord } from '../../../src/data/transform/transform-record.ts';
import { createTestStepContext } from '../../../src/testing/step-context.ts';
import type { StepContext } from '../../../src/pipeline/step.ts';
import type { ArtifactStore } from '../../../src/store/artifacts/artifact-store.ts';
import { FsArtifactStore } from '../../../src/store/artifacts/fs-artifact-store.ts';
import { withTempDir } from '../fixtures/temp-dir.ts';
import { tableFromRows } from './make-table.ts';
import { MIXED_HEADER, MIXED_TYPES, mixedRows } from './mixed-rows.ts';

function contextFor(root: string, store: ArtifactStore, stepName: string): Promise<StepContext> {
  return createTestStepContext({ root, artifacts: store, stepName });
}

/** Mixed rows plus a customer id (groups of 3), 12 exact duplicates, 4 unlabelled rows and wild incomes. */
function messyTable(): { table: Table; rows: string[][]; header: string[] } {
  const header = [...MIXED_HEADER, 'customer'];
  const base = mixedRows(400, 21).map((r, i) => [...r, `c${Math.floor(i / 3)}`]);
  base.forEach((r, i) => {
    if (i % 50 === 7) r[0] = '9000000';
    if (i % 100 === 3) r[7] = '';
  });
  const rows = [...base, ...base.slice(110, 122).map((r) => [...r])];
  return { table: tableFromRows(header, rows, { ...MIXED_TYPES, customer: 'categorical' }, 'label'), rows, header };
}

describe('table steps: clean → split → transform', { timeout: 60_000 }, () => {
  it('cleans before the split, splits by group, fits on train only, balances train only', () =>
    withTempDir(async (root) => {
      const store = new FsArtifactStore(join(root, 'artifacts'));
      const { table, rows, header } = messyTable();
      const dir = join(root, 'raw');
      await saveTable(dir, table);
      const rawRef = await store.putDir(dir);

      const clean = cleanStep({ outliers: 'drop' });
      assert.deepEqual(clean.inputs, { table: 'ingest.table' });
      const cleaned = await clean.run(await contextFor(root, store, clean.name), { table: rawRef });
      const report = await store.readJson<CleaningReport>(cleaned.cleaning);
      assert.equal(report.duplicates.dropped, 12);
      assert.equal(report.missingTarget.dropped, 4);
      assert.equal(report.rowsOut, 412 - 16);
      assert.ok(report.outliers!.columns.find((c) => c.column === 'income')!.count >= 7);
      assert.equal((await loadTable(await store.localPath(cleaned.table))).n, report.rowsOut, 'outliers are only flagged before the split');

      const split = tableSplitStep({ fractions: { train: 0.6, validation: 0.2, test: 0.2 }, group: 'customer' });
      assert.deepEqual(split.inputs, { table: 'clean.table' });
      const parts = await split.run(await contextFor(root, store, split.name), { table: cleaned.table });
      const summary = await store.readJson<TableSplitSummary>(parts.splitSummary);
      assert.equal(summary.strategy, 'stratified-group');
      assert.equal(summary.counts.train + summary.counts.validation + summary.counts.test, report.rowsOut);

      const transform = transformStep({ outliers: 'drop', balance: 'oversample', exclude: { customer: 'the group column' } });
      assert.deepEqual(transform.inputs, { train: 'split.train', validation: 'split.validation', test: 'split.test' });
      const out = await transform.run(await contextFor(root, store, transform.name), { train: parts.train, validation: parts.validation, test: parts.test });
      const trainCleaning = await store.readJson<{ outliers: { rowsDropped: number } }>(out.trainCleaning);
      assert.ok(trainCleaning.outliers.rowsDropped >= 3, `dropped ${trainCleaning.outliers.rowsDropped}`);
      const [train, validation, test] = await Promise.all([out.train, out.validation, out.test].map(async (r) => loadDataset(await store.localPath(r))));
      assert.equal(validation.n, summary.counts.validation, 'validation is never filtered');
      assert.equal(test.n, summary.counts.test);
      const balance = await store.readJson<BalanceReport>(out.balance);
      assert.equal(balance.applied, 'oversample');
      const after = balance.counts!.map((c) => c.after);
      assert.ok(after.every((c) => c === after[0]) && train.n === after[0] * after.length, 'train is oversampled to equal classes');
      assert.equal(balance.counts!.reduce((a, c) => a + c.before, 0), summary.counts.train - trainCleaning.outliers.rowsDropped);

      const t = parseTableTransform(await store.readJson(out.transform));
      assert.ok(!t.featureNames.some((f) => f.startsWith('customer')));
      assert.deepEqual(t.ignored.find((i) => i.column === 'customer'), { column: 'customer', reason: 'the group column' });
      // A test row served from its raw cells matches the stored test tensors.
      const d = t.featureShape[0];
      for (let i = 0; i < 5; i++) {
        const raw = rows[test.sourceRows![i] - 1];
        const served = transformRecord(t, Object.fromEntries(header.map((h, j) => [h, raw[j]])));
        assert.deepEqual(served, test.x.subarray(i * d, (i + 1) * d));
      }
      // The same inputs give the same artifacts (what caching and resume rely on).
      const again = await transform.run(await contextFor(root, store, transform.name), { train: parts.train, validation: parts.validation, test: parts.test });
      assert.equal(again.train.hash, out.train.hash);
      assert.equal(again.transform.hash, out.transform.hash);
    }));

  it('auto balance writes class weights for an imbalanced train split and leaves it as is', () =>
    withTempDir(async (root) => {
      const store = new FsArtifactStore(join(root, 'artifacts'));
      const rows = mixedRows(300, 22);
      const table = tableFromRows([...MIXED_HEADER], rows, MIXED_TYPES, 'label');
      const dir = join(root, 'raw');
      await saveTable(dir, table);
      const ref = await store.putDir(dir);
      const split = tableSplitStep({ fractions: { train: 0.7, validation: 0.15, test: 0.15 } }, { from: 'ingest' });
      const parts = await split.run(await contextFor(root, store, split.name), { table: ref });
      const transform = transformStep();
      const out = await transform.run(await contextFor(root, store, transform.name), { train: parts.train, validation: parts.validation, test: parts.test });
      const balance = await store.readJson<BalanceReport>(out.balance);
      const train = await loadDataset(await store.localPath(out.train));
      const counts = balance.counts!.map((c) => c.before);
      assert.ok(Math.max(...counts) / Math.min(...counts) > 1.5, `counts ${counts}`);
      assert.equal(balance.applied, 'class-weights');
      assert.equal(train.n, counts.reduce((a, b) => a + b));
      const mean = balance.classWeights!.reduce((a, w, k) => a + w * counts[k], 0) / train.n;
      assert.ok(Math.abs(mean - 1) < 1e-9);
    }));
});
