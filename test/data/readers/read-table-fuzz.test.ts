import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readTable } from '../../../src/data/readers/read-table.ts';
import { createSeededRandom, type SeededRandom } from '../../../src/seed/seeded-random.ts';
import { DeeplineError } from '../../../src/errors/index.ts';
import { withTempDir } from '../fixtures/temp-dir.ts';

const CSV = 'id,amount,colour,joined,note,label\n1,"1,200.5",red,2021-01-02,"a ""quoted"" note",a\n2,NA,blue,2021-02-03,plain,b\n3,7,,2021-03-04,"two\nlines",a\n4,-2e3,red,,x,b\n';
const JSONL = '{"id": 1, "colour": "red", "tags": [1, 2], "label": "a"}\n{"id": 2, "colour": null, "label": "b"}\n{"id": "3", "label": "a"}\n';
/** Bytes that break text tables in interesting ways: structure, quoting, line ends, encodings. */
const NASTY = [',', '"', '\n', '\r', '\t', ';', '{', '}', '[', ':', '\\', ' ', '\0', '\ufeff', 'NaN', 'Infinity', '1,234', 'é'];

function mutate(text: string, rng: SeededRandom): Buffer {
  let bytes = Buffer.from(text);
  for (let k = 1 + rng.int(4); k > 0; k--) {
    const at = rng.int(bytes.length + 1);
    const op = rng.int(4);
    if (op === 0) bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + rng.int(5))]);
    else if (op === 1) bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(NASTY[rng.int(NASTY.length)]), bytes.subarray(at)]);
    else if (op === 2) bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([0x80 + rng.int(128)]), bytes.subarray(at)]);
    else bytes = bytes.subarray(0, at);
  }
  return bytes;
}

describe('readTable on randomly corrupted input', { timeout: 60_000 }, () => {
  for (const [format, text] of [['csv', CSV], ['jsonl', JSONL]] as const) {
    it(`${format}: every one of 150 corruptions is a table or a coded DL_DATA error naming the file`, (t) =>
      withTempDir(async (dir) => {
        const rng = createSeededRandom(format === 'csv' ? 7 : 11);
        const outcomes = new Map<string, number>();
        for (let i = 0; i < 150; i++) {
          const path = join(dir, `case-${i}.${format}`);
          const bytes = mutate(text, rng);
          await writeFile(path, bytes);
          try {
            const { table } = await readTable({ path, format, target: 'label' });
            assert.ok(table.columns.every((c) => (c.type === 'categorical' ? c.codes.length : c.values.length) === table.n), `case ${i}: ragged columns`);
            outcomes.set('table', (outcomes.get('table') ?? 0) + 1);
          } catch (e) {
            const input = JSON.stringify(bytes.toString('latin1'));
            assert.ok(e instanceof DeeplineError, `case ${i} ${input}: ${String((e as Error).stack ?? e)}`);
            assert.match(e.code, /^DL_DATA_(FORMAT|VALUE|TARGET)$/, `case ${i} ${input}: ${e.code} ${e.message}`);
            assert.ok(e.message.includes(path), `case ${i} ${input}: message does not name the file: ${e.message}`);
            assert.ok(e.hint, `case ${i}: no hint`);
            outcomes.set(e.code, (outcomes.get(e.code) ?? 0) + 1);
          }
        }
        t.diagnostic(JSON.stringify(Object.fromEntries(outcomes)));
        // The corruptions must exercise both paths, or the test proves nothing.
        assert.ok((outcomes.get('table') ?? 0) >= 3 && (outcomes.get('DL_DATA_FORMAT') ?? 0) >= 10, JSON.stringify([...outcomes]));
      }));
  }
});
