import { DeeplineError } from '../errors/index.ts';

/**
 * JSON with object keys sorted (by UTF-16 code unit) and no whitespace, so equal values always
 * give equal text and therefore equal hashes and cache keys.
 *
 * Stricter than `JSON.stringify` where its lenience would make two different values hash the
 * same: NaN/Infinity (which become `null`), Maps/Sets/typed arrays/class instances (which become
 * `{}` or index-keyed objects), bigint, functions and cycles are rejected. `undefined` object
 * properties are dropped, as in JSON, so `{ a: undefined }` equals `{}`. Objects with `toJSON`
 * (Date) are encoded through it.
 */
export function canonicalJson(value: unknown): string {
  return encode(value, '$', new Set());
}

function encode(value: unknown, path: string, ancestors: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) fail(path, `the number ${value} has no JSON form`);
      // -0 and 0 print the same in JSON; keep them equal here too.
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      fail(path, `a ${typeof value} has no JSON form`);
  }

  const obj = value as object;
  if (ancestors.has(obj)) fail(path, 'the value contains a cycle');
  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return encode(toJSON.call(obj), path, ancestors);

  ancestors.add(obj);
  try {
    if (Array.isArray(obj)) {
      const items = obj.map((item, i) => {
        if (item === undefined) fail(`${path}[${i}]`, 'undefined has no JSON form inside an array');
        return encode(item, `${path}[${i}]`, ancestors);
      });
      return `[${items.join(',')}]`;
    }
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (proto as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      fail(path, `a ${kind} is not a plain object; convert it to an object or array first`);
    }
    const entries: string[] = [];
    for (const key of Object.keys(obj).sort()) {
      const item = (obj as Record<string, unknown>)[key];
      if (item === undefined) continue;
      entries.push(`${JSON.stringify(key)}:${encode(item, `${path}.${key}`, ancestors)}`);
    }
    return `{${entries.join(',')}}`;
  } finally {
    ancestors.delete(obj);
  }
}

function fail(path: string, why: string): never {
  // A value that cannot be encoded is a programming error in the caller, not bad user input.
  throw new DeeplineError('DL_INTERNAL', `cannot encode ${path} as canonical JSON: ${why}`, {
    hint: 'pass only plain objects, arrays, strings, finite numbers, booleans and null',
  });
}
