import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, readdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ERROR_CODES, type ErrorCode } from '../../src/errors/index.ts';
import { deepline, ROOT, tempDir } from './cli-helpers.ts';

/**
 * A corpus of file faults — missing, unreadable, a folder for a file and the reverse, locked,
 * empty, vanishing mid-read — at every entry point (run, init, profile, validate, show): each is
 * a DeeplineError with its code, the path and the cause, exit 1 or 2, and no stack trace.
 *
 * Permission faults need a user the files are closed to. As root that is `nobody`, through
 * setpriv or runuser; those cases are skipped, with the reason, where neither can run deepline.
 */
const BIN = join(ROOT, 'bin/deepline.js');
const IRIS = join(ROOT, 'examples/data/iris.csv');
const DIGITS = join(ROOT, 'examples/data/digits-images');

interface Fault {
  readonly name: string;
  readonly args: readonly string[];
  readonly code: ErrorCode;
  readonly patterns: readonly RegExp[];
  /** Runs as a user the file is closed to (see `unprivileged`). */
  readonly unprivileged?: boolean;
  /** Another `--home` than the shared workspace. */
  readonly home?: string;
}

/** How to run a command as a user who is not root: `[]` when this process is not root already. */
function findUnprivileged(): { prefix: string[]; uid: number; gid: number } | string {
  if (process.getuid?.() !== 0) return { prefix: [], uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1 };
  const ids = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' });
  const gids = spawnSync('id', ['-g', 'nobody'], { encoding: 'utf8' });
  if (ids.status !== 0) return 'there is no user `nobody`';
  const uid = Number(ids.stdout.trim());
  const gid = Number(gids.stdout.trim());
  // nobody must reach deepline itself (the repository, node_modules) to run it at all.
  const probe = `require('fs').accessSync(${JSON.stringify(BIN)}); require('fs').accessSync(${JSON.stringify(join(ROOT, 'node_modules/tsx/package.json'))})`;
  const tried: string[] = [];
  for (const prefix of [
    ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups'],
    ['runuser', '-u', 'nobody', '--'],
  ]) {
    const r = spawnSync(prefix[0], [...prefix.slice(1), process.execPath, '-e', probe], { encoding: 'utf8' });
    if (r.status === 0) return { prefix, uid, gid };
    tried.push(`${prefix[0]}: ${(r.error?.message ?? r.stderr).trim().split('\n')[0]}`);
  }
  return `cannot run deepline as nobody (${tried.join('; ')})`;
}

