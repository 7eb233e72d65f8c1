import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { DeeplineError } from '../../src/errors/index.ts';
import type { PipelineEvent } from '../../src/pipeline/events.ts';
import { definePipeline } from '../../src/pipeline/pipeline.ts';
import { runPipeline, type PipelineResult } from '../../src/pipeline/runner.ts';
import { defineStep, type Step } from '../../src/pipeline/step.ts';
import { FsArtifactStore } from '../../src/store/artifacts/fs-artifact-store.ts';
import { SqliteMetadataStore } from '../../src/store/metadata/sqlite-metadata-store.ts';
import { createDefaultContext } from '../../src/context/deepline-context.ts';

interface Ws {
  dir: string;
  metadata: SqliteMetadataStore;
  artifacts: FsArtifactStore;
  calls: string[];
  warnings: string[];
  /** The events of the latest run, also when it threw. */
  events: PipelineEvent[];
  run(
    id: string,
    steps: Step[],
    extra?: { verifyContent?: boolean; publish?: (r: PipelineResult) => Promise<void> },
  ): Promise<{ result: PipelineResult; events: PipelineEvent[] }>;
}

async function withWs(fn: (ws: Ws) => Promise<void>, storeOptions: { hashFilesUpTo?: number } = {}): Promise<void> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'deepline-runner-verify-'));
  const metadata = new SqliteMetadataStore(path.join(dir, 'metadata.db'));
  const artifacts = new FsArtifactStore(path.join(dir, 'artifacts'), storeOptions);
  const warnings: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) warnings.push((JSON.parse(line) as { msg: string }).msg);
      done();
    },
  });
  const ws: Ws = {
    dir,
    metadata,
    artifacts,
    calls: [],
    warnings,
    events: [],
    async run(id, steps, extra = {}) {
      await metadata.createRun({ id, name: id, taskType: 'test', taskFile: '', spec: {} });
      const events: PipelineEvent[] = [];
      ws.events = events;
      const result = await runPipeline({
        context: await createDefaultContext({ home: dir }),
        pipeline: definePipeline(steps),
        runId: id,
        metadata,
        artifacts,
        stateDir: dir,
        seed: 1,
        log: pino({ level: 'warn' }, sink),
        onEvent: (e) => events.push(e),
        resumeHint: 'rerun to resume',
        ...extra,
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

const statuses = (events: PipelineEvent[]) => events.flatMap((e) => (e.type === 'step-end' ? [`${e.step}:${e.status}`] : []));

/**
 * load (json) → split (a folder of two files + a json summary) → pass (hands split's folder on,
 * like label-noise does) → fit (a "model" folder) → score (json). Deterministic, so a rebuilt
 * artifact has the same hash and nothing downstream of it needs to rerun.
 */
function pipeline(ws: Ws, fitSalt: () => string = () => ''): Step[] {
  const write = async (dir: string, files: Record<string, string>) => {
    for (const [name, text] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await fs.writeFile(path.join(dir, name), text);
    }
    return dir;
  };
  return [
    defineStep({
      name: 'load',
      version: '1',
      params: {},
      inputs: {},
      outputs: ['rows'],
      async run(ctx) {
        ws.calls.push('load');
        return { rows: await ctx.artifacts.putJson([1, 2, 3, 4, 5, 6]) };
      },
    }),
    defineStep({
      name: 'split',
      version: '1',
      params: {},
      inputs: { rows: 'load.rows' },
      outputs: ['train', 'summary'],
      async run(ctx, inputs) {
        ws.calls.push('split');
        const rows = await ctx.artifacts.readJson<number[]>(inputs.rows);
        const dir = await write(path.join(ctx.workDir, 'train'), { 'rows.json': JSON.stringify(rows.slice(0, 4)), 'part/labels.txt': 'a b a b' });
        return { train: await ctx.artifacts.putDir(dir, { move: true }), summary: await ctx.artifacts.putJson({ train: 4, test: 2 }) };
      },
    }),
    defineStep({
      name: 'pass',
      version: '1',
      params: {},
      inputs: { train: 'split.train' },
      outputs: ['train', 'report'],
      async run(ctx, inputs) {
        ws.calls.push('pass');
        return { train: inputs.train, report: await ctx.artifacts.putJson({ issues: 0 }) };
      },
    }),
    defineStep({
      name: 'fit',
      version: '1',
      params: {},
      inputs: { train: 'pass.train' },
      outputs: ['model'],
      async run(ctx, inputs) {
        ws.calls.push('fit');
        const rows = JSON.parse(await fs.readFile(path.join(await ctx.artifacts.localPath(inputs.train), 'rows.json'), 'utf8')) as number[];
        const sum = rows.reduce((a, b) => a + b, 0);
        const dir = await write(path.join(ctx.workDir, 'model'), { 'model.json': `{"bias":${sum}}`, 'weights.bin': `w${sum}${fitSalt()}`.repeat(50) });
        return { model: await ctx.artifacts.putDir(dir, { move: true }) };
      },
    }),
    defineStep({
      name: 'score',
      version: '1',
      params: {},
      inputs: { model: 'fit.model' },
      outputs: ['metrics'],
      async run(ctx, inputs) {
        ws.calls.push('score');
        const model = JSON.parse(await fs.readFile(path.join(await ctx.artifacts.localPath(inputs.model), 'model.json'), 'utf8')) as { bias: number };
        return { metrics: await ctx.artifacts.putJson({ bias: model.bias }) };
      },
    }),
  ];
}

/** Every file of an object: its meta.json and each file of its data, as paths under the object folder. */
async function objectFiles(store: FsArtifactStore, hash: string): Promise<string[]> {
  const dir = path.join(store.root, 'objects', hash.slice(0, 2), hash);
  const out: string[] = [];
  const walk = async (rel: string) => {
    for (const e of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(child);
      else out.push(child);
    }
  };
  await walk('');
  return out.sort();
}

async function damageFile(store: FsArtifactStore, hash: string, rel: string, how: 'delete' | 'truncate' | 'edit'): Promise<void> {
  const file = path.join(store.root, 'objects', hash.slice(0, 2), hash, rel);
  await fs.chmod(file, 0o644);
  if (how === 'delete') return fs.rm(file);
  const bytes = await fs.readFile(file);
  if (how === 'truncate') return fs.truncate(file, Math.floor(bytes.length / 2));
  bytes[bytes.length - 1] ^= 0x01;
  await fs.writeFile(file, bytes);
}

describe('runPipeline with damaged artifacts', () => {
  it('rebuilds exactly the step that produced any single deleted, truncated or edited file, and warns naming it', { timeout: 60_000 }, () =>
    withWs(async (ws) => {
      const first = await ws.run('r0', pipeline(ws));
      const order = ['load', 'split', 'pass', 'fit', 'score'];
      const expected = first.result.outputs;
      // The first step (in run order) whose outputs hold an artifact is the one that rebuilds it.
      const producer = new Map<string, string>();
      for (const [output, ref] of Object.entries(expected)) {
        const step = output.split('.')[0];
        const known = producer.get(ref.hash);
        if (!known || order.indexOf(step) < order.indexOf(known)) producer.set(ref.hash, step);
      }
      let n = 0;
      for (const [hash, step] of producer) {
        for (const rel of await objectFiles(ws.artifacts, hash)) {
          for (const how of ['delete', 'truncate', 'edit'] as const) {
            if (how === 'edit' && rel === 'meta.json') continue;
            await damageFile(ws.artifacts, hash, rel, how);
            ws.calls.length = 0;
            ws.warnings.length = 0;
            const label = `${how} ${hash.slice(0, 8)}/${rel} (from ${step})`;
            const { result, events } = await ws.run(`r${++n}`, pipeline(ws));
            assert.deepEqual(ws.calls, [step], label);
            assert.deepEqual(statuses(events), order.map((s) => `${s}:${s === step ? 'completed' : 'cached'}`), label);
            assert.deepEqual(result.outputs, expected, `${label}: the same content again`);
            // meta.json gone: the object no longer counts as stored, so that is a plain miss, not damage.
            if (!(how === 'delete' && rel === 'meta.json')) {
              assert.equal(ws.warnings.length, 1, `${label}: ${ws.warnings.join(' | ')}`);
              assert.match(ws.warnings[0], new RegExp(`artifact ${hash.slice(0, 12)}\\) is damaged: .*rerunning step "${step}"`), label);
              if (rel.startsWith('data/')) assert.ok(ws.warnings[0].includes(rel.slice('data/'.length)) || rel === 'data', `${label}: names the file`);
            }
            for (const ref of Object.values(result.outputs)) assert.equal((await ws.artifacts.verify(ref.hash, { full: true })).status, 'ok', label);
          }
        }
      }
      assert.ok(n >= 30, `${n} cases`);
    }));

  it('reruns later steps only when the rebuilt artifact has other content', () =>
    withWs(async (ws) => {
      let salt = 0;
      const first = await ws.run('r1', pipeline(ws, () => String(salt)));
      const model = first.result.outputs['fit.model'];
      await damageFile(ws.artifacts, model.hash, 'data/weights.bin', 'truncate');
      salt = 1;
      ws.calls.length = 0;
      const second = await ws.run('r2', pipeline(ws, () => String(salt)));
      // fit's rebuilt model differs (its weights), so score's input hash changed: score reruns too.
      assert.deepEqual(ws.calls, ['fit', 'score']);
      assert.notEqual(second.result.outputs['fit.model'].hash, model.hash);
      assert.equal(second.result.outputs['score.metrics'].hash, first.result.outputs['score.metrics'].hash, 'same bias, same metrics');
    }));

  it('catches a same-size edit of a large file only when asked to verify content', () =>
    withWs(
      async (ws) => {
        const first = await ws.run('r1', pipeline(ws));
        const model = first.result.outputs['fit.model'];
        await damageFile(ws.artifacts, model.hash, 'data/weights.bin', 'edit');
        ws.calls.length = 0;
        await ws.run('r2', pipeline(ws));
        assert.deepEqual(ws.calls, [], 'weights.bin is over the quick-check size: only its size is checked');
        const { events } = await ws.run('r3', pipeline(ws), { verifyContent: true });
        assert.deepEqual(ws.calls, ['fit']);
        assert.deepEqual(statuses(events), ['load:cached', 'split:cached', 'pass:cached', 'fit:completed', 'score:cached']);
        assert.match(ws.warnings.join('\n'), /weights\.bin was changed/);
      },
      { hashFilesUpTo: 64 },
    ));
});

describe('runPipeline publish', () => {
  it('publishes before the run is marked completed, with every output', () =>
    withWs(async (ws) => {
      let seen: string[] = [];
      const { events } = await ws.run('r1', pipeline(ws), {
        publish: async (r) => {
          seen = Object.keys(r.outputs);
          assert.equal((await ws.metadata.getRun('r1'))?.status, 'running', 'not completed yet while publishing');
        },
      });
      assert.ok(seen.includes('score.metrics'));
      assert.equal((await ws.metadata.getRun('r1'))?.status, 'completed');
      const end = events.at(-1);
      assert.ok(end?.type === 'run-end' && end.status === 'completed');
    }));

  it('marks the run failed, never completed, when publishing fails', () =>
    withWs(async (ws) => {
      await assert.rejects(
        ws.run('r1', pipeline(ws), {
          publish: async () => {
            throw new DeeplineError('DL_NOT_WRITABLE', 'cannot write /out/model: read-only', { hint: 'choose another output' });
          },
        }),
        (e: unknown) => e instanceof DeeplineError && e.code === 'DL_NOT_WRITABLE' && /choose another output\nrerun to resume/.test(e.hint ?? ''),
      );
      const end = ws.events.at(-1);
      assert.ok(end?.type === 'run-end' && end.status === 'failed' && end.counts.completed === 5, 'the reporter is told the run failed');
      const run = await ws.metadata.getRun('r1');
      assert.equal(run?.status, 'failed');
      assert.match(run?.error ?? '', /cannot write \/out\/model/);
      await assert.rejects(
        ws.run('r2', pipeline(ws), { publish: async () => Promise.reject(new Error('EIO: disk gone')) }),
        (e: unknown) => e instanceof DeeplineError && e.code === 'DL_INTERNAL' && /publishing the run failed: EIO/.test(e.message),
      );
      assert.equal((await ws.metadata.getRun('r2'))?.status, 'failed');
      // Steps finished before the failure stay reusable: a rerun publishes without recomputing.
      ws.calls.length = 0;
      await ws.run('r3', pipeline(ws), { publish: async () => {} });
      assert.deepEqual(ws.calls, []);
    }));
});
