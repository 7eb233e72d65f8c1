import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';

/** One entry of an npm lockfile's `packages` (v3): where it came from and what it needs. */
interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

export interface Lockfile {
  readonly name: string;
  readonly version: string;
  readonly lockfileVersion: 3;
  readonly requires: true;
  readonly packages: Readonly<Record<string, LockEntry>>;
}

/**
 * A `package-lock.json` for a bundle that depends on `dependencies` (names), pinned to exactly the
 * versions deepline itself runs with: the closure of those packages in the lockfile npm keeps in
 * the `node_modules` that holds them (`node_modules/.package-lock.json`), with their resolved
 * addresses and integrity hashes. So `npm ci` in the bundle installs what deepline tested, and
 * can do so offline from npm's cache. Undefined when deepline was not installed by npm (no such
 * lockfile, or a package missing from it).
 */
export function lockfileFor(name: string, version: string, dependencies: readonly string[]): { lockfile: Lockfile; versions: Record<string, string> } | undefined {
  const hidden = hiddenLockfile(dependencies[0]!);
  if (!hidden) return undefined;
  const packages = hidden.packages;
  /** Node's resolution inside the lockfile: the nearest node_modules/<dep> from `from` upwards. */
  const resolve = (from: string, dep: string): string | undefined => {
    let base = from;
    for (;;) {
      const candidate = `${base ? `${base}/` : ''}node_modules/${dep}`;
      if (packages[candidate]) return candidate;
      if (!base) return undefined;
      const cut = base.lastIndexOf('/node_modules/');
      base = cut < 0 ? '' : base.slice(0, cut);
    }
  };

  const closure = new Map<string, LockEntry>();
  const required = new Set<string>();
  const visit = (path: string, viaOptional: boolean): void => {
    const entry = packages[path]!;
    const seen = closure.has(path);
    if (seen && (viaOptional || required.has(path))) return;
    closure.set(path, entry);
    if (!viaOptional) required.add(path);
    const edges: [string, boolean][] = [
      ...Object.keys(entry.dependencies ?? {}).map((d): [string, boolean] => [d, viaOptional]),
      ...Object.keys(entry.peerDependencies ?? {}).map((d): [string, boolean] => [d, viaOptional]),
      ...Object.keys(entry.optionalDependencies ?? {}).map((d): [string, boolean] => [d, true]),
    ];
    for (const [dep, optional] of edges) {
      const target = resolve(path, dep);
      // Optional packages of other platforms (and peers nobody installed) are absent: npm skips them too.
      if (target) visit(target, optional);
    }
  };
  const versions: Record<string, string> = {};
  for (const dep of dependencies) {
    const path = `node_modules/${dep}`;
    if (!packages[path]?.version) return undefined;
    versions[dep] = packages[path]!.version!;
    visit(path, false);
  }

  const entries: Record<string, LockEntry> = { '': { name, version, dependencies: versions } };
  for (const path of [...closure.keys()].sort()) {
    const { dev: _dev, devOptional: _devOptional, peer: _peer, extraneous: _extraneous, optional: _optional, ...rest } = closure.get(path)!;
    entries[path] = { ...rest, ...(!required.has(path) && { optional: true }) };
  }
  return { lockfile: { name, version, lockfileVersion: 3, requires: true, packages: entries }, versions };
}

/** The npm lockfile of the project whose node_modules holds `pkg` (as deepline resolves it). */
function hiddenLockfile(pkg: string): { packages: Record<string, LockEntry> } | undefined {
  let main: string;
  try {
    main = createRequire(import.meta.url).resolve(`${pkg}/package.json`);
  } catch {
    return undefined;
  }
  const marker = `${sep}node_modules${sep}${pkg.split('/').join(sep)}${sep}`;
  const at = main.lastIndexOf(marker);
  if (at < 0) return undefined;
  // The project's own lockfile lists every platform's optional packages (npm ci checks them all);
  // the one npm keeps in node_modules lists only what it installed here.
  const root = main.slice(0, at);
  for (const file of [join(root, 'package-lock.json'), join(root, 'node_modules', '.package-lock.json')]) {
    if (!existsSync(file)) continue;
    const lock = JSON.parse(readFileSync(file, 'utf8')) as { packages?: Record<string, LockEntry> };
    if (lock.packages?.[`node_modules/${pkg}`]) return { packages: lock.packages };
  }
  return undefined;
}
