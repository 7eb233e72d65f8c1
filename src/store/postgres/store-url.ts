import { DeeplineError } from '../../errors/index.ts';

/** A PostgreSQL store URL, checked: what to connect with, the schema, and how to name it in messages. */
export interface StoreUrl {
  /** The URL without deepline's own `schema` parameter, as `pg` takes it. */
  readonly connectionString: string;
  /** The schema every table lives in (`?schema=` of the URL; default `deepline`). */
  readonly schema: string;
  /** `postgres://user@host:port/db?schema=…` — the password left out. */
  readonly display: string;
}

const SCHEMA_RE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Whether `value` names a PostgreSQL store (as opposed to the embedded default). */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/**
 * Parses `postgres://[user[:password]@]host[:port]/database[?schema=name&…]`. `what` names where
 * the URL came from (`--store`, `DEEPLINE_STORE_URL`, `store` of a task file) for the error.
 */
export function parseStoreUrl(value: string, what: string): StoreUrl {
  const fail = (why: string): never => {
    throw new DeeplineError('DL_STORE_URL', `${what} must be a PostgreSQL URL such as postgres://user@127.0.0.1:5432/deepline, but got "${redact(value)}": ${why}`, {
      hint: 'write postgres://[user[:password]@]host[:port]/database, optionally with ?schema=name; leave it out to keep the embedded store in .deepline/',
    });
  };
  if (!isPostgresUrl(value)) fail('only postgres:// and postgresql:// URLs are supported');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail('it is not a URL');
  }
  if (!url.hostname && !url.searchParams.get('host')) fail('it names no host');
  if (url.pathname.replace(/^\//, '') === '') fail('it names no database');
  const schema = url.searchParams.get('schema') ?? 'deepline';
  if (!SCHEMA_RE.test(schema)) fail(`schema "${schema}" must be letters, digits and _ (up to 63), starting with a letter or _`);
  url.searchParams.delete('schema');
  const shown = new URL(url.toString());
  shown.password = '';
  shown.searchParams.set('schema', schema);
  return Object.freeze({ connectionString: url.toString(), schema, display: decodeURIComponent(shown.toString()) });
}

function redact(value: string): string {
  return value.replace(/(\/\/[^:/@]*):[^@]*@/, '$1:***@');
}
