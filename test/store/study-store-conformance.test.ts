import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe } from 'node:test';
import { SqliteStudyStore } from '../../src/store/metadata/sqlite-study-store.ts';
import { PgDatabase } from '../../src/store/postgres/pg-database.ts';
import { PgStudyStore } from '../../src/store/postgres/pg-study-store.ts';
import { postgresUnavailable, TestSchemas } from '../../src/testing/postgres-test-database.ts';
import { studyStoreConformance } from '../../src/testing/study-store-conformance.ts';

// The same suite on both implementations, so a difference shows as one failing side.
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

const skip = await postgresUnavailable();
if (skip) describe('StudyStore conformance: PgStudyStore', { skip }, () => undefined);
else {
  const schemas = new TestSchemas();
  after(() => schemas.dropAll());
  studyStoreConformance('PgStudyStore', async () => {
    const url = schemas.next();
    const open: PgStudyStore[] = [await PgStudyStore.open(PgDatabase.open(url), { ownsDatabase: true })];
    const another = async () => {
      open.push(await PgStudyStore.open(PgDatabase.open(url), { ownsDatabase: true }));
      return open[open.length - 1];
    };
    return {
      store: open[0],
      reopen: another,
      share: another,
      async dispose() {
        for (const s of open) await s.close();
        await schemas.drop(url);
      },
    };
  });
}
