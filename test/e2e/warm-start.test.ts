import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deepline, ROOT, tempDir } from './cli-helpers.ts';

describe('search.warmStart', { timeout: 300_000 }, () => {
  it('tries the given configurations first, in order, and skips one outside the space', () => {
    const dir = tempDir('deepline-warm-start-');
    const home = join(dir, 'home');
    copyFileSync(join(ROOT, 'examples/data/iris.csv'), join(dir, 'iris.csv'));
    const task = (name: string, extra: string): string => {
      writeFileSync(join(dir, `${name}.yaml`), `name: ${name}\ndata: { path: ./iris.csv, target: species }\nsecurity: { enabled: false }\nexport: []\nbudget: { trials: 3, epochs: 15 }\nsearch: { workers: 1${extra} }\noutput: ./out-${name}\n`);
      return join(dir, `${name}.yaml`);
    };
    const first = deepline(['run', task('first', '')], { home, cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    const trials = (name: string): { number: number; params: Record<string, unknown> }[] =>
      (JSON.parse(readFileSync(join(dir, `out-${name}`, 'study.json'), 'utf8')) as { trials: { number: number; params: Record<string, unknown> }[] }).trials.sort((a, b) => a.number - b.number);
    // Two configurations from the first study, in reverse order, and one the space cannot hold.
    const [a, b] = trials('first').slice(1, 3).map((t) => t.params);
    const outside = { ...a, epochs: 10_000 };
    const warm = deepline(['run', task('warm', `, warmStart: ${JSON.stringify([outside, b, a])}`)], { home, cwd: dir });
    assert.equal(warm.code, 0, warm.stderr);
    const tried = trials('warm').map((t) => t.params);
    assert.deepEqual(tried[0], b);
    assert.deepEqual(tried[1], a);
  });
});
