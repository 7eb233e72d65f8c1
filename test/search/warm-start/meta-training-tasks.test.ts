import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { META_TRAINING_TASKS, writeMetaTrainingTasks } from '../../../src/search/warm-start/meta-training-tasks.ts';

test('meta-training tasks: distinct names, the same rows for the same seed, a target with more than one value', async () => {
  assert.equal(new Set(META_TRAINING_TASKS.map((t) => t.name)).size, META_TRAINING_TASKS.length);
  const dir = mkdtempSync(join(tmpdir(), 'deepline-meta-'));
  try {
    const a = await writeMetaTrainingTasks(join(dir, 'a'), META_TRAINING_TASKS, 1);
    const b = await writeMetaTrainingTasks(join(dir, 'b'), META_TRAINING_TASKS, 1);
    const c = await writeMetaTrainingTasks(join(dir, 'c'), META_TRAINING_TASKS.slice(0, 1), 2);
    assert.notEqual(readFileSync(c[0].file, 'utf8'), readFileSync(a[0].file, 'utf8'), 'another seed, other rows');
    for (const [i, task] of META_TRAINING_TASKS.entries()) {
      const text = readFileSync(a[i].file, 'utf8');
      assert.equal(text, readFileSync(b[i].file, 'utf8'), `${task.name}: same seed, same rows`);
      const [header, ...rows] = text.trim().split('\n').map((line) => line.split(','));
      assert.equal(rows.length, task.rows, task.name);
      assert.ok(rows.every((r) => r.length === header.length), `${task.name}: every row has ${header.length} cells`);
      assert.equal(a[i].taskObject.task, task.task);
      const targets = new Set(rows.map((r) => r.at(-1)));
      if (task.task === 'tabular-classification') {
        // Every class has at least 5% of the rows (imbalanced's rare class included), so a split keeps each.
        const counts = [...targets].map((t) => rows.filter((r) => r.at(-1) === t).length);
        assert.ok(targets.size >= 2 && Math.min(...counts) >= 0.05 * task.rows, `${task.name}: classes ${counts.join(', ')}`);
      } else {
        assert.ok(targets.size > task.rows / 2 && rows.every((r) => Number.isFinite(Number(r.at(-1)))), `${task.name}: a numeric target`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
