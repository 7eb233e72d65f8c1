/**
 * `npm run demo:continuous`: the continuous-deep-learning loop end to end, with the compiled CLI,
 * in a fresh workspace — train and register a model, serve it (logging every prediction), send
 * normal traffic (no alarm), send traffic from a region the model never saw (alarm), export the
 * most uncertain of those inputs, label them from the held-back truth, retrain: the challenger
 * beats the champion on fresh labelled rows and is promoted, and the running server answers with
 * the new version without a restart. Each stage prints its figures.
 *
 *   npm run demo:continuous [-- --keep]   (--keep leaves the workspace folder for inspection)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { createSeededRandom } from '../src/seed/seeded-random.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'deepline.js');
const started = performance.now();
const dir = mkdtempSync(join(tmpdir(), 'deepline-continuous-'));
const home = join(dir, 'home');

/**
 * The world: at first the class is x1 > 0. Later, traffic comes from x1 near 4, where the class is
 * x2 > 0 — the first model never saw that region and answers "yes" there.
 */
const random = createSeededRandom(2026);
const normal = (): number => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
const truth = (x1: number, x2: number): string => (x1 > 2 ? (x2 > 0 ? 'up' : 'down') : x1 > 0 ? 'up' : 'down');
const point = (shifted: boolean): { x1: number; x2: number } => ({ x1: Number((shifted ? 4 + 0.5 * normal() : normal()).toFixed(4)), x2: Number(normal().toFixed(4)) });

const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const stage = (title: string): void => void process.stdout.write(`\n== ${title} (${elapsed()})\n`);

function deepline(args: string[], expect: number | number[] = 0): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, '--home', home, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  const codes = Array.isArray(expect) ? expect : [expect];
  if (!codes.includes(r.status ?? -1)) throw new Error(`deepline ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

async function main(): Promise<void> {
  stage('1. train the first model and put it in production');
  writeFileSync(join(dir, 'world.csv'), ['x1,x2,class', ...Array.from({ length: 600 }, () => {
    const { x1, x2 } = point(false);
    return `${x1},${x2},${truth(x1, x2)}`;
  })].join('\n'));
  writeFileSync(join(dir, 'world.yaml'), 'name: world\ndata: { path: ./world.csv, target: class }\nsearch: { enabled: false }\nsecurity: { enabled: false }\nbudget: { epochs: 80 }\ntrain: { patience: 20 }\ngates: { accuracy: ">= 0.9" }\noutput: ./out\n');
  const first = JSON.parse(deepline(['run', 'world.yaml', '--register', 'world', '--json']).stdout) as { metrics: { accuracy: number } };
  deepline(['registry', 'promote', 'world', '1', '--reason', 'first model', '--by', 'demo']);
  console.log(`test accuracy ${first.metrics.accuracy.toFixed(3)}; world v1 in production`);

  stage('2. serve it, logging every prediction');
  const server = spawn(process.execPath, [BIN, '--home', home, 'serve', 'world', '--port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let banner = '';
  const url = await new Promise<string>((done, fail) => {
    server.stdout.on('data', (d: Buffer) => {
      banner += d.toString();
      const m = /at (http:\/\/[\d.:]+)/.exec(banner);
      if (m && banner.includes('/predict')) done(m[1]!);
    });
    server.on('exit', (code) => fail(new Error(`serve exited (${code}): ${banner}`)));
  });
  try {
    const ask = async (instances: { x1: number; x2: number }[]): Promise<{ version?: string; predictions: { label: string }[] }> => {
      const r = await fetch(`${url}/v1/models/world/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances }) });
      if (r.status !== 200) throw new Error(`predict answered ${r.status}: ${await r.text()}`);
      return (await r.json()) as { version?: string; predictions: { label: string }[] };
    };
    const send = async (requests: number, shifted: boolean): Promise<number> => {
      let right = 0;
      for (let k = 0; k < requests; k++) {
        const instances = Array.from({ length: 5 }, () => point(shifted));
        const answer = await ask(instances);
        right += answer.predictions.filter((p, i) => p.label === truth(instances[i]!.x1, instances[i]!.x2)).length;
      }
      return right / (requests * 5);
    };
    console.log(`serving at ${url}`);

    stage('3. normal traffic: no alarm');
    const normalAccuracy = await send(80, false);
    await waitForLog();
    const calm = JSON.parse(deepline(['monitor', 'world', '--window', '400', '--json']).stdout) as { drift: boolean; window: number };
    console.log(`400 predictions, accuracy ${normalAccuracy.toFixed(3)} (truth known here); monitor: drift ${calm.drift}`);

    stage('4. traffic from a region the model never saw: alarm');
    const shiftStart = new Date().toISOString();
    const shiftedAccuracy = await send(80, true);
    await waitForLog();
    const alarm = deepline(['monitor', 'world', '--since', shiftStart, '--json'], [0, 1]);
    const alarmResult = JSON.parse(alarm.stdout) as { drift: boolean; drifted: string[]; report: string };
    console.log(`400 predictions, accuracy ${shiftedAccuracy.toFixed(3)}; monitor exit ${alarm.code}: drift ${alarmResult.drift} in ${alarmResult.drifted.join(', ')}; report ${alarmResult.report}`);
    if (!alarmResult.drift) throw new Error('the shifted traffic raised no alarm');

    stage('5. export the most uncertain inputs since the shift, and label them');
    const file = join(dir, 'to-label.csv');
    deepline(['label', 'export', 'world', '--since', shiftStart, '--by', 'uncertainty', '--count', '300', '--out', file]);
    const rows = parse(readFileSync(file), { columns: true }) as Record<string, string>[];
    const header = Object.keys(rows[0]!);
    writeFileSync(file, [header.join(','), ...rows.map((r) => header.map((c) => (c === 'label' ? truth(Number(r.x1), Number(r.x2)) : r[c])).join(','))].join('\n'));
    console.log(deepline(['label', 'import', file, '--model', 'world']).stdout.trim());

    stage('6. retrain: champion against challenger on fresh labelled rows');
    const decision = JSON.parse(deepline(['retrain', 'world', '--by', 'demo', '--json']).stdout) as { champion: { version: number; score: number }; challenger: { version: number; score: number }; holdoutRows: number; promoted: boolean; reason: string };
    console.log(decision.reason);
    if (!decision.promoted) throw new Error('the challenger was not promoted');

    stage('7. the running server follows the promotion');
    const deadline = Date.now() + 60_000;
    let answer = await ask([point(true)]);
    while (String(answer.version) !== String(decision.challenger.version) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      answer = await ask([point(true)]);
    }
    if (String(answer.version) !== String(decision.challenger.version)) throw new Error(`the server still answers with version ${answer.version}`);
    const after = await send(40, true);
    console.log(`now answering with v${answer.version}: accuracy on new shifted traffic ${after.toFixed(3)} (was ${shiftedAccuracy.toFixed(3)})`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.on('exit', r));
  }
  console.log(`\nthe loop ran in ${elapsed()}; workspace: ${home}`);
}

/** The log is written within a fraction of a second of each answer; give the writer its interval. */
async function waitForLog(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1_000));
}

try {
  await main();
} finally {
  if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
}
