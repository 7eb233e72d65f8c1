import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server tests use: `DEEPLINE_TEST_PG_URL`, else postgres://root@127.0.0.1:5432/test
 * (CI starts it; see .ci/run). Each test file takes schemas of its own under a random prefix and
 * drops them when done, so test files running at once never see each other's tables.
 */
export const TEST_PG_URL = process.env.DEEPLINE_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';

/** Why PostgreSQL tests cannot run here, or undefined when the server answers. */
export async function postgresUnavailable(url = TEST_PG_URL): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (e) {
    return `PostgreSQL is not reachable at ${url} (${(e as Error).message}): start it (.ci/run does) or set DEEPLINE_TEST_PG_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Fresh schemas on the test server, each a store URL of its own; `dropAll` removes every one made. */
export class TestSchemas {
  private readonly prefix = `t_${randomBytes(4).toString('hex')}`;
  private readonly made: string[] = [];
  private count = 0;

  constructor(private readonly url = TEST_PG_URL) {}

  /** A store URL on a schema no one has used (created by the first store that opens it). */
  next(): string {
    const schema = `${this.prefix}_${++this.count}`;
    this.made.push(schema);
    return withSchema(this.url, schema);
  }

  /** Drops one schema made by `next` (given its URL), with everything in it. */
  async drop(storeUrl: string): Promise<void> {
    const schema = new URL(storeUrl).searchParams.get('schema');
    if (schema) await this.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }

  async dropAll(): Promise<void> {
    for (const schema of this.made) await this.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }

  private async exec(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}

/** `url` with its `schema` parameter set. */
export function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  return u.toString();
}
