import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { ERROR_CODES } from '../../src/errors/index.ts';

const DOC = new URL('../../docs/errors.md', import.meta.url);

/** The rows of the `| code | exit | cause | fix |` table, keyed by code. */
async function documentedCodes(): Promise<Map<string, { exit: number; cause: string; fix: string }>> {
  const rows = new Map<string, { exit: number; cause: string; fix: string }>();
  for (const line of (await readFile(DOC, 'utf8')).split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // A table row splits into ['', code, exit, cause, fix, ''].
    if (cells.length !== 6 || !/^DL_[A-Z_]+$/.test(cells[1])) continue;
    assert.ok(!rows.has(cells[1]), `${cells[1]} is documented twice`);
    rows.set(cells[1], { exit: Number(cells[2]), cause: cells[3], fix: cells[4] });
  }
  return rows;
}

describe('error catalogue', () => {
  it('documents every code with its exit code, a cause and a fix', async () => {
    const documented = await documentedCodes();
    for (const [code, { exit }] of Object.entries(ERROR_CODES)) {
      const row = documented.get(code);
      assert.ok(row, `${code} has no row in docs/errors.md`);
      assert.equal(row.exit, exit, `${code}: docs/errors.md says exit ${row.exit}, the code says ${exit}`);
      assert.ok(row.cause.length > 0 && row.fix.length > 0, `${code}: the row needs a cause and a fix`);
    }
  });

  it('documents no code that does not exist', async () => {
    const documented = await documentedCodes();
    assert.ok(documented.size > 0, 'no code rows found in docs/errors.md');
    for (const code of documented.keys()) assert.ok(code in ERROR_CODES, `docs/errors.md documents ${code}, which is not in ERROR_CODES`);
  });
});
