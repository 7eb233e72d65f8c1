import assert from 'node:assert/strict';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sourceContentHash, sourceFingerprint } from '../../src/data/source-fingerprint.ts';
import { expectDeeplineError } from './fixtures/expect-deepline-error.ts';
import { withTempDir } from './fixtures/temp-dir.ts';

describe('source fingerprints', () => {
  it('the quick fingerprint follows modification times; the content hash follows bytes only', () =>
    withTempDir(async (dir) => {
      const root = join(dir, 'images');
      await mkdir(join(root, 'a'), { recursive: true });
      await writeFile(join(root, 'a', '1.png'), 'one');
      await writeFile(join(root, '.DS_Store'), 'finder noise');
      const quick = await sourceFingerprint(root);
      const content = await sourceContentHash(root);
      await utimes(join(root, 'a', '1.png'), new Date(2001, 1, 1), new Date(2001, 1, 1));
      assert.notEqual(await sourceFingerprint(root), quick);
      assert.equal(await sourceContentHash(root), content);
      await writeFile(join(root, '.DS_Store'), 'other noise');
      assert.equal(await sourceContentHash(root), content, 'hidden files are not data');
      await writeFile(join(root, 'a', '2.png'), 'two');
      assert.notEqual(await sourceContentHash(root), content);
    }));

  it('a missing path is DL_DATA_MISSING', async () => {
    await expectDeeplineError(sourceFingerprint('/nonexistent/data'), 'DL_DATA_MISSING', /\/nonexistent\/data/);
  });
});
