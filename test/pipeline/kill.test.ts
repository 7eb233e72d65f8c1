import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { PipelineEvent } from '../../src/pipeline/events.ts';
import { FsArtifactStore } from '../../src/store/artifacts/fs-artifact-store.ts';
import { SqliteMetadataStore } from '../../src/store/metadata/sqlite-metadata-store.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.join(here, 'fixtures', 'kill-pipeline.ts');
const repoRoot = path.resolve(here, '..', '..');

interface Child {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  stderr(): string;
  /** Resolves when `line` appears on stdout; rejects if the child exits first. */
  waitFor(line: string): Promise<void>;
}

function start(dir: string, runId: string, mode: 'block' | 'run'): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir, runId, mode], { cwd: repoRoot, stdio: 'pipe' });
  const lines: string[] = [];
  const lineEvents = new EventEmitter();
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  createInterface({ input: child.stdout }).on('line', (l) => {
    lines.push(l);
    lineEvents.emit('line', l);
  });
  const waitFor = (line: string) =>
    new Promise<void>((resolve, reject) => {
      if (lines.includes(line)) return resolve();
      const onExit = (code: number | null) => reject(new Error(`child exited (${code}) before printing ${line}:\n${err}`));
      const onLine = (l: string) => {
        if (l !== line) return;
        child.off('exit', onExit);
        lineEvents.off('line', onLine);
        resolve();
      };
      child.once('exit', onExit);
      lineEvents.on('line', onLine);
    });
  return { child, lines, stderr: () => err, waitFor };
}

it('a run killed during step 3 keeps steps 1-2, and a rerun reuses them and finishes 3-4', { timeout: 90_000 }, async () => {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'deepline-kill-'));
  try {
    const first = start(dir, 'run-1', 'block');
    await first.waitFor('STEP3_STARTED');
    first.child.kill('SIGKILL');
    const [code, signal] = (await once(first.child, 'exit')) as [number | null, string | null];
    assert.equal(signal, 'SIGKILL', `the first run must die by the kill, not exit (${code})`);

    const second = start(dir, 'run-2', 'run');
    const [exitCode] = (await once(second.child, 'close')) as [number | null];
    assert.equal(exitCode, 0, second.stderr());
    const events = second.lines.filter((l) => l.startsWith('EVENT ')).map((l) => JSON.parse(l.slice(6)) as PipelineEvent);
    assert.deepEqual(
      events.flatMap((e) => (e.type === 'step-end' ? [`${e.step}:${e.status}`] : [])),
      ['a:cached', 'b:cached', 'c:completed', 'd:completed'],
    );
    assert.ok(second.lines.includes('STEP3_STARTED'), 'step 3 really ran again');

    const metadata = new SqliteMetadataStore(path.join(dir, 'metadata.db'));
    try {
      const run1 = await metadata.getRunDetail('run-1');
      const run2 = await metadata.getRunDetail('run-2');
      assert.ok(run1 && run2);
      // The killed run: finished steps intact, c still marked running, d never started.
      assert.equal(run1.run.status, 'running');
      assert.deepEqual(run1.steps.map((s) => `${s.name}:${s.status}`), ['a:completed', 'b:completed', 'c:running']);
      assert.deepEqual(run1.lineage.filter((e) => e.direction === 'output').map((e) => e.stepName), ['a', 'b']);
      assert.equal(run2.run.status, 'completed');
      assert.deepEqual(run2.steps.map((s) => `${s.name}:${s.status}`), ['a:cached', 'b:cached', 'c:completed', 'd:completed']);
      assert.deepEqual(run2.steps.slice(0, 2).map((s) => s.outputs), run1.steps.slice(0, 2).map((s) => s.outputs));
      assert.deepEqual(run2.steps.map((s) => s.cacheKey).slice(0, 3), run1.steps.map((s) => s.cacheKey));

      const artifacts = new FsArtifactStore(path.join(dir, 'artifacts'));
      const value = async (step: string) => {
        const ref = await artifacts.get(run2.steps.find((s) => s.name === step)?.outputs.value ?? '');
        assert.ok(ref, `output of ${step} is stored`);
        return artifacts.readJson<number>(ref);
      };
      assert.deepEqual([await value('a'), await value('b'), await value('c'), await value('d')], [1, 11, 111, 1111]);
    } finally {
      await metadata.close();
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
