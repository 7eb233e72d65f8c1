import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI, deepline, ROOT, tempDir } from './cli-helpers.ts';

const FLOWER = { sepal_length: 6.1, sepal_width: 2.8, petal_length: 4.7, petal_width: 1.2 };

interface Answer {
  readonly version: string | null;
  readonly probabilities: Record<string, number>;
}

describe('deepline registry and a server that follows it', { timeout: 600_000 }, () => {
  it('registers two runs, serves production by name, follows a promotion and a rollback without a restart', async (t) => {
    const dir = tempDir('deepline-registry-e2e-');
    const home = join(dir, 'home');
    copyFileSync(join(ROOT, 'examples/data/iris.csv'), join(dir, 'iris.csv'));
    const task = (seed: number, gates: string) =>
      `name: iris\ndata: { path: ./iris.csv, target: species }\nsearch: { enabled: false }\nsecurity: { enabled: false }\nbudget: { epochs: 25 }\nseed: ${seed}\noutput: ./out\ngates: ${gates}\n`;
    writeFileSync(join(dir, 'iris.yaml'), task(1, '{ accuracy: ">= 0.5", latencyMs: "<= 1000" }'));
    // The second run writes into the same folder, and its gate cannot pass: no prediction takes 1 ns.
    writeFileSync(join(dir, 'iris-strict.yaml'), task(7, '{ latencyMs: "<= 0.000001" }'));
    const cli = (args: string[]) => deepline(args, { home, cwd: dir });
    const json = <T>(args: string[]): T => {
      const r = cli([...args, '--json']);
      assert.equal(r.code, 0, `deepline ${args.join(' ')}: ${r.stderr}`);
      return JSON.parse(r.stdout) as T;
    };

    const first = json<{ runId: string }>(['run', 'iris.yaml']);
    const v1 = json<{ version: number; runId: string; stage: string; gates: object; dataVersion: string; artifacts: { files: Record<string, string> } }>(['registry', 'register', first.runId, '--name', 'iris', '--by', 'alice']);
    assert.deepEqual([v1.version, v1.runId, v1.stage], [1, first.runId, 'none']);
    assert.deepEqual(v1.gates, { accuracy: '>= 0.5', latencyMs: '<= 1000' });
    assert.match(v1.dataVersion, /^[0-9a-f]{64}$/);
    assert.ok(v1.artifacts.files['model.onnx'] && v1.artifacts.files['transform.json']);
    const second = json<{ runId: string; registered: { model: string; version: number } }>(['run', 'iris-strict.yaml', '--register', 'iris']);
    assert.notEqual(second.runId, first.runId);
    assert.deepEqual(second.registered, { model: 'iris', version: 2 });

    // Nothing in production yet: serving by name says so.
    const early = cli(['serve', 'iris', '--port', '0']);
    assert.equal(early.code, 2);
    assert.match(early.stderr, /error\[DL_REGISTRY\]: iris has no version in production/);

    const promoted = cli(['registry', 'promote', 'iris', '1', '--by', 'alice', '--reason', 'first release']);
    assert.equal(promoted.code, 0, promoted.stderr);
    assert.match(promoted.stdout, /iris: version 1 → production/);
    assert.match(promoted.stdout, /pass {2}accuracy [\d.]+ >= 0\.5/);

    const server = spawn(process.execPath, [...CLI, '--home', home, 'serve', 'iris', '--port', '0', '--poll-ms', '200'], {
      cwd: dir,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => server.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    server.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    const address = await new Promise<string>((resolve, reject) => {
      server.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /serving iris at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m && stdout.includes('/predict')) resolve(m[1]!);
      });
      server.on('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
    });
    assert.match(stdout, /iris: version 1 of iris \(production; a promotion or rollback is served within 200 ms, without a restart\)/);

    const ask = async (): Promise<Answer> => {
      const r = await fetch(`${address}/v1/models/iris/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: [FLOWER] }) });
      assert.equal(r.status, 200);
      const body = (await r.json()) as { version?: string; predictions: { probabilities: Record<string, number> }[] };
      assert.equal(body.version ?? null, r.headers.get('x-model-version'), 'the body and the header name the same version');
      return { version: r.headers.get('x-model-version'), probabilities: body.predictions[0]!.probabilities };
    };
    /** Asks until the answer comes from `version` (the server polls the registry), within a deadline. */
    const answeredBy = async (version: string): Promise<Answer> => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const answer = await ask();
        if (answer.version === version) return answer;
        assert.ok(Date.now() < deadline, `still answering with version ${answer.version}, not ${version}; server output:\n${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    const fromV1 = await ask();
    assert.equal(fromV1.version, '1');
    const models = (await (await fetch(`${address}/v1/models`)).json()) as { models: { name: string; version: string }[] };
    assert.deepEqual(models.models.map((m) => [m.name, m.version]), [['iris', '1']]);

    // Version 2 fails its gate: refused, named; --force promotes it and says so.
    const refused = cli(['registry', 'promote', 'iris', '2']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /error\[DL_GATE\]: version 2 of iris fails its release gate: latencyMs is [\d.e-]+, required <= 0\.000001/);
    assert.equal((await ask()).version, '1', 'a refused promotion changes nothing');
    const forced = cli(['registry', 'promote', 'iris', '2', '--force', '--by', 'bob', '--reason', 'latency gate is wrong']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /iris: version 2 → production\niris: version 1 → archived\n {2}FAIL {2}latencyMs [\d.e-]+ <= 0\.000001\n {2}forced past the failed gate \(recorded\)\n {2}by bob: latency gate is wrong/);

    const fromV2 = await answeredBy('2');
    // A different model (another seed), from its own pinned files: not the same probabilities.
    assert.notDeepEqual(fromV2.probabilities, fromV1.probabilities);
    assert.match(stdout, /iris: now serving version 2 of iris \(production, was version 1\)/);

    const rolledBack = cli(['registry', 'rollback', 'iris', '--by', 'carol', '--reason', 'errors up']);
    assert.equal(rolledBack.code, 0, rolledBack.stderr);
    assert.match(rolledBack.stdout, /iris: version 1 archived → production \(rollback\)\niris: version 2 → archived/);
    const backToV1 = await answeredBy('1');
    assert.deepEqual(backToV1.probabilities, fromV1.probabilities, 'version 1 answers exactly as before');

    const shown = json<{ model: { production: number; versions: number }; versions: { version: number; stage: string }[]; history: { version: number; kind: string; to: string; actor: string; reason?: string; forced: boolean }[] }>([
      'registry',
      'show',
      'iris',
    ]);
    assert.deepEqual([shown.model.production, shown.model.versions], [1, 2]);
    assert.deepEqual(shown.versions.map((v) => [v.version, v.stage]), [
      [1, 'production'],
      [2, 'archived'],
    ]);
    assert.deepEqual(
      shown.history.map((e) => `${e.version} ${e.kind} ${e.to} ${e.actor}${e.forced ? ' forced' : ''}${e.reason ? ` (${e.reason})` : ''}`),
      [
        '1 register none alice',
        `2 register none ${shown.history[1]!.actor}`,
        '1 promote production alice (first release)',
        '2 promote production bob forced (latency gate is wrong)',
        '1 replaced archived bob (replaced by version 2)',
        '2 rollback archived carol (errors up)',
        '1 rollback production carol (errors up)',
      ],
    );
    const text = cli(['registry', 'show', 'iris']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /2 +- → production FORCED +bob +latency gate is wrong +failed: latencyMs/);
    assert.deepEqual(json<{ name: string; production: number }[]>(['registry', 'list']).map((m) => [m.name, m.production]), [['iris', 1]]);
    assert.equal(cli(['registry', 'rollback', 'iris']).code, 2, 'version 1 was the first: nothing earlier');

    server.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
  });
});
