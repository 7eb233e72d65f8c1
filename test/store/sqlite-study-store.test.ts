import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SqliteStudyStore } from '../../src/store/metadata/sqlite-study-store.ts';
import { studyStoreConformance } from '../../src/testing/study-store-conformance.ts';

studyStoreConformance('SqliteStudyStore', async () => {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'deepline-study-store-'));
  const file = path.join(dir, 'nested', 'metadata.db');
  const open: SqliteStudyStore[] = [new SqliteStudyStore(file)];
  const another = async () => {
    open.push(new SqliteStudyStore(file));
    return open[open.length - 1];
  };
  return {
    store: open[0],
    reopen: another,
    share: another,
    async dispose() {
      for (const s of open) await s.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
});
