import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { deepline, deeplineUntil, ROOT, tempDir } from './cli-helpers.ts';

interface RunRow {
  id: string;
  status: string;
}

describe('one writer per run, and outputs checked before the work', { timeout: 240_000 }, () => {
  test('a second run of a task while the first runs stops, names the first, and fails nothing', async () => {
    const home = tempDir();
    const output = join(home, 'out');
    const args = ['run', 'examples/iris.yaml', '--no-search', '--output', output, '--json'];
    const first = deeplineUntil(args, { home }, /train: started/);
    await first.matched;
    // Frozen mid-step, the first run still holds its locks: no race with it finishing early.
    first.child.kill('SIGSTOP');
    try {
      const live = JSON.parse(deepline(['runs', '--json'], { home }).stdout) as RunRow[];
      assert.deepEqual(live.map((r) => r.status), ['running'], 'a live run is not shown as interrupted');

      for (const extra of [[], ['--new']]) {
        const second = deepline([...args, ...extra], { home });
        assert.equal(second.code, 1, second.stderr);
        assert.match(second.stderr, new RegExp(`error\\[DL_RUN_LOCKED\\]: run ${live[0].id} is in progress \\(pid ${first.child.pid}\\)`), extra.join(' '));
        assert.equal((JSON.parse(second.stdout) as { error: { code: string } }).error.code, 'DL_RUN_LOCKED', 'with --json, the error is JSON on stdout');
      }
      assert.deepEqual(JSON.parse(deepline(['runs', '--json'], { home }).stdout), live, 'the second run recorded and changed nothing');
    } finally {
      first.child.kill('SIGCONT');
    }
    assert.equal(await first.exited, 0, first.stderr());
    const runs = JSON.parse(deepline(['runs', '--json'], { home }).stdout) as RunRow[];
    assert.deepEqual(runs.map((r) => r.status), ['completed']);
    const detail = JSON.parse(deepline(['show', runs[0].id, '--json'], { home }).stdout) as { steps: { status: string }[] };
    assert.ok(detail.steps.every((s) => s.status === 'completed'), 'no step of the first run was marked failed');
    assert.ok(existsSync(join(output, 'model', 'weights.bin')));
  });

  test('output under a regular file fails at once with the path, training nothing', () => {
    const home = tempDir();
    const file = join(home, 'results.txt');
    writeFileSync(file, 'not a folder');
    const r = deepline(['run', 'examples/iris.yaml', '--no-search', '--output', join(file, 'iris')], { home });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`error\\[DL_NOT_WRITABLE\\]: output folder ${file}/iris cannot be created: ${file} is a file, not a folder`));
    assert.doesNotMatch(r.stderr, /started|completed/, 'no step ran');
    assert.deepEqual(JSON.parse(deepline(['runs', '--json'], { home }).stdout), [], 'no run was recorded');
  });

  test('a workspace under a regular file fails at once with the path', () => {
    const dir = tempDir();
    const file = join(dir, 'ws');
    writeFileSync(file, '');
    const r = deepline(['runs'], { home: join(file, '.deepline') });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`error\\[DL_NOT_WRITABLE\\]: workspace ${file}/.deepline cannot be created: ${file} is a file, not a folder`));
  });

  const nobody = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];
  const canSwitch = process.getuid?.() === 0 && spawnSync(nobody[0], [...nobody.slice(1), 'true']).status === 0;
  test('a read-only output folder fails at once for an unprivileged user', { skip: canSwitch ? false : 'needs root and setpriv to run the CLI as nobody' }, () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const home = join(dir, 'ws');
    mkdirSync(home);
    chmodSync(home, 0o777);
    const readOnly = join(dir, 'read-only');
    mkdirSync(readOnly, { mode: 0o555 });
    chmodSync(readOnly, 0o555);
    const r = spawnSync(nobody[0], [...nobody.slice(1), process.execPath, join(ROOT, 'bin/deepline.js'), '--home', home, 'run', 'examples/iris.yaml', '--no-search', '--output', readOnly], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', HOME: dir },
      timeout: 120_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`error\\[DL_NOT_WRITABLE\\]: output folder ${readOnly} is not writable: permission denied`));
    assert.doesNotMatch(r.stderr, /started|completed/);
    assert.deepEqual(JSON.parse(deepline(['runs', '--json'], { home }).stdout), []);
  });
});
