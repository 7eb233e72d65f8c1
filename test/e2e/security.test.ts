import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chartTitled } from '../render/charts/svg-chart-reader.ts';
import { deepline, ROOT, tempDir } from './cli-helpers.ts';

describe('robustness and the security gate', { timeout: 300_000 }, () => {
  const dir = tempDir('deepline-security-');
  copyFileSync(join(ROOT, 'examples/data/iris.csv'), join(dir, 'iris.csv'));
  const task = (name: string, extra: string): string => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, `name: ${name}\ndata: { path: ./iris.csv, target: species }\nsearch: { enabled: false }\nbudget: { epochs: 10 }\nexport: []\noutput: ./out-${name}\n${extra}`);
    return file;
  };
  const runs = (home: string) => JSON.parse(deepline(['runs', '--json'], { home }).stdout) as { id: string; status: string }[];

  it('fails a run below the gate with DL_SECURITY_GATE (exit 1), naming measured and required accuracy; `deepline show` keeps the measurement', () => {
    const home = tempDir();
    const r = deepline(['run', task('gated', 'security: { epsilon: 0.2, minRobustAccuracy: 0.99 }\n')], { home, cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /DL_SECURITY_GATE/);
    assert.match(r.stderr, /security gate failed: accuracy under pgd \(L∞\) at ε = 0\.2 is 0\.\d{3} on \d+ test examples, below security\.minRobustAccuracy 0\.99/);
    assert.ok(!existsSync(join(dir, 'out-gated', 'model')), 'nothing is published');
    const [failed] = runs(home);
    assert.equal(failed.status, 'failed');
    const show = deepline(['show', failed.id], { home });
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^robustness {2}pgd \(L∞, 10 steps, random start\) on \d+ test examples: clean \d\.\d{3} · ε 0\.01: .* · gate ≥ 0\.99 at ε 0\.2: FAILED$/m);
  });

  it('passes a reachable gate and writes the security section, robustness.json and the `deepline show` line; adversarial training is noted', () => {
    const home = tempDir();
    const r = deepline(['run', task('passed', 'security: { epsilon: 0.01, minRobustAccuracy: 0.05 }\ntrain: { adversarial: { attack: fgsm, epsilon: 0.05 } }\n')], { home, cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(readFileSync(join(dir, 'out-passed', 'robustness.json'), 'utf8')) as { status: string; gate: { passed: boolean }; adversarialTraining: unknown };
    assert.equal(summary.status, 'measured');
    assert.equal(summary.gate.passed, true);
    assert.deepEqual(summary.adversarialTraining, { attack: 'fgsm', epsilon: 0.05, steps: 1 });
    const html = readFileSync(join(dir, 'out-passed', 'report.html'), 'utf8');
    assert.match(html, /<h2>Security<\/h2>/);
    assert.equal(chartTitled(html, 'accuracy against ε (pgd)').legend.get(0), 'accuracy under pgd');
    assert.match(html, /Release gate: .* — <b>passed<\/b>/);
    assert.match(html, /trained on adversarial examples \(fgsm, ε = 0\.05, 1 step per batch\)/);
    const show = deepline(['show', runs(home)[0].id], { home });
    assert.match(show.stdout, /^robustness {2}pgd .* gate ≥ 0\.05 at ε 0\.01: passed · adversarially trained \(fgsm, ε 0\.05\)$/m);
    assert.match(show.stdout, /^security-gate\s+1\s+completed/m);
  });

  it('rejects a gate the run would not measure, before any work (exit 2)', () => {
    const bad = deepline(['run', task('bad', 'security: { enabled: false, epsilon: 0.1, minRobustAccuracy: 0.5 }\n')], { home: tempDir(), cwd: dir });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /bad\.yaml:\d+:\d+ security\.enabled: false turns off the robustness measurement/);
  });
});
