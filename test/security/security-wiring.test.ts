import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { createDefaultContext } from '../../src/context/deepline-context.ts';
import { loadTaskFile } from '../../src/task/load-task.ts';
import type { TaskOverrides } from '../../src/task/task-spec.ts';
import { tmpdir } from 'node:os';
import { vocabularyOf } from '../../src/context/task-vocabulary.ts';
import { isDeeplineError } from '../../src/errors/index.ts';

const IRIS = resolve(import.meta.dirname, '../../examples/iris.yaml');
const context = await createDefaultContext({ home: join(tmpdir(), 'deepline-security-wiring') });

async function pipeline(overrides: TaskOverrides) {
  const spec = await loadTaskFile(IRIS, { output: join(tmpdir(), 'deepline-security-wiring-out'), ...overrides });
  const template = context.registries.templates.get(spec.task);
  return { spec, steps: (await template.buildPipeline(spec)).steps, publication: template.publish(spec) };
}

describe('security in the pipeline', () => {
  it('measures robustness after evaluation by default, publishes robustness.json and feeds it to the report', async () => {
    const { steps, publication } = await pipeline({});
    const names = steps.map((s) => s.name);
    assert.ok(names.indexOf('robustness') > names.indexOf('evaluate'));
    assert.ok(!names.includes('security-gate'));
    assert.equal(steps.find((s) => s.name === 'report')?.inputs.robustness, 'robustness.robustness');
    assert.deepEqual(steps.find((s) => s.name === 'robustness')?.inputs, { model: 'train.model', train: 'transform.train', test: 'transform.test', transform: 'transform.transform' });
    assert.equal(publication['robustness.robustness'], 'robustness.json');
  });

  it('leaves it out with `security: { enabled: false }`', async () => {
    const { steps, publication } = await pipeline({ security: { enabled: false } });
    assert.ok(!steps.some((s) => s.name === 'robustness' || s.name === 'security-gate'));
    assert.equal(steps.find((s) => s.name === 'report')?.inputs.robustness, undefined);
    assert.equal(publication['robustness.robustness'], undefined);
  });

  it('adds the gate step, measures the gate’s ε, and makes the gate a search constraint', async () => {
    const { spec, steps } = await pipeline({ security: { epsilon: 0.03, minRobustAccuracy: 0.7 } });
    assert.deepEqual(spec.security.epsilons, [0, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2]);
    const names = steps.map((s) => s.name);
    assert.equal(names.indexOf('security-gate'), names.indexOf('robustness') + 1);
    assert.deepEqual(steps.find((s) => s.name === 'robustness')?.params.gate, { epsilon: 0.03, minRobustAccuracy: 0.7 });
    const search = steps.find((s) => s.name === 'search')!;
    assert.deepEqual((search.params.constraints as Record<string, unknown>).robustness, { epsilon: 0.03, minAccuracy: 0.7, norm: 'linf', steps: 10, examples: 100 });
    assert.equal(search.inputs.transform, 'transform.transform', 'the search reads which features are categorical');
  });

  it('passes train.adversarial to the trials and the final training, with the transform', async () => {
    const { spec, steps } = await pipeline({ train: { adversarial: { attack: 'pgd', epsilon: 0.1 } } });
    assert.deepEqual(spec.train.adversarial, { attack: 'pgd', epsilon: 0.1, steps: 5, norm: 'linf' });
    for (const name of ['search', 'train']) {
      const step = steps.find((s) => s.name === name)!;
      assert.deepEqual(step.params.adversarial, spec.train.adversarial, name);
      assert.equal(step.inputs.transform, 'transform.transform', name);
    }
    const plain = await pipeline({});
    assert.equal(plain.steps.find((s) => s.name === 'train')!.params.adversarial, undefined, 'no change to the default training’s cache key');
    assert.equal(plain.steps.find((s) => s.name === 'train')!.inputs.transform, undefined);
  });

  it('checks security.attack and its options against the registered attacks', async () => {
    const load = (attack: unknown) => loadTaskFile(IRIS, { security: { attack } as never }, { extensions: async () => vocabularyOf(context.registries) });
    await assert.rejects(load('pgb'), (e: unknown) => isDeeplineError(e) && /security\.attack: expected a registered attack \(fgsm, pgd, token-swap, auto\), but got "pgb" — did you mean `pgd`\?/.test(e.message));
    await assert.rejects(load({ name: 'pgd', options: { norm: 'l3' } }), (e: unknown) => isDeeplineError(e) && /security\.attack\.options\.norm/.test(e.message));
    const spec = await load({ name: 'pgd', options: { norm: 'l2', steps: 20 } });
    assert.equal(spec.security.attack, 'pgd');
    assert.deepEqual(spec.security.attackOptions, { norm: 'l2', steps: 20 });
  });
});
