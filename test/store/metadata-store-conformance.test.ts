import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe } from 'node:test';
import { SqliteMetadataStore } from '../../src/store/metadata/sqlite-metadata-store.ts';
import { PgDatabase } from '../../src/store/postgres/pg-database.ts';
import { PgMetadataStore } from '../../src/store/postgres/pg-metadata-store.ts';
import { metadataStoreConformance } from '../../src/testing/metadata-store-conformance.ts';
import { postgresUnavailable, TestSchemas } from '../../src/testing/postgres-test-database.ts';

// The same suite on both implementations, so a difference shows as one failing side.
metadataStoreConformance('SqliteMetadataStore', async () => {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'deepline-sqlite-'));
  const file = path.join(dir, 'nested', 'metadata.db');
  const open: SqliteMetadataStore[] = [new SqliteMetadataStore(file)];
  return {
    store: open[0],
    async reopen() {
      open.push(new SqliteMetadataStore(file));
      return open[open.length - 1];
    },
    async dispose() {
      for (const s of open) await s.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
});

const skip = await postgresUnavailable();
if (skip) describe('MetadataStore conformance: PgMetadataStore', { skip }, () => undefined);
else {
  const schemas = new TestSchemas();
  after(() => schemas.dropAll());
  metadataStoreConformance('PgMetadataStore', async () => {
    const url = schemas.next();
    const open: PgMetadataStore[] = [await PgMetadataStore.open(PgDatabase.open(url), { ownsDatabase: true })];
    return {
      store: open[0],
      async reopen() {
        open.push(await PgMetadataStore.open(PgDatabase.open(url), { ownsDatabase: true }));
        return open[open.length - 1];
      },
      async dispose() {
        for (const s of open) await s.close();
        await schemas.drop(url);
      },
    };
  });
}
