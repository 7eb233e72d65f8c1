import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { z } from 'zod';
import { CROSS_CHECKS } from '../../src/task/cross-checks.ts';
import { TASK_DEFAULTS } from '../../src/task/task-defaults.ts';
import { taskFileSchema } from '../../src/task/task-spec.ts';
import { TASK_TYPES } from '../../src/task/task-types.ts';

const DOC = new URL('../../docs/task-file.md', import.meta.url);

/** Dotted paths of every leaf field of the schema: `name`, `data.image`, `budget.minutes`, ... */
function leafPaths(schema: z.ZodType, prefix = ''): string[] {
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
  if (!(inner instanceof z.ZodObject) || prefix === 'data.image') return [prefix];
  return Object.entries(inner.shape).flatMap(([key, child]) => leafPaths(child as z.ZodType, prefix ? `${prefix}.${key}` : key));
}

/** First cells of the table rows under `heading`, unwrapped from backticks. */
function firstColumn(doc: string, heading: string): string[] {
  const section = doc.split(heading)[1].split(/\n#{2,3} /)[0];
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.split('|')[1].trim().replace(/^`([^`]+)`.*$/, '$1'));
}

describe('docs/task-file.md', () => {
  it('lists every field of the schema', async () => {
    const documented = new Set(firstColumn(await readFile(DOC, 'utf8'), '## Fields'));
    for (const path of leafPaths(taskFileSchema)) {
      const parent = path.split('.')[0];
      assert.ok(documented.has(path) || documented.has(parent), `${path} is not in the fields table`);
    }
  });

  it('gives the training defaults the code uses', async () => {
    const doc = await readFile(DOC, 'utf8');
    const section = doc.split('### Training defaults per task type')[1].split(/\n#{2,3} /)[0];
    const rows = section.split('\n').filter((l) => l.startsWith('| `'));
    assert.equal(rows.length, TASK_TYPES.length);
    for (const row of rows) {
      const [task, epochs, batchSize, learningRate, patience, metric] = row.split('|').slice(1, 7).map((c) => c.trim());
      const defaults = TASK_DEFAULTS[task.replace(/^`([^`]+)`.*$/, '$1') as keyof typeof TASK_DEFAULTS];
      assert.ok(defaults, `unknown task in the defaults table: ${task}`);
      // The schedule is the same for every task type; its row in the field table gives it.
      const { schedule, ...train } = defaults.train;
      assert.equal(schedule, 'cosine');
      assert.deepEqual(
        { epochs: Number(epochs), batchSize: Number(batchSize), learningRate: Number(learningRate), patience: Number(patience), metric },
        { ...train, metric: defaults.metric },
      );
    }
  });

  it('names exactly the cross-field checks the code runs', async () => {
    const documented = firstColumn(await readFile(DOC, 'utf8'), '## Checks across fields');
    assert.deepEqual(documented, CROSS_CHECKS.map((c) => c.name));
  });

  it('shows examples that pass the schema', async () => {
    const blocks = [...(await readFile(DOC, 'utf8')).matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    assert.ok(blocks.length >= 6);
    for (const block of blocks) {
      const result = taskFileSchema.safeParse(parse(block));
      assert.ok(result.success, `${block}\n${JSON.stringify(result.error?.issues)}`);
    }
  });
});
