import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { PredictionLogWriter } from '../../src/monitor/prediction-log/prediction-log-writer.ts';
import { PREDICTION_LOG_VERSION } from '../../src/monitor/prediction-log/prediction-record.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { deepline, tempDir } from './cli-helpers.ts';

/**
 * A world that changes: at first the class is x1 > 0; later traffic arrives where x1 is near 4,
 * and there the class is x2 > 0 — a region the first model never saw, where it answers "yes".
 */
const random = createSeededRandom(8);
const normal = (): number => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
const truth = (x1: number, x2: number): string => (x1 > 2 ? (x2 > 0 ? 'yes' : 'no') : x1 > 0 ? 'yes' : 'no');

describe('deepline retrain', { timeout: 600_000 }, () => {
  it('trains a challenger on the labelled shifted traffic, which beats the champion on fresh rows and is promoted', async () => {
    const dir = tempDir('deepline-retrain-');
    const home = join(dir, 'home');
    const rows = Array.from({ length: 400 }, () => {
      const [x1, x2] = [normal(), normal()];
      return `${x1.toFixed(4)},${x2.toFixed(4)},${truth(x1, x2)}`;
    });
    writeFileSync(join(dir, 'world.csv'), ['x1,x2,class', ...rows].join('\n'));
    writeFileSync(join(dir, 'world.yaml'), 'name: world\ndata: { path: ./world.csv, target: class }\nsearch: { enabled: false }\nsecurity: { enabled: false }\nbudget: { epochs: 80 }\ntrain: { patience: 20 }\nexport: [onnx]\noutput: ./out\n');
    const first = deepline(['run', join(dir, 'world.yaml'), '--register', 'world'], { home, cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(deepline(['registry', 'promote', 'world', '1', '--reason', 'first model'], { home }).code, 0);

    // Traffic from the new region, logged as deepline serve logs it.
    const writer = await PredictionLogWriter.open({ dir: join(dir, 'log') });
    for (let k = 0; k < 360; k++) {
      writer.append({ v: PREDICTION_LOG_VERSION, time: new Date(Date.UTC(2026, 11, 4, 12, 0, 0, k)).toISOString(), model: 'world', request: `q${k}`, instance: 0, latencyMs: 1, input: { x1: Number((4 + 0.5 * normal()).toFixed(4)), x2: Number(normal().toFixed(4)) }, prediction: { label: 'yes' } });
    }
    await writer.close();
    const monitor = deepline(['monitor', 'world', '--log', join(dir, 'log')], { home });
    assert.equal(monitor.code, 1, monitor.stderr);
    assert.match(monitor.stderr, /DL_DRIFT/);

    // Drift, but nothing labelled yet: the watch says what to label, retrain says what is missing.
    const waiting = deepline(['watch', 'world', '--once', '--log', join(dir, 'log')], { home });
    assert.equal(waiting.code, 1, waiting.stderr);
    assert.match(waiting.stdout, /DRIFT in .*column:x1/);
    assert.match(waiting.stdout, /no labels since v1: label the inputs \(deepline label export world/);
    const nothing = deepline(['retrain', 'world'], { home });
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /error\[DL_DATA_MISSING\]: no labelled rows of world/);

    // Labelled by a person who knows the new rule: here, the rule itself.
    const file = join(dir, 'label.csv');
    assert.equal(deepline(['label', 'export', 'world', '--log', join(dir, 'log'), '--by', 'drift', '--count', '360', '--out', file], { home }).code, 0);
    const toLabel = parse(readFileSync(file), { columns: true }) as Record<string, string>[];
    const header = Object.keys(toLabel[0]!);
    writeFileSync(file, [header.join(','), ...toLabel.map((r) => header.map((c) => (c === 'label' ? truth(Number(r.x1), Number(r.x2)) : r[c])).join(','))].join('\n'));
    const imported = deepline(['label', 'import', file, '--model', 'world'], { home });
    assert.equal(imported.code, 0, imported.stderr);

    // The watch sees labels newer than the newest version, and retrains.
    const watched = deepline(['watch', 'world', '--once', '--log', join(dir, 'log')], { home });
    assert.equal(watched.code, 0, watched.stderr);
    assert.match(watched.stdout, /\d+ labelled rows since v1: retraining/);
    assert.match(watched.stdout, /retrain: accuracy on \d+ fresh labelled rows: challenger .* → promoted/);
    const shownAfterWatch = JSON.parse(deepline(['registry', 'show', 'world', '--json'], { home }).stdout) as { versions: { version: number; stage: string; note?: string }[] };
    const challenger = shownAfterWatch.versions.find((v) => v.version === 2)!;
    assert.equal(challenger.stage, 'production');
    // The decision, with both scores, is the version's note and the promotion's reason.
    const m = /^retrain: accuracy on (\d+) fresh labelled rows: challenger ([\d.]+) vs champion v1 ([\d.]+) \(margin 0.01\) → promoted$/.exec(challenger.note!);
    assert.ok(m, challenger.note);
    const [holdoutRows, challengerScore, championScore] = [Number(m[1]), Number(m[2]), Number(m[3])];
    console.log(`retrain: champion ${championScore}, challenger ${challengerScore} on ${holdoutRows} fresh rows`);
    assert.ok(holdoutRows >= 60, String(holdoutRows));
    assert.ok(championScore < 0.75, `the champion is lost in the new region: ${championScore}`);
    assert.ok(challengerScore >= championScore + 0.15, `challenger ${challengerScore}`);
    const history = JSON.parse(deepline(['registry', 'show', 'world', '--json'], { home }).stdout) as { history: { version: number; kind: string; actor: string; reason?: string }[] };
    const promotion = history.history.find((h) => h.version === 2 && h.kind === 'promote')!;
    assert.equal(promotion.actor, 'deepline watch');
    assert.equal(promotion.reason, challenger.note);

    // Nothing new since v2: the next check retrains nothing (the shifted traffic was v1's).
    const again = deepline(['watch', 'world', '--once', '--log', join(dir, 'log')], { home });
    assert.match(again.stdout, /no labels since v2|no drift/);
  });
});
