import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SqliteModelRegistryStore } from '../../src/model-registry/sqlite-model-registry-store.ts';
import { PgDatabase } from '../../src/store/postgres/pg-database.ts';
import { PgModelRegistryStore } from '../../src/model-registry/pg-model-registry-store.ts';
import { modelRegistryStoreConformance } from '../../src/testing/model-registry-store-conformance.ts';
import { postgresUnavailable, TestSchemas } from '../../src/testing/postgres-test-database.ts';

// The same suite on both implementations, so a difference shows as one failing side.
modelRegistryStoreConformance('SqliteModelRegistryStore', async () => {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'deepline-registry-store-'));
  const file = path.join(dir, 'nested', 'metadata.db');
  const open: SqliteModelRegistryStore[] = [new SqliteModelRegistryStore(file)];
  const another = async () => {
    open.push(new SqliteModelRegistryStore(file));
    return open[open.length - 1]!;
  };
  return {
    store: open[0]!,
    reopen: another,
    share: another,
    childOpener: { module: fileURLToPath(new URL('./fixtures/open-sqlite-registry.ts', import.meta.url)), args: [file] },
    async dispose() {
      for (const s of open) await s.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
});

const skip = await postgresUnavailable();
if (skip) describe('ModelRegistryStore conformance: PgModelRegistryStore', { skip }, () => undefined);
else {
  const schemas = new TestSchemas();
  after(() => schemas.dropAll());
  modelRegistryStoreConformance('PgModelRegistryStore', async () => {
    const url = schemas.next();
    const open: PgModelRegistryStore[] = [await PgModelRegistryStore.open(PgDatabase.open(url), { ownsDatabase: true })];
    const another = async () => {
      open.push(await PgModelRegistryStore.open(PgDatabase.open(url), { ownsDatabase: true }));
      return open[open.length - 1]!;
    };
    return {
      store: open[0]!,
      reopen: another,
      share: another,
      childOpener: { module: fileURLToPath(new URL('./fixtures/open-pg-registry.ts', import.meta.url)), args: [url] },
      async dispose() {
        for (const s of open) await s.close();
        await schemas.drop(url);
      },
    };
  });
}