describe('file faults at every entry point', { timeout: 600_000 }, () => {
  const base = tempDir('deepline-io-');
  const home = join(base, 'home');
  const who = findUnprivileged();
  const skipUnprivileged = typeof who === 'string' ? who : false;
  const at = (...parts: string[]) => join(base, ...parts);

  /** Files and folders the unprivileged user may use: everything, until a case closes one. */
  const open = (path: string) => {
    if (typeof who !== 'string' && process.getuid?.() === 0) chownSync(path, who.uid, who.gid);
  };

  const run = (fault: Fault) => {
    const args = ['--home', fault.home ?? home, ...fault.args];
    if (!fault.unprivileged) return deepline(fault.args as string[], { home: fault.home ?? home, cwd: base });
    const { prefix } = who as { prefix: string[] };
    const command = [...prefix, process.execPath, BIN, ...args];
    const r = spawnSync(command[0], command.slice(1), { cwd: base, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 240_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  const check = (fault: Fault): string => {
    const r = run(fault);
    const exit = ERROR_CODES[fault.code].exit;
    assert.ok(r.code === 1 || r.code === 2, `exit code 1 or 2 expected, got ${r.code}:\n${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^error\\[${fault.code}\\]`, 'm'), r.stderr);
    assert.equal(r.code, exit, `${fault.code} exits ${exit}:\n${r.stderr}`);
    for (const p of fault.patterns) assert.match(r.stderr, p);
    assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
    assert.doesNotMatch(r.stderr, /Unhandled 'error' event|node:internal|DL_INTERNAL/);
    assert.doesNotMatch(r.stdout, /completed/, 'nothing claims to have completed');
    return r.stderr.split('\n').find((l) => l.startsWith('error['))!;
  };

  const faults: Fault[] = [];
  const add = (fault: Fault) => faults.push(fault);
  const task = (name: string, body: string) => {
    writeFileSync(at(name), body);
    open(at(name));
    return at(name);
  };

  before(() => {
    chmodSync(base, 0o755);
    mkdirSync(home);
    open(home);
    copyFileSync(IRIS, at('iris.csv'));
    open(at('iris.csv'));
    // Tables deepline could read but the unprivileged user cannot.
    copyFileSync(IRIS, at('closed.csv'));
    chmodSync(at('closed.csv'), 0o000);
    mkdirSync(at('locked-folder'));
    copyFileSync(IRIS, at('locked-folder', 'iris.csv'));
    chmodSync(at('locked-folder'), 0o000);
    // An image folder with one unreadable image, and one with an unreadable class folder.
    for (const [folder, classes] of [['images-closed-file', ['0', '1']], ['images-closed-class', ['0', '1']], ['images', ['0', '1']]] as const) {
      for (const cls of classes) {
        mkdirSync(at(folder, cls), { recursive: true });
        for (const n of ['001', '002', '003']) copyFileSync(join(DIGITS, cls, `${n}.png`), at(folder, cls, `${n}.png`));
      }
    }
    chmodSync(at('images-closed-file', '1', '002.png'), 0o000);
    chmodSync(at('images-closed-class', '1'), 0o000);
    // Image lists: a missing image, a folder in place of an image, an unreadable image.
    writeFileSync(at('list-missing.csv'), 'path,label\nimages/0/001.png,zero\nimages/0/nope.png,zero\nimages/1/001.png,one\n');
    writeFileSync(at('list-folder.csv'), 'path,label\nimages/0/001.png,zero\nimages/0,zero\nimages/1/001.png,one\n');
    writeFileSync(at('list-closed.csv'), 'path,label\nimages/0/001.png,zero\nimages-closed-file/1/002.png,one\nimages/1/001.png,one\n');
    writeFileSync(at('empty.csv'), '');
    mkdirSync(at('empty-folder'));
    mkdirSync(at('folder.csv'));
    symlinkSync(at('gone.csv'), at('dangling.csv'));
    writeFileSync(at('plain-file'), 'not a folder\n');
    copyFileSync(IRIS, at('closed-task-data.csv'));
    const closedTask = task('closed-task.yaml', `data: { path: ./iris.csv, target: species }\n`);
    chmodSync(closedTask, 0o000);
    mkdirSync(at('task-folder.yaml'));
    writeFileSync(at('empty-task.yaml'), '');
    // A folder the unprivileged user cannot write into.
    mkdirSync(at('read-only-out'));
    chmodSync(at('read-only-out'), 0o555);
    // A workspace whose metadata file the unprivileged user cannot open.
    mkdirSync(at('closed-home'));
    open(at('closed-home'));
    writeFileSync(at('closed-home', 'metadata.db'), '');
    chmodSync(at('closed-home', 'metadata.db'), 0o000);
    const ok = deepline(['run', '--data', 'iris.csv', '--target', 'species', '--no-search', '--name', 'iris', '--output', at('out')], { home, cwd: base });
    assert.equal(ok.code, 0, ok.stderr);
    open(join(home, 'metadata.db'));
    for (const f of readdirSync(home)) open(join(home, f));
    // Runs as the unprivileged user publish under out/ too: the faults they meet are in the data.
    open(at('out'));
  });

  // deepline run
  add({ name: 'run: missing data file', args: ['run', '--data', 'nowhere.csv', '--target', 'y'], code: 'DL_DATA_MISSING', patterns: [/nowhere\.csv does not exist/] });
  add({ name: 'run: missing data file named in a task file', args: ['run', task('missing-data.yaml', 'data: { path: ./nowhere.csv, target: y }\n')], code: 'DL_DATA_MISSING', patterns: [/missing-data\.yaml:1:\d+/, /nowhere\.csv does not exist/] });
  add({ name: 'run: a data path through a file', args: ['run', '--data', 'plain-file/iris.csv', '--target', 'species'], code: 'DL_DATA_MISSING', patterns: [/plain-file\/iris\.csv/, /is a file, not a folder/] });
  add({ name: 'run: a dangling symbolic link as the data file', args: ['run', '--data', 'dangling.csv', '--target', 'species'], code: 'DL_DATA_MISSING', patterns: [/dangling\.csv does not exist/] });
  add({ name: 'run: a folder where the task wants a CSV file', args: ['run', task('folder-as-csv.yaml', 'data: { path: ./folder.csv, format: csv, target: y }\n')], code: 'DL_DATA_FORMAT', patterns: [/folder\.csv is a folder/] });
  add({ name: 'run: a file where the task wants an image folder', args: ['run', task('file-as-folder.yaml', 'data: { path: ./iris.csv, format: image-folder }\n')], code: 'DL_DATA_FORMAT', patterns: [/iris\.csv is a file/] });
  add({ name: 'run: an empty data file', args: ['run', '--data', 'empty.csv', '--target', 'y'], code: 'DL_DATA_FORMAT', patterns: [/empty\.csv is empty/] });
  add({ name: 'run: an empty data folder', args: ['run', '--data', 'empty-folder'], code: 'DL_DATA_FORMAT', patterns: [/empty-folder/] });
  add({ name: 'run: an image list naming a missing image', args: ['run', task('list-missing.yaml', 'data: { path: ./list-missing.csv, format: image-list }\n')], code: 'DL_DATA_MISSING', patterns: [/list-missing\.csv row 2/, /nope\.png does not exist/] });
  add({ name: 'run: an image list naming a folder', args: ['run', task('list-folder.yaml', 'data: { path: ./list-folder.csv, format: image-list }\n')], code: 'DL_DATA_MISSING', patterns: [/list-folder\.csv row 2/, /is not a file/] });
  add({ name: 'run: a missing task file', args: ['run', 'nowhere.yaml'], code: 'DL_TASK_FILE', patterns: [/task file nowhere\.yaml does not exist/] });
  add({ name: 'run: a folder as the task file', args: ['run', 'task-folder.yaml'], code: 'DL_TASK_FILE', patterns: [/task-folder\.yaml is a folder, not a file/] });
  add({ name: 'run: a task file path through a file', args: ['run', 'plain-file/task.yaml'], code: 'DL_TASK_FILE', patterns: [/plain-file\/task\.yaml/, /is a file, not a folder/] });
  add({ name: 'run: an empty task file', args: ['run', 'empty-task.yaml'], code: 'DL_TASK_FILE', patterns: [/empty-task\.yaml is empty/] });
  add({ name: 'run: a workspace that is a file', args: ['run', '--data', 'iris.csv', '--target', 'species'], home: at('plain-file'), code: 'DL_NOT_WRITABLE', patterns: [/plain-file/, /not a folder|ENOTDIR|EEXIST/] });
  add({ name: 'run: an unreadable data file', args: ['run', '--data', 'closed.csv', '--target', 'species'], unprivileged: true, code: 'DL_FILE_ACCESS', patterns: [/permission denied: cannot read data.* \S*closed\.csv \(EACCES\)/] });
  add({ name: 'run: an unreadable data file named in a task file', args: ['run', task('closed-data.yaml', 'data: { path: ./closed.csv, target: species }\n')], unprivileged: true, code: 'DL_FILE_ACCESS', patterns: [/closed-data\.yaml:1:\d+/, /closed\.csv/, /permission denied/] });
  add({ name: 'run: a data file in a folder that cannot be entered', args: ['run', '--data', 'locked-folder/iris.csv', '--target', 'species'], unprivileged: true, code: 'DL_FILE_ACCESS', patterns: [/locked-folder\/iris\.csv/, /permission denied/] });
  add({ name: 'run: an unreadable image in an image folder', args: ['run', '--data', 'images-closed-file', '--no-search'], unprivileged: true, code: 'DL_FILE_ACCESS', patterns: [/images-closed-file\/1\/002\.png/, /permission denied/] });
  add({ name: 'run: an unreadable class folder', args: ['run', '--data', 'images-closed-class', '--no-search'], unprivileged: true, code: 'DL_FILE_ACCESS', patterns: [/images-closed-class\/1/, /permission denied/] });
  add({ name: 'run: an image list naming an unreadable image', args: ['run', task('list-closed.yaml', 'data: { path: ./list-closed.csv, format: image-list }\n'), '--no-search'], unprivileged: true, code: 'DL_FILE_ACCESS', patterns: [/002\.png/, /permission denied/] });
  add({ name: 'run: an unreadable task file', args: ['run', 'closed-task.yaml'], unprivileged: true, code: 'DL_TASK_FILE', patterns: [/permission denied: cannot read task file closed-task\.yaml \(EACCES\)/] });
  add({ name: 'run: a workspace the user cannot write', args: ['run', '--data', 'iris.csv', '--target', 'species'], home: at('read-only-out', 'home'), unprivileged: true, code: 'DL_NOT_WRITABLE', patterns: [/read-only-out/, /permission denied/] });
  // deepline init
  add({ name: 'init: an unreadable data file', args: ['init', '--data', 'closed.csv', '--target', 'species'], unprivileged: true, code: 'DL_FILE_ACCESS', patterns: [/closed\.csv/, /permission denied/] });
  add({ name: 'init: a task file to write under a file', args: ['init', '--data', 'iris.csv', '--target', 'species', '--file', 'plain-file/task.yaml'], code: 'DL_FILE_ACCESS', patterns: [/plain-file/, /not a folder|ENOTDIR|EEXIST/] });
  add({ name: 'init: a task file to write into a read-only folder', args: ['init', '--data', 'iris.csv', '--target', 'species', '--file', 'read-only-out/task.yaml'], unprivileged: true, code: 'DL_FILE_ACCESS', patterns: [/permission denied: cannot write task file \S*read-only-out\/task\.yaml/] });
  // deepline profile
  add({ name: 'profile: a missing task file', args: ['profile', 'nowhere.yaml'], code: 'DL_TASK_FILE', patterns: [/nowhere\.yaml does not exist/] });
  add({ name: 'profile: an unreadable data file', args: ['profile', task('profile-closed.yaml', 'data: { path: ./closed.csv, target: species }\n')], unprivileged: true, code: 'DL_FILE_ACCESS', patterns: [/closed\.csv/, /permission denied/] });
  add({ name: 'profile: an output folder under a file', args: ['profile', task('profile-ok.yaml', 'data: { path: ./iris.csv, target: species }\n'), '--out', 'plain-file/report'], code: 'DL_FILE_ACCESS', patterns: [/plain-file\/report/, /not a folder|ENOTDIR|EEXIST/] });
  add({ name: 'profile: a read-only output folder', args: ['profile', at('profile-ok.yaml'), '--out', 'read-only-out'], unprivileged: true, code: 'DL_FILE_ACCESS', patterns: [/permission denied: cannot write data report \S*read-only-out\/data-report\.html/] });
  // deepline validate
  add({ name: 'validate: missing new data', args: ['validate', at('profile-ok.yaml'), 'nowhere.csv'], code: 'DL_DATA_MISSING', patterns: [/nowhere\.csv does not exist/] });
  add({ name: 'validate: a folder as new data', args: ['validate', at('profile-ok.yaml'), 'folder.csv'], code: 'DL_FILE_ACCESS', patterns: [/folder\.csv is a folder, not a file/] });
  add({ name: 'validate: unreadable new data', args: ['validate', at('profile-ok.yaml'), 'closed.csv'], unprivileged: true, code: 'DL_FILE_ACCESS', patterns: [/closed\.csv/, /permission denied/] });
  add({ name: 'validate: a missing schema file', args: ['validate', at('profile-ok.yaml'), 'iris.csv', '--schema', 'nowhere.json'], code: 'DL_DATA_MISSING', patterns: [/schema file \S*nowhere\.json does not exist/] });
  add({ name: 'validate: a folder as the schema file', args: ['validate', at('profile-ok.yaml'), 'iris.csv', '--schema', 'empty-folder'], code: 'DL_FILE_ACCESS', patterns: [/schema file \S*empty-folder is a folder/] });
  add({ name: 'validate: an unreadable schema file', args: ['validate', at('profile-ok.yaml'), 'iris.csv', '--schema', 'closed.csv'], unprivileged: true, code: 'DL_FILE_ACCESS', patterns: [/permission denied: cannot read schema file \S*closed\.csv/] });
  // deepline show (and runs)
  add({ name: 'show: a workspace that is a file', args: ['show', 'anything'], home: at('plain-file'), code: 'DL_NOT_WRITABLE', patterns: [/plain-file/] });
  add({ name: 'show: an unreadable metadata file', args: ['show', 'anything'], home: at('closed-home'), unprivileged: true, code: 'DL_FILE_ACCESS', patterns: [/closed-home\/metadata\.db/, /permission denied/] });
  add({ name: 'runs: an unreadable metadata file', args: ['runs'], home: at('closed-home'), unprivileged: true, code: 'DL_FILE_ACCESS', patterns: [/closed-home\/metadata\.db/, /permission denied/] });

  test('the corpus holds at least 20 faults', () => {
    assert.ok(faults.length >= 20, `${faults.length} faults`);
  });

  for (const fault of faults) {
    test(fault.name, { skip: fault.unprivileged ? skipUnprivileged : false }, (t) => t.diagnostic(check(fault)));
  }

  test('show: a metadata file another process holds locked', async () => {
    // An exclusive transaction in another process keeps every reader and writer out until it ends.
    const holder = spawn(process.execPath, ['-e', LOCK_SCRIPT, join(home, 'metadata.db')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.once('data', () => resolve());
        holder.once('exit', (code) => reject(new Error(`the lock holder exited (${code})`)));
      });
      const r = deepline(['show', 'anything'], { home, cwd: base });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^error\[DL_STORE\]: metadata store \S*metadata\.db is locked by another process/m);
      assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m);
    } finally {
      holder.kill();
    }
  });

  test('run: the images vanish while they are being read', async () => {
    // Many copies of a few digits, so the read is still going when the folder is moved away.
    const images = at('vanishing');
    for (const cls of ['0', '1']) {
      mkdirSync(join(images, cls), { recursive: true });
      for (let i = 0; i < 1500; i++) copyFileSync(join(DIGITS, cls, `00${(i % 3) + 1}.png`), join(images, cls, `${i}.png`));
    }
    const child = spawn(process.execPath, [BIN, '--home', home, 'run', '--data', images, '--no-search'], { cwd: base, env: { ...process.env, CI: 'true' } });
    let stderr = '';
    let moved = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      // The first progress line of the read: at most a few percent of the images are in.
      if (!moved && /\] ingest: \d+% /.test(stderr)) {
        moved = true;
        renameSync(images, `${images}-gone`);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.ok(moved, `no progress line was seen:\n${stderr}`);
    assert.equal(code, 2, stderr);
    // Whichever read finds the hole (decoding the images, or hashing them for the data version).
    assert.match(stderr, /^error\[DL_DATA_MISSING\]: .*(image|data file) \S*vanishing\/[01]\/\d+\.png does not exist/m);
    assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m);
  });

  after(() => {
    // chmod back so the temp folder can be removed by whoever cleans it.
    spawnSync('chmod', ['-R', 'u+rwX', base]);
  });
});

/** Holds an exclusive SQLite lock on the file in argv[1] until killed; prints a line once it has it. */
const LOCK_SCRIPT = `
const Database = require(${JSON.stringify(join(ROOT, 'node_modules/better-sqlite3'))});
const db = new Database(process.argv[1]);
// Exclusive locking mode keeps even WAL readers out once the first write lock is taken.
db.pragma('locking_mode = EXCLUSIVE');
db.exec('BEGIN EXCLUSIVE');
process.stdout.write('locked\\n');
setInterval(() => {}, 1000);
`;
