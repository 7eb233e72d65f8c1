import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeeplineError } from '../../src/errors/index.ts';
import { definePipeline } from '../../src/pipeline/pipeline.ts';
import type { Step } from '../../src/pipeline/step.ts';

const step = (name: string, inputs: Record<string, string> = {}, outputs: string[] = ['out'], extra: Partial<Step> = {}): Step => ({
  name,
  version: '1',
  params: {},
  inputs,
  outputs,
  run: async () => {
    throw new Error('not run in these tests');
  },
  ...extra,
});

function rejects(steps: Step[], ...patterns: RegExp[]): void {
  assert.throws(
    () => definePipeline(steps),
    (e: unknown) => {
      assert.ok(e instanceof DeeplineError, 'a DeeplineError');
      assert.equal(e.code, 'DL_PIPELINE');
      assert.equal(e.exitCode, 2);
      for (const p of patterns) assert.match(e.message, p);
      return true;
    },
  );
}

describe('definePipeline', () => {
  it('orders steps topologically, keeping declaration order where free', () => {
    const p = definePipeline([
      step('report', { m: 'train.out', d: 'split.out' }),
      step('train', { d: 'split.out' }),
      step('load'),
      step('profile', { d: 'load.out' }),
      step('split', { d: 'load.out' }),
    ]);
    assert.deepEqual(p.steps.map((s) => s.name), ['load', 'profile', 'split', 'train', 'report']);
    assert.deepEqual(p.outputs, ['load.out', 'profile.out', 'split.out', 'train.out', 'report.out']);
    assert.ok(Object.isFrozen(p) && Object.isFrozen(p.steps));
  });

  it('refuses duplicate step names', () => {
    rejects([step('load'), step('train', { d: 'load.out' }), step('load')], /two steps are named "load"/);
  });

  it('refuses an input naming an unknown step or output, listing what exists', () => {
    rejects([step('load', {}, ['table']), step('train', { d: 'lod.table' })], /input "d" names "lod\.table", but there is no step "lod" \(steps: load, train\)/);
    rejects([step('load', {}, ['table']), step('train', { d: 'load.tabel' })], /names "load\.tabel", but step "load" has outputs: table/);
    rejects([step('train', { d: 'no-dot' })], /must name "step\.output", but got "no-dot"/);
  });

  it('reports a cycle as a path in data-flow order', () => {
    rejects([step('load'), step('a', { x: 'c.out', l: 'load.out' }), step('b', { x: 'a.out' }), step('c', { x: 'b.out' })], /cycle: a → b → c → a/);
    rejects([step('self', { x: 'self.out' })], /cycle: self → self/);
  });

  it('refuses names that cannot be folder names or reference parts, empty versions and un-hashable params', () => {
    rejects([step('bad.name')], /step name "bad\.name"/);
    rejects([step('ok', {}, ['a', 'a'])], /declares output "a" twice/);
    rejects([step('v', {}, ['out'], { version: '' })], /non-empty version/);
    rejects([step('p', {}, ['out'], { params: { lr: Number.NaN } })], /step "p" params: .*NaN/);
  });

  it('reports every problem at once', () => {
    rejects([step('a'), step('a'), step('b', { x: 'zzz.out' })], /two steps are named "a"/, /no step "zzz"/);
  });
});
