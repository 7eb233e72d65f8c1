import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { DeeplineError } from '../../src/errors/index.ts';
import { deriveSeed } from '../../src/seed/derive-seed.ts';
import type { PipelineEvent } from '../../src/pipeline/events.ts';
import { definePipeline } from '../../src/pipeline/pipeline.ts';
import { runPipeline } from '../../src/pipeline/runner.ts';
import { defineStep, type Step, type StepParams } from '../../src/pipeline/step.ts';
import { FsArtifactStore } from '../../src/store/artifacts/fs-artifact-store.ts';
import { SqliteMetadataStore } from '../../src/store/metadata/sqlite-metadata-store.ts';
import { createDefaultContext } from '../../src/context/deepline-context.ts';

const RESUME = 'rerun `deepline run task.yaml` to resume';

interface Ws {
  dir: string;
  metadata: SqliteMetadataStore;
  artifacts: FsArtifactStore;
  calls: string[];
  /** Runs `steps` as a new run `id` and returns its result and events. */
  run(id: string, steps: Step[], seed?: number): Promise<{ result: Awaited<ReturnType<typeof runPipeline>>; events: PipelineEvent[] }>;
}

async function withWs(fn: (ws: Ws) => Promise<void>): Promise<void> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'deepline-runner-'));
  const metadata = new SqliteMetadataStore(path.join(dir, 'metadata.db'));
  const artifacts = new FsArtifactStore(path.join(dir, 'artifacts'));
  const ws: Ws = {
    dir,
    metadata,
    artifacts,
    calls: [],
    async run(id, steps, seed = 1) {
      if (!(await metadata.getRun(id))) await metadata.createRun({ id, name: id, taskType: 'test', taskFile: '', spec: {} });
      const events: PipelineEvent[] = [];
      const result = await runPipeline({
        pipeline: definePipeline(steps),
        runId: id,
        metadata,
        artifacts,
        stateDir: dir,
        seed,
        log: pino({ level: 'silent' }),
        onEvent: (e) => events.push(e),
        resumeHint: RESUME,
        context: await createDefaultContext({ home: dir }),
      });
      return { result, events };
    },
  };
  try {
    await fn(ws);
  } finally {
    await metadata.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** load → double → sum: small arithmetic whose results the tests can check. */
function chain(ws: Ws, opts: { rows?: number[]; factor?: number; note?: string; version?: string; sumFails?: Error } = {}): Step[] {
  const load = defineStep({
    name: 'load',
    version: '1',
    params: { rows: opts.rows ?? [1, 2, 3] },
    inputs: {},
    outputs: ['rows'],
    async run(ctx) {
      ws.calls.push('load');
      return { rows: await ctx.artifacts.putJson(opts.rows ?? [1, 2, 3]) };
    },
  });
  const double = defineStep({
    name: 'double',
    version: opts.version ?? '1',
    // `note` changes the cache key but not the output: downstream must then stay cached.
    params: { factor: opts.factor ?? 2, note: opts.note ?? '' },
    inputs: { rows: 'load.rows' },
    outputs: ['rows'],
    async run(ctx, inputs) {
      ws.calls.push('double');
      const rows = await ctx.artifacts.readJson<number[]>(inputs.rows);
      await ctx.logMetric('count', rows.length, { epoch: 1 });
      return { rows: await ctx.artifacts.putJson(rows.map((r) => r * (opts.factor ?? 2))) };
    },
  });
  const sum = defineStep({
    name: 'sum',
    version: '1',
    params: {},
    inputs: { rows: 'double.rows' },
    outputs: ['total', 'report'],
    async run(ctx, inputs) {
      ws.calls.push('sum');
      if (opts.sumFails) throw opts.sumFails;
      const rows = await ctx.artifacts.readJson<number[]>(inputs.rows);
      const total = rows.reduce((a, b) => a + b, 0);
      await fs.mkdir(path.join(ctx.workDir, 'report'));
      await fs.writeFile(path.join(ctx.workDir, 'report', 'total.txt'), String(total));
      return { total: await ctx.artifacts.putJson(total), report: await ctx.artifacts.putDir(path.join(ctx.workDir, 'report'), { move: true }) };
    },
  });
  return [sum, load, double];
}

const statuses = (events: PipelineEvent[]) =>
  events.flatMap((e) => (e.type === 'step-end' ? [`${e.step}:${e.status}`] : []));

describe('runPipeline', () => {
  it('runs every step, records outputs, lineage and metrics, and returns each output', () =>
    withWs(async (ws) => {
      const { result, events } = await ws.run('r1', chain(ws));
      assert.deepEqual(ws.calls, ['load', 'double', 'sum']);
      assert.deepEqual(Object.keys(result.outputs).sort(), ['double.rows', 'load.rows', 'sum.report', 'sum.total']);
      assert.equal(await ws.artifacts.readJson(result.outputs['sum.total']), 12);
      assert.deepEqual(result.steps.map((s) => [s.name, s.status]), [['load', 'completed'], ['double', 'completed'], ['sum', 'completed']]);
      assert.deepEqual(events.map((e) => e.type), ['run-start', 'step-start', 'step-end', 'step-start', 'step-end', 'step-start', 'step-end', 'run-end']);
      const end = events.at(-1);
      assert.ok(end?.type === 'run-end' && end.status === 'completed' && end.counts.completed === 3);

      const detail = await ws.metadata.getRunDetail('r1');
      assert.equal(detail?.run.status, 'completed');
      assert.deepEqual(detail?.steps.map((s) => [s.name, s.status]), [['load', 'completed'], ['double', 'completed'], ['sum', 'completed']]);
      assert.deepEqual(detail?.steps[2].outputs, { total: result.outputs['sum.total'].hash, report: result.outputs['sum.report'].hash });
      const edges = detail?.lineage.map((e) => `${e.stepName} ${e.direction} ${e.name} ${e.artifactHash.slice(0, 8)}`);
      const h = (k: string) => result.outputs[k].hash.slice(0, 8);
      assert.deepEqual(edges, [
        `load output rows ${h('load.rows')}`,
        `double input rows ${h('load.rows')}`,
        `double output rows ${h('double.rows')}`,
        `sum input rows ${h('double.rows')}`,
        `sum output total ${h('sum.total')}`,
        `sum output report ${h('sum.report')}`,
      ]);
      assert.deepEqual(detail?.metrics.map((m) => [m.stepName, m.key, m.value, m.epoch]), [['double', 'count', 3, 1]]);
      // Scratch folders of finished steps are gone.
      assert.deepEqual(await fs.readdir(path.join(ws.dir, 'tmp')), []);
    }));

  it('reuses every step on an identical second run, with the same outputs and lineage', () =>
    withWs(async (ws) => {
      const first = await ws.run('r1', chain(ws));
      ws.calls.length = 0;
      const second = await ws.run('r2', chain(ws));
      assert.deepEqual(ws.calls, []);
      assert.deepEqual(statuses(second.events), ['load:cached', 'double:cached', 'sum:cached']);
      assert.deepEqual(second.result.outputs, first.result.outputs);
      const [d1, d2] = [await ws.metadata.getRunDetail('r1'), await ws.metadata.getRunDetail('r2')];
      assert.deepEqual(d2?.steps.map((s) => s.status), ['cached', 'cached', 'cached']);
      const strip = (d: typeof d1) => d?.lineage.map(({ runId: _r, stepId: _s, ...e }) => e);
      assert.deepEqual(strip(d2), strip(d1));
      assert.deepEqual(d2?.steps.map((s) => s.cacheKey), d1?.steps.map((s) => s.cacheKey));
    }));

  it('reruns a step whose params change, and downstream only if its output changed', () =>
    withWs(async (ws) => {
      await ws.run('r1', chain(ws));
      ws.calls.length = 0;
      const noted = await ws.run('r2', chain(ws, { note: 'same output' }));
      assert.deepEqual(statuses(noted.events), ['load:cached', 'double:completed', 'sum:cached']);
      ws.calls.length = 0;
      const tripled = await ws.run('r3', chain(ws, { factor: 3 }));
      assert.deepEqual(statuses(tripled.events), ['load:cached', 'double:completed', 'sum:completed']);
      assert.equal(await ws.artifacts.readJson(tripled.result.outputs['sum.total']), 18);
    }));

  it('reruns on a version bump, on changed input data, and on another seed', () =>
    withWs(async (ws) => {
      await ws.run('r1', chain(ws));
      assert.deepEqual(statuses((await ws.run('r2', chain(ws, { version: '2' }))).events), ['load:cached', 'double:completed', 'sum:cached']);
      const newData = await ws.run('r3', chain(ws, { rows: [5] }));
      assert.deepEqual(statuses(newData.events), ['load:completed', 'double:completed', 'sum:completed']);
      assert.equal(await ws.artifacts.readJson(newData.result.outputs['sum.total']), 10);
      assert.deepEqual(statuses((await ws.run('r4', chain(ws), 2)).events), ['load:completed', 'double:completed', 'sum:completed']);
    }));

  it('reruns a step whose cached output has left the artifact store', () =>
    withWs(async (ws) => {
      const first = await ws.run('r1', chain(ws));
      const gone = first.result.outputs['double.rows'].hash;
      await fs.rm(path.join(ws.artifacts.root, 'objects', gone.slice(0, 2), gone), { recursive: true });
      ws.calls.length = 0;
      const second = await ws.run('r2', chain(ws));
      assert.deepEqual(ws.calls, ['double']);
      assert.deepEqual(statuses(second.events), ['load:cached', 'double:completed', 'sum:cached']);
      assert.equal(await ws.artifacts.has(gone), true);
    }));

  it('records a failure, keeps the finished steps, and resumes from them', () =>
    withWs(async (ws) => {
      const failing = await ws.run('r1', chain(ws, { sumFails: new RangeError('disk on fire') })).then(
        () => assert.fail('the run should fail'),
        (e: unknown) => e,
      );
      assert.ok(failing instanceof DeeplineError);
      assert.equal(failing.code, 'DL_STEP_FAILED');
      assert.equal(failing.exitCode, 1);
      assert.equal(failing.message, 'step "sum" failed: disk on fire');
      assert.equal(failing.hint, RESUME);
      assert.ok(failing.cause instanceof RangeError);
      const detail = await ws.metadata.getRunDetail('r1');
      assert.equal(detail?.run.status, 'failed');
      assert.equal(detail?.run.error, 'step "sum" failed: disk on fire');
      assert.deepEqual(detail?.steps.map((s) => [s.name, s.status]), [['load', 'completed'], ['double', 'completed'], ['sum', 'failed']]);
      assert.equal(detail?.steps[2].error, 'step "sum" failed: disk on fire');
      // The failed step's scratch folder is kept for inspection.
      assert.equal((await fs.readdir(path.join(ws.dir, 'tmp'))).length, 1);

      ws.calls.length = 0;
      const resumed = await ws.run('r1', chain(ws));
      assert.deepEqual(ws.calls, ['sum']);
      assert.deepEqual(statuses(resumed.events), ['load:cached', 'double:cached', 'sum:completed']);
      const after = await ws.metadata.getRunDetail('r1');
      assert.equal(after?.run.status, 'completed');
      assert.deepEqual(after?.steps.map((s) => s.status), ['completed', 'completed', 'failed', 'cached', 'cached', 'completed']);
    }));

  it('keeps the code, exit code and location of a DeeplineError thrown by a step', () =>
    withWs(async (ws) => {
      const bad = new DeeplineError('DL_DATA_VALUE', 'data.csv row 3: "abc" is not a number', {
        hint: 'fix the value',
        location: { file: 'data.csv', row: 3, field: 'age' },
      });
      await assert.rejects(ws.run('r1', chain(ws, { sumFails: bad })), (e: unknown) => {
        assert.ok(e instanceof DeeplineError);
        assert.equal(e.code, 'DL_DATA_VALUE');
        assert.equal(e.exitCode, 2);
        assert.equal(e.message, 'data.csv row 3: "abc" is not a number (in step "sum")');
        assert.deepEqual(e.location, { file: 'data.csv', row: 3, field: 'age' });
        assert.equal(e.hint, `fix the value\n${RESUME}`);
        return true;
      });
      assert.equal((await ws.metadata.getRun('r1'))?.status, 'failed');
    }));

  it('makes a file a step cannot read a DL_FILE_ACCESS naming the path, not a step bug', () =>
    withWs(async (ws) => {
      const missing = path.join(ws.dir, 'gone', 'rows.csv');
      const unreadable = await fs.readFile(missing).then(
        () => assert.fail('the file should be missing'),
        (e: unknown) => e as Error,
      );
      await assert.rejects(ws.run('r1', chain(ws, { sumFails: unreadable })), (e: unknown) => {
        assert.ok(e instanceof DeeplineError);
        assert.equal(e.code, 'DL_FILE_ACCESS');
        assert.equal(e.exitCode, 2);
        assert.equal(e.message, `file ${missing} does not exist (in step "sum")`);
        assert.deepEqual(e.location, { file: missing });
        assert.ok(e.hint?.endsWith(RESUME), e.hint);
        return true;
      });
    }));

  it('fails a step that does not return exactly its declared, stored outputs', () =>
    withWs(async (ws) => {
      const returning = (name: string, out: (s: FsArtifactStore) => Promise<Record<string, unknown>>): Step => ({
        name,
        version: '1',
        params: {},
        inputs: {},
        outputs: ['a', 'b'],
        run: async () => out(ws.artifacts) as never,
      });
      const cases: Array<[Step, RegExp]> = [
        [returning('missing', async (s) => ({ a: await s.putJson(1) })), /did not return its declared output "b"/],
        [returning('extra', async (s) => ({ a: await s.putJson(1), b: await s.putJson(2), c: await s.putJson(3) })), /undeclared outputs: c/],
        [returning('forged', async (s) => ({ a: await s.putJson(1), b: { hash: 'f'.repeat(64), kind: 'json', size: 1, uri: '' } })), /not in the artifact store/],
      ];
      for (const [step, pattern] of cases) {
        await assert.rejects(ws.run(step.name, [step]), (e: unknown) => e instanceof DeeplineError && e.code === 'DL_STEP_FAILED' && pattern.test(e.message));
        assert.equal((await ws.metadata.getRunDetail(step.name))?.steps[0].status, 'failed');
      }
    }));

  it('gives each execution a fresh empty workDir, the derived seed and its progress as events', () =>
    withWs(async (ws) => {
      const seen: Array<{ workDir: string; entries: string[]; seed: number }> = [];
      const probe = (name: string, params: StepParams): Step => ({
        name,
        version: '1',
        params,
        inputs: {},
        outputs: ['o'],
        async run(ctx) {
          seen.push({ workDir: ctx.workDir, entries: await fs.readdir(ctx.workDir), seed: ctx.seed });
          await fs.writeFile(path.join(ctx.workDir, 'junk'), 'x');
          ctx.progress({ done: 1, total: 2, unit: 'epoch', message: 'loss=0.5' });
          return { o: await ctx.artifacts.putJson(params) };
        },
      });
      const { events } = await ws.run('r1', [probe('p', { v: 1 })], 99);
      await ws.run('r2', [probe('p', { v: 2 })], 99);
      assert.equal(seen.length, 2);
      for (const s of seen) {
        assert.deepEqual(s.entries, []);
        assert.equal(path.dirname(s.workDir), path.join(ws.dir, 'tmp'));
        assert.equal(s.seed, deriveSeed(99, 'p'));
      }
      assert.notEqual(seen[0].workDir, seen[1].workDir);
      const progress = events.find((e) => e.type === 'step-progress');
      assert.ok(progress?.type === 'step-progress');
      assert.deepEqual(progress.progress, { done: 1, total: 2, unit: 'epoch', message: 'loss=0.5' });
      assert.equal(progress.step, 'p');
    }));

  it('closes steps a killed process left running when the same run resumes', () =>
    withWs(async (ws) => {
      await ws.metadata.createRun({ id: 'r1', name: 'r1', taskType: 'test', taskFile: '', spec: {} });
      const orphan = await ws.metadata.startStep({ runId: 'r1', name: 'load', version: '1', cacheKey: 'old', params: {} });
      await ws.run('r1', chain(ws));
      const steps = (await ws.metadata.getRunDetail('r1'))?.steps ?? [];
      assert.equal(steps[0].id, orphan);
      assert.equal(steps[0].status, 'failed');
      assert.match(steps[0].error ?? '', /interrupted/);
      assert.deepEqual(steps.slice(1).map((s) => s.status), ['completed', 'completed', 'completed']);
    }));

  it('refuses an unknown run and survives a throwing event listener', () =>
    withWs(async (ws) => {
      const base = { metadata: ws.metadata, artifacts: ws.artifacts, stateDir: ws.dir, seed: 1, log: pino({ level: 'silent' }), context: await createDefaultContext({ home: ws.dir }) };
      const pipeline = definePipeline(chain(ws));
      await assert.rejects(runPipeline({ ...base, pipeline, runId: 'ghost' }), (e: unknown) => e instanceof DeeplineError && e.code === 'DL_RUN_NOT_FOUND');
      await ws.metadata.createRun({ id: 'r', name: 'r', taskType: 't', taskFile: '', spec: {} });
      const result = await runPipeline({
        ...base,
        pipeline,
        runId: 'r',
        onEvent: () => {
          throw new Error('reporter bug');
        },
      });
      assert.equal(result.steps.length, 3);
    }));
});
