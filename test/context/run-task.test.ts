import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino, type Logger } from 'pino';
import * as tf from '@tensorflow/tfjs';
import { DeeplineError } from '../../src/errors/index.ts';
import { openWorkspace, type Workspace } from '../../src/store/workspace.ts';
import { loadTaskFile } from '../../src/task/load-task.ts';
import type { TaskSpec } from '../../src/task/task-spec.ts';
import { runTask, type RunTaskResult } from '../../src/context/run-task.ts';
import { loadModel } from '../../src/train/model-io.ts';

const IRIS = path.resolve(import.meta.dirname, '../../examples/iris.yaml');

/** A logger whose warnings the test can read. */
function capture(): { log: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) warnings.push((JSON.parse(line) as { msg: string }).msg);
      done();
    },
  });
  return { log: pino({ level: 'warn' }, sink), warnings };
}

/** Every file of a stored object, as paths under its folder: meta.json and the files of its data. */
async function objectFiles(home: string, hash: string): Promise<string[]> {
  const dir = path.join(home, 'artifacts', 'objects', hash.slice(0, 2), hash);
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

describe('runTask: damaged artifacts, one writer, outputs checked first', { timeout: 600_000 }, () => {
  let dir: string;
  let workspace: Workspace;
  let spec: TaskSpec;
  let first: RunTaskResult;

  before(async () => {
    dir = await fs.mkdtemp(path.join(tmpdir(), 'deepline-run-task-'));
    workspace = await openWorkspace(path.join(dir, 'ws'));
    spec = await loadTaskFile(IRIS, { search: { enabled: false }, output: path.join(dir, 'out') });
    first = await runTask(spec, { workspace, log: capture().log, resume: 'new' });
  });
  after(async () => {
    await workspace.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('rebuilds exactly the affected steps after any single file of any artifact is deleted or truncated, and publishes a loadable model', async () => {
    const order = first.steps.map((s) => s.name);
    const key = new Map(first.steps.map((s) => [s.name, s.cacheKey]));
    const accuracy = first.metrics.kind === 'class' ? first.metrics.accuracy : Number.NaN;
    let latest = first.runId;
    /** Each distinct artifact of the latest run by where it first appears (a pass-through output is the same artifact). */
    const artifacts = async () => {
      const detail = await workspace.metadata.getRunDetail(latest);
      assert.ok(detail);
      const firstSeen = new Map<string, { step: string; output: string }>();
      for (const step of detail.steps) for (const [output, hash] of Object.entries(step.outputs)) if (!firstSeen.has(hash)) firstSeen.set(hash, { step: step.name, output });
      return [...firstSeen].map(([hash, at]) => ({ hash, ...at }));
    };
    let cases = 0;
    for (const { step, output } of await artifacts()) {
      // A rebuilt artifact may get a new hash (training history holds timings): follow the output, not the hash.
      const current = async () => (await artifacts()).find((a) => a.step === step && a.output === output)?.hash ?? '';
      const count = (await objectFiles(workspace.home, await current())).length;
      for (let i = 0; i < count; i++) {
        const hash = await current();
        const rel = (await objectFiles(workspace.home, hash))[i];
        const how = cases % 2 === 0 ? 'delete' : 'truncate';
        const file = path.join(workspace.home, 'artifacts', 'objects', hash.slice(0, 2), hash, rel);
        await fs.chmod(file, 0o644);
        if (how === 'delete') await fs.rm(file);
        else await fs.truncate(file, Math.floor((await fs.stat(file)).size / 2));
        cases++;

        const label = `${how} ${rel} of ${step}.${output} (${hash.slice(0, 12)})`;
        const { log, warnings } = capture();
        const rerun = await runTask(spec, { workspace, log, resume: 'new' });
        latest = rerun.runId;
        // Rerun: the producer, plus whatever its rebuilt content changed downstream (a new cache key).
        const expected = order.filter((s) => s === step || rerun.steps.find((o) => o.name === s)?.cacheKey !== key.get(s));
        assert.deepEqual(rerun.steps.filter((s) => s.status === 'completed').map((s) => s.name), expected, label);
        assert.equal(warnings.length, 1, `${label}: ${warnings.join(' | ')}`);
        assert.match(warnings[0], new RegExp(`"${step}\\.${output}" \\(artifact ${hash.slice(0, 12)}\\) is damaged: .*rerunning step "${step}"`), label);
        if (rel.startsWith('data/')) assert.ok(warnings[0].includes(rel.slice('data/'.length)), `${label}: the warning names the file`);
        for (const s of rerun.steps) key.set(s.name, s.cacheKey);

        const model = await loadModel(path.join(spec.output, 'model'));
        const out = model.predict(tf.zeros([2, model.inputs[0].shape[1] as number])) as tf.Tensor;
        assert.deepEqual(out.shape, [2, 3], `${label}: the published model loads and predicts 3 classes`);
        tf.dispose([out]);
        model.dispose();
        assert.equal(rerun.metrics.kind === 'class' && rerun.metrics.accuracy, accuracy, label);
        for (const f of ['metrics.json', 'report.html', 'transform.json', 'data-report.html', 'run.json']) assert.ok(existsSync(path.join(spec.output, f)), `${label}: ${f}`);
      }
    }
    assert.ok(cases >= 40, `${cases} files damaged one at a time`);
    // All repaired: a full check finds nothing, and the next run reuses every step.
    const rerun = await runTask(spec, { workspace, log: capture().log, resume: 'new', verify: true });
    assert.deepEqual(new Set(rerun.steps.map((s) => s.status)), new Set(['cached']));
  });

  it('stops before any step when the output folder cannot be created, recording no run', async () => {
    const blocker = path.join(dir, 'a-file');
    await fs.writeFile(blocker, 'in the way');
    const runsBefore = (await workspace.metadata.listRuns()).length;
    const blocked = { ...spec, output: path.join(blocker, 'out') } as TaskSpec;
    await assert.rejects(
      runTask(blocked, { workspace, log: capture().log }),
      (e: unknown) => e instanceof DeeplineError && e.code === 'DL_NOT_WRITABLE' && e.message.includes(`${blocker} is a file, not a folder`),
    );
    assert.equal((await workspace.metadata.listRuns()).length, runsBefore, 'no run was recorded, nothing trained');
  });

  it('lets one of two concurrent runs of a task run and stops the other, failing nothing', async () => {
    const other = { ...spec, output: path.join(dir, 'out-concurrent') } as TaskSpec;
    const results = await Promise.allSettled([
      runTask(other, { workspace, log: capture().log, resume: 'new' }),
      runTask(other, { workspace, log: capture().log, resume: 'new' }),
    ]);
    const done = results.filter((r) => r.status === 'fulfilled');
    const stopped = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    assert.equal(done.length, 1);
    assert.equal(stopped.length, 1);
    assert.ok(stopped[0] instanceof DeeplineError && stopped[0].code === 'DL_RUN_LOCKED', String(stopped[0]));
    assert.match((stopped[0] as DeeplineError).message, new RegExp(`^(run \\S+|another deepline run) is in progress \\(pid ${process.pid}\\), publishing to `));
    const runs = await workspace.metadata.listRuns();
    assert.deepEqual(runs.filter((r) => r.status !== 'completed'), [], 'nothing failed, nothing left running');
  });

  it('marks a run failed, not completed, when its output folder is gone by the time it publishes', async () => {
    const output = path.join(dir, 'out-vanishing');
    const vanishing = { ...spec, output } as TaskSpec;
    let runId = '';
    await assert.rejects(
      runTask(vanishing, {
        workspace,
        log: capture().log,
        resume: 'new',
        onEvent: (e) => {
          runId = e.runId;
          // Checked writable at the start, replaced by a file while the run works.
          if (e.type === 'run-start') {
            rmSync(output, { recursive: true, force: true });
            writeFileSync(output, 'now a file');
          }
        },
      }),
      (e: unknown) => e instanceof DeeplineError && e.code === 'DL_NOT_WRITABLE' && e.message.includes(`cannot publish the run into the output folder ${output}`),
    );
    const run = await workspace.metadata.getRun(runId);
    assert.equal(run?.status, 'failed');
    assert.match(run?.error ?? '', /cannot publish/);
    // Every step finished before the failure: once the folder is back, a rerun resumes this run and only publishes.
    rmSync(output);
    const again = await runTask(vanishing, { workspace, log: capture().log });
    assert.equal(again.runId, runId);
    assert.deepEqual(new Set(again.steps.map((s) => s.status)), new Set(['cached']));
    assert.equal((await workspace.metadata.getRun(runId))?.status, 'completed');
    assert.ok(existsSync(path.join(output, 'model', 'weights.bin')));
  });
});
