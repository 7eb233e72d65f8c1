import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { ROOT, tempDir } from './cli-helpers.ts';

test('the CLI exits after a long answer has gone through a slow pipe, not at its first 64 KiB', () => {
  const dir = tempDir('deepline-exit-flush-');
  const script = join(dir, 'long-answer.mts');
  const exit = pathToFileURL(join(ROOT, 'src/cli/exit-after-flush.ts')).href;
  // As `deepline show <run> --json | jq` with a reader that starts late: 300 KB on stdout, 100 KB on stderr.
  writeFileSync(script, `import { exitAfterFlush } from ${JSON.stringify(exit)};\nprocess.stdout.write('x'.repeat(300_000));\nprocess.stderr.write('y'.repeat(100_000));\nawait exitAfterFlush(3);\n`);
  const node = `"${process.execPath}" --import tsx "${script}"`;
  const bytes = (pipeline: string): number => {
    const r = spawnSync('sh', ['-c', pipeline], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    return Number(r.stdout.trim());
  };
  assert.equal(bytes(`${node} 2>/dev/null | (sleep 0.3; wc -c)`), 300_000);
  assert.equal(bytes(`${node} 2>&1 >/dev/null | (sleep 0.3; wc -c)`), 100_000);
  assert.equal(spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: 'ignore' }).status, 3, 'the exit code is kept');
});
