import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readTable } from '../../../src/data/readers/read-table.ts';
import { withTempDir } from '../fixtures/temp-dir.ts';

const ROWS = 200_000;
const COLOURS = ['red', 'green', 'blue', 'amber'];

/** Streams a ROWS-row CSV of six typed columns to `path`, a few thousand rows per write. */
async function writeBigCsv(path: string): Promise<void> {
  const out = createWriteStream(path);
  out.write('id,reading,delta,colour,member,day,label\n');
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    const reading = i % 97 === 0 ? '' : ((i * 0.37) % 100).toFixed(2);
    chunk += `${i},${reading},${((i * 7919) % 1000) - 500},${COLOURS[i % 4]},${i % 3 === 0 ? 'yes' : 'no'},2020-01-${String((i % 28) + 1).padStart(2, '0')},${i % 2 ? 'a' : 'b'}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

describe('readTable memory', { timeout: 60_000 }, () => {
  it(`reads ${ROWS.toLocaleString('en')} rows in bounded memory: RSS grows by less than 150 MB`, (t) =>
    withTempDir(async (dir) => {
      const path = join(dir, 'big.csv');
      await writeBigCsv(path);
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      const started = performance.now();
      const { table, warnings } = await readTable({ path, format: 'csv', target: 'label' });
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      const growthMb = (peak - before) / 1e6;
      t.diagnostic(`${ROWS} rows in ${seconds.toFixed(2)} s, peak RSS growth ${growthMb.toFixed(1)} MB`);
      assert.deepEqual(warnings, []);
      assert.equal(table.n, ROWS);
      assert.deepEqual(
        table.columns.map((c) => c.type),
        ['numeric', 'numeric', 'numeric', 'categorical', 'boolean', 'date', 'categorical'],
      );
      const reading = table.columns[1];
      assert.ok(reading.type === 'numeric');
      assert.ok(Number.isNaN(reading.values[97 * 1000]));
      assert.equal(reading.values[123_457], Number(((123_457 * 0.37) % 100).toFixed(2)));
      assert.equal(table.sourceRows[ROWS - 1], ROWS);
      assert.ok(growthMb < 150, `RSS grew by ${growthMb.toFixed(1)} MB`);
      assert.ok(seconds < 10, `took ${seconds.toFixed(1)} s`);
    }));
});
