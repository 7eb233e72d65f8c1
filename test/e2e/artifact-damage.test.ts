import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { deepline, tempDir } from './cli-helpers.ts';

interface RunJson {
  runId: string;
  steps: { name: string; status: string }[];
  metrics: { accuracy: number };
}
interface Detail {
  steps: { name: string; status: string; outputs: Record<string, string> }[];
}
interface Report {
  checked: number;
  intact: number;
  damaged: { hash: string; problems: string[]; usedBy: { runId: string; step: string; output: string }[]; removed: boolean }[];
  missing: { hash: string; usedBy: { step: string; output: string }[] }[];
  healthy: boolean;
}

describe('damaged artifacts through the CLI', { timeout: 300_000 }, () => {
  const home = tempDir();
  const output = join(home, 'out');
  const args = ['run', 'examples/iris.yaml', '--no-search', '--output', output, '--json'];
  let first: RunJson;
  const objectDir = (hash: string) => join(home, 'artifacts', 'objects', hash.slice(0, 2), hash);
  /** The artifact a step of the latest run recorded for an output. */
  const outputOf = (step: string, output: string): string => {
    const runs = JSON.parse(deepline(['runs', '--json'], { home }).stdout) as { id: string }[];
    const detail = JSON.parse(deepline(['show', runs[0].id, '--json'], { home }).stdout) as Detail;
    const hash = detail.steps.find((s) => s.name === step)?.outputs[output];
    assert.ok(hash, `${step}.${output}`);
    return hash;
  };
  const run = () => {
    const r = deepline(args, { home });
    assert.equal(r.code, 0, r.stderr);
    return { result: JSON.parse(r.stdout) as RunJson, stderr: r.stderr };
  };
  const ran = (r: RunJson) => r.steps.filter((s) => s.status === 'completed').map((s) => s.name);

  before(() => {
    first = run().result;
  });

  test('a deleted weights.bin is named, rebuilt by rerunning train, and published', () => {
    const model = outputOf('train', 'model');
    const weights = join(objectDir(model), 'data', 'weights.bin');
    const size = statSync(weights).size;
    rmSync(weights);
    const { result, stderr } = run();
    assert.match(stderr, new RegExp(`warning \\[train\\]: cached output "train\\.model" \\(artifact ${model.slice(0, 12)}\\) is damaged: weights\\.bin is missing; rerunning step "train"`));
    assert.equal(ran(result)[0], 'train', 'steps before train are reused');
    assert.equal(statSync(join(output, 'model', 'weights.bin')).size, size, 'the published model is complete');
    assert.equal(result.metrics.accuracy, first.metrics.accuracy);
  });

  test('a truncated file of the train split is rebuilt by rerunning split alone', () => {
    const train = outputOf('split', 'train');
    const file = readdirSync(join(objectDir(train), 'data')).sort()[0];
    const path = join(objectDir(train), 'data', file);
    chmodSync(path, 0o644);
    truncateSync(path, 3);
    const { result, stderr } = run();
    assert.match(stderr, new RegExp(`"split\\.train" \\(artifact ${train.slice(0, 12)}\\) is damaged: ${file.replace('.', '\\.')} has 3 bytes, expected \\d+`));
    assert.deepEqual(ran(result), ['split'], 'the rebuilt split has the same content: nothing after it reruns');
    assert.ok(existsSync(join(output, 'model', 'model.json')));
  });

  test('doctor reports damage (--dry-run changes nothing), removes it, and the next run rebuilds it', () => {
    const report = outputOf('data-report', 'report');
    const html = join(objectDir(report), 'data', 'data-report.html');
    chmodSync(html, 0o644);
    writeFileSync(html, 'x'.repeat(statSync(html).size), { flag: 'r+' });
    const schema = outputOf('schema', 'schema');
    rmSync(objectDir(schema), { recursive: true, force: true });

    const dry = deepline(['doctor', '--dry-run', '--json'], { home });
    assert.equal(dry.code, 0, dry.stderr);
    const seen = JSON.parse(dry.stdout) as Report;
    assert.deepEqual(seen.damaged.map((d) => [d.hash, d.removed]), [[report, false]]);
    assert.deepEqual(seen.damaged[0].problems, ['data-report.html was changed: its content no longer matches the sha256 recorded']);
    assert.ok(seen.damaged[0].usedBy.some((u) => u.step === 'data-report' && u.output === 'report' && u.runId === first.runId));
    assert.deepEqual(seen.missing.map((m) => m.hash), [schema]);
    assert.ok(seen.missing[0].usedBy.every((u) => u.step === 'schema'));
    assert.equal(seen.healthy, false);
    assert.equal(seen.intact, seen.checked - 1);
    assert.ok(existsSync(objectDir(report)), '--dry-run removed nothing');

    const text = deepline(['doctor'], { home });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^damaged ${report.slice(0, 12)} \\(data-report\\.report of run \\S+, and 2 more\\): data-report\\.html was changed`, 'm'));
    assert.match(text.stdout, /^ {2}removed: the next run that needs it reruns the step that made it$/m);
    assert.ok(!existsSync(objectDir(report)));
    const after = JSON.parse(deepline(['doctor', '--json'], { home }).stdout) as Report;
    assert.deepEqual(after.damaged, []);
    assert.equal(after.healthy, true);

    const { result } = run();
    assert.deepEqual(ran(result), ['schema', 'data-report']);
    const clean = JSON.parse(deepline(['doctor', '--json'], { home }).stdout) as Report;
    assert.deepEqual([clean.damaged, clean.missing], [[], []]);
  });
});
