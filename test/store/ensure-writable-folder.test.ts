import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DeeplineError } from '../../src/errors/index.ts';
import { ensureWritableFolder } from '../../src/store/ensure-writable-folder.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'deepline-writable-'));
  try {
    await fn(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const notWritable = (pattern: RegExp) => (e: unknown) => e instanceof DeeplineError && e.code === 'DL_NOT_WRITABLE' && e.exitCode === 2 && pattern.test(e.message);

/** How to run a command as `nobody` here, or why it cannot be done (so permission cases can be skipped). */
function asNobody(): { prefix: string[] } | { skip: string } {
  if (process.getuid?.() !== 0) return { skip: 'not root: cannot switch to nobody' };
  for (const prefix of [['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'], ['runuser', '-u', 'nobody', '--']]) {
    if (spawnSync(prefix[0], [...prefix.slice(1), 'true']).status === 0) return { prefix };
  }
  return { skip: 'neither setpriv nor runuser can switch to nobody here' };
}

describe('ensureWritableFolder', () => {
  it('creates a missing folder with its parents and leaves nothing in it', () =>
    withDir(async (dir) => {
      const out = path.join(dir, 'a', 'b', 'out');
      await ensureWritableFolder(out, 'output folder');
      assert.deepEqual(await fs.readdir(out), []);
      await ensureWritableFolder(out, 'output folder');
    }));

  it('names the regular file that is in the way', () =>
    withDir(async (dir) => {
      const file = path.join(dir, 'notes.txt');
      await fs.writeFile(file, 'x');
      await assert.rejects(ensureWritableFolder(path.join(file, 'out', 'iris'), 'output folder'), notWritable(new RegExp(`^output folder ${file}/out/iris cannot be created: ${file} is a file, not a folder$`)));
      await assert.rejects(ensureWritableFolder(file, 'workspace'), notWritable(new RegExp(`^workspace ${file} cannot be created: ${file} is a file, not a folder$`)));
    }));

  const nobody = asNobody();
  it('refuses a read-only folder, checked as an unprivileged user', { skip: 'skip' in nobody ? nobody.skip : false }, () =>
    withDir(async (dir) => {
      if (!('prefix' in nobody)) return;
      await fs.chmod(dir, 0o755);
      const readOnly = path.join(dir, 'read-only');
      await fs.mkdir(readOnly, { mode: 0o555 });
      await fs.chmod(readOnly, 0o555);
      const script = `import { ensureWritableFolder } from './src/store/ensure-writable-folder.ts';
for (const target of process.argv.slice(1)) {
  try { await ensureWritableFolder(target, 'output folder'); console.log('ok'); }
  catch (e) { console.log(e.code + ' ' + e.message); }
}`;
      const r = spawnSync(nobody.prefix[0], [...nobody.prefix.slice(1), process.execPath, '--import', 'tsx', '--input-type=module', '-e', script, readOnly, path.join(readOnly, 'sub')], {
        cwd: repoRoot,
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n'), [
        `DL_NOT_WRITABLE output folder ${readOnly} is not writable: permission denied`,
        `DL_NOT_WRITABLE output folder ${readOnly}/sub cannot be created: permission denied`,
      ]);
    }));
});
