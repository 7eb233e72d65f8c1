import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SqlitePriorStore } from '../../src/store/metadata/sqlite-prior-store.ts';
import { priorStoreConformance } from '../../src/testing/prior-store-conformance.ts';

priorStoreConformance('SqlitePriorStore', async () => {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'deepline-prior-store-'));
  const file = path.join(dir, 'metadata.db');
  const open: SqlitePriorStore[] = [new SqlitePriorStore(file)];
  const another = async () => {
    open.push(new SqlitePriorStore(file));
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
