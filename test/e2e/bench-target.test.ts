import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ServingConfig } from '../../src/deploy/target-bench/serving-config.ts';
import type { TargetBenchResult } from '../../src/deploy/target-bench/target-bench-result.ts';
import { chartTitled } from '../render/charts/svg-chart-reader.ts';
import { CLI, deepline, ROOT, tempDir } from './cli-helpers.ts';

describe('deepline bench-target', { timeout: 300_000 }, () => {
  const dir = tempDir('deepline-bench-target-');
  const home = join(dir, 'home');
  const out = join(dir, 'out');
  copyFileSync(join(ROOT, 'examples/data/iris.csv'), join(dir, 'iris.csv'));
  // The objective comes from the task file, found through the run id in the metadata store.
  writeFileSync(join(dir, 'iris.yaml'), 'name: iris\ndata: { path: ./iris.csv, target: species }\nsearch: { enabled: false }\nbudget: { epochs: 20 }\nconstraints: { maxLatencyMs: 80 }\noutput: ./out\n');

  it('measures every engine and batch size, chooses settings that meet the objective, fills the report, and serve follows them', async (t) => {
    const run = deepline(['run', join(dir, 'iris.yaml'), '--json'], { home, cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const { runId } = JSON.parse(run.stdout) as { runId: string };
    assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /Not measured yet: run <code>deepline bench-target/);

    // Two engines that every install has, and small cells, keep it to seconds.
    const bench = deepline(['bench-target', runId.slice(0, 17), '--engines', 'onnx,wasm', '--max-batch', '16', '--cell-ms', '25'], { home, cwd: dir });
    assert.equal(bench.code, 0, bench.stderr);
    const result = JSON.parse(readFileSync(join(out, 'target-bench.json'), 'utf8')) as TargetBenchResult;
    assert.deepEqual(result.settings.batchSizes, [1, 2, 4, 8, 16]);
    assert.deepEqual(result.objective, { maxLatencyMs: 80, source: 'task' });
    assert.ok(result.machine.cores >= 1 && result.machine.cpu.length > 0);
    assert.deepEqual(result.engines.map((e) => e.engine), ['onnx', 'wasm']);
    for (const engine of result.engines) {
      assert.equal(engine.error, undefined, `${engine.engine}: ${engine.error}`);
      assert.deepEqual(engine.cells.map((c) => c.batch), [1, 2, 4, 8, 16], engine.engine);
      for (const c of engine.cells) {
        assert.ok(c.calls >= 5 && c.p50Ms > 0 && c.p50Ms <= c.p99Ms, `${engine.engine} ${JSON.stringify(c)}`);
        assert.ok(Math.abs(c.throughput - (c.batch * 1000) / c.meanMs) < 1e-6 * c.throughput, `${engine.engine} ${JSON.stringify(c)}`);
      }
    }

    // The choice meets the objective by its own measurements, and nothing that also meets it runs much faster.
    const serving = JSON.parse(readFileSync(join(out, 'serving.json'), 'utf8')) as ServingConfig;
    const chosen = result.engines.find((e) => e.engine === serving.engine)!.cells.find((c) => c.batch === serving.maxBatch)!;
    assert.ok(chosen, `${serving.engine} at ${serving.maxBatch} was measured`);
    assert.equal(serving.meetsObjective, true, serving.reason);
    assert.ok(serving.maxWaitMs + 2 * chosen.p99Ms <= 80, serving.reason);
    assert.equal(serving.latencyBoundMs, serving.maxWaitMs + 2 * chosen.p99Ms);
    const feasible = result.engines.flatMap((e) => e.cells).filter((c) => 2 * c.p99Ms <= 80);
    assert.ok(chosen.throughput >= 0.95 * Math.max(...feasible.map((c) => c.throughput)), serving.reason);
    assert.deepEqual({ ...result.choice }, { engine: serving.engine, maxBatch: serving.maxBatch, maxWaitMs: serving.maxWaitMs, latencyBoundMs: serving.latencyBoundMs, throughput: serving.throughput, meetsObjective: true, reason: serving.reason });
    assert.equal(serving.threads, 1);

    // The terminal table and the report's section.
    assert.match(bench.stdout, /^batch +onnx p50 ms +onnx p99 ms +onnx ex\/s +wasm p50 ms/m);
    assert.match(bench.stdout, new RegExp(`^${serving.maxBatch} .*← chosen: ${serving.engine}$`, 'm'));
    const report = readFileSync(join(out, 'report.html'), 'utf8');
    const section = report.slice(report.indexOf('<!-- deepline:target-bench -->'), report.indexOf('<!-- /deepline:target-bench -->'));
    assert.equal(report.split('<!-- deepline:target-bench -->').length, 2, 'one section');
    assert.doesNotMatch(report, /Not measured yet/);
    assert.match(section, /<h2>Target benchmark<\/h2>/);
    assert.match(section, new RegExp(`<b>Serving: ${serving.engine}, batches of up to ${serving.maxBatch}, ${serving.maxWaitMs} ms wait</b>`));
    assert.match(section, /<th>wasm p99 ms<\/th>/);
    assert.equal(section.match(/<svg /g)?.length, 2, 'a throughput and a latency plot');
    assert.ok([...chartTitled(section, 'throughput (examples/s) by batch size').legend.values()].includes('onnx'), 'onnx has a throughput line');
    assert.ok(report.trimEnd().endsWith('</html>') && !/<script/i.test(report), 'still a whole, script-free page');

    // `deepline serve` takes the batch size and the rest from serving.json, and says so.
    const child = spawn(process.execPath, [...CLI, '--home', home, 'serve', out, '--port', '0'], {
      cwd: dir,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const address = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /serving iris at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m && stdout.includes('/predict')) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
    });
    assert.match(stdout, new RegExp(`serving iris at \\S+ \\(batches of up to ${serving.maxBatch}, ${serving.maxWaitMs} ms wait\\)`));
    assert.match(stdout, /engine, max batch, wait, threads from out\/serving\.json \(deepline bench-target\)/);
    assert.match(stdout, serving.engine === 'onnx' ? /iris: onnxruntime-node [\d.]+, 1 thread/ : /iris: TF\.js wasm/);
    const r = await fetch(`${address}/v1/models/iris/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }] }),
    });
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as { predictions: { label: string }[] }).predictions[0]!.label, 'setosa');
  });

  it('serves the TF.js model on a TF.js engine with the same predictions as ONNX Runtime', async () => {
    const { loadServedModel } = await import('../../src/serve/served-model.ts');
    const [onnx, tfjs] = [await loadServedModel(out, { engine: 'onnx' }), await loadServedModel(out, { engine: 'cpu' })];
    try {
      assert.match(tfjs.runtime, /^TF\.js cpu/);
      const instances = [
        { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
        { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 },
        { sepal_length: 5.9, sepal_width: 2.8, petal_length: 4.3, petal_width: 1.3 },
      ];
      const batch = await Promise.all(instances.map((i) => onnx.encode(i)));
      const [a, b] = [await onnx.predict(batch), await tfjs.predict(batch)];
      assert.deepEqual(b.map((p) => (p as { label: string }).label), a.map((p) => (p as { label: string }).label));
      a.forEach((p, k) => {
        for (const [name, prob] of Object.entries((p as { probabilities: Record<string, number> }).probabilities)) {
          assert.ok(Math.abs(prob - (b[k] as { probabilities: Record<string, number> }).probabilities[name]!) < 1e-4, `${name}: ${prob}`);
        }
      });
    } finally {
      await Promise.all([onnx.close(), tfjs.close()]);
    }
  });

  it('names what is missing in a folder that is not a run output, or lacks the model an engine runs', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const r = deepline(['bench-target', empty], { home, cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /error\[DL_DATA_MISSING\]: .*empty holds no transform\.json, so it is not the output folder of a completed deepline run/);

    const noOnnx = join(dir, 'no-onnx');
    cpSync(out, noOnnx, { recursive: true });
    rmSync(join(noOnnx, 'model.onnx'));
    const onnx = deepline(['bench-target', noOnnx, '--engines', 'onnx'], { home, cwd: dir });
    assert.equal(onnx.code, 2, onnx.stderr);
    assert.match(onnx.stderr, /error\[DL_DATA_MISSING\]: \S*no-onnx\/model\.onnx does not exist/);
    assert.match(onnx.stderr, /hint: .*--engines native,wasm/);

    const unknown = deepline(['bench-target', out, '--engines', 'onnx,tpu'], { home, cwd: dir });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /error\[DL_USAGE\]: --engines names an unknown engine "tpu"/);
  });
});
