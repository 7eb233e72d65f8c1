import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { SearchSpace } from '../../../src/search/space.ts';
import { adaptParams } from '../../../src/search/warm-start/adapt-params.ts';
import { planWarmStart, type PriorCandidate } from '../../../src/search/warm-start/plan-warm-start.ts';
import { taskDistance } from '../../../src/search/warm-start/task-distance.ts';
import type { PriorTask, TaskMetaFeatures } from '../../../src/store/formats/prior-task.ts';

const SPACE: SearchSpace = {
  params: [
    { name: 'depth', kind: 'int', low: 1, high: 3 },
    { name: 'layer1.units', kind: 'int', low: 8, high: 128, log: true },
    { name: 'layer2.units', kind: 'int', low: 8, high: 128, log: true, condition: { parent: 'depth', values: [2, 3] } },
    { name: 'activation', kind: 'categorical', choices: ['relu', 'tanh'] },
    { name: 'learningRate', kind: 'float', low: 1e-4, high: 1e-1, log: true },
    { name: 'dropout', kind: 'float', low: 0, high: 0.5, step: 0.05 },
  ],
};
const DEFAULT = { depth: 2, 'layer1.units': 64, 'layer2.units': 32, activation: 'relu', learningRate: 1e-3, dropout: 0.1 };

const FEATURES: TaskMetaFeatures = {
  modality: 'tabular', targetKind: 'class', rows: 500, features: 10, classes: 2, classEntropy: 1, minorityRatio: 1,
  skewness: 0.2, kurtosis: 0, binaryShare: 0, sparsity: 0, landmarker: 0.5,
};

function past(name: string, meta: Partial<TaskMetaFeatures>, configs: PriorTask['configs'], family = 'mlp'): PriorTask {
  return { name, label: name, family, metaFeatures: { ...FEATURES, ...meta }, errorName: '1 - accuracy', configs, createdAt: '2026-12-05T00:00:00.000Z' };
}

it('adaptParams: drops unknown params, clips out-of-range values onto the grid, fills missing ones from the default', () => {
  const adapted = adaptParams(SPACE, { depth: 5, 'layer1.units': 1000, 'layer2.units': 3, 'layer3.units': 40, activation: 'relu', learningRate: 0.5, dropout: 0.337, optimizer: 'sgd' }, DEFAULT);
  assert.deepEqual(adapted.params, { depth: 3, 'layer1.units': 128, 'layer2.units': 8, activation: 'relu', learningRate: 0.1, dropout: 0.35 });
  assert.deepEqual(adapted.params && [...adapted.clipped].sort(), ['depth', 'dropout', 'layer1.units', 'layer2.units', 'learningRate']);
  // A categorical value the space lacks, and a parameter the config never had, come from the default.
  const filled = adaptParams(SPACE, { depth: 1, 'layer1.units': 16, activation: 'gelu', learningRate: 0.01 }, DEFAULT);
  assert.deepEqual(filled.params, { depth: 1, 'layer1.units': 16, activation: 'relu', learningRate: 0.01, dropout: 0.1 });
  assert.deepEqual(filled.params && filled.filled, ['activation', 'dropout']);
  // Without a default, a missing parameter leaves nothing sound: skipped, with the reason.
  const skipped = adaptParams(SPACE, { depth: 1, 'layer1.units': 16 }, undefined);
  assert.equal(skipped.params, undefined);
  assert.match(skipped.params === undefined ? skipped.problem : '', /activation/);
});

it('taskDistance: zero to itself, grows with the landmarker and size, infinite across modality or target kind', () => {
  assert.equal(taskDistance(FEATURES, FEATURES), 0);
  const a = taskDistance(FEATURES, { ...FEATURES, landmarker: 0.6 });
  const b = taskDistance(FEATURES, { ...FEATURES, landmarker: 0.9 });
  assert.ok(a > 0 && b > a, `${a} ${b}`);
  assert.ok(taskDistance(FEATURES, { ...FEATURES, rows: 50_000 }) > taskDistance(FEATURES, { ...FEATURES, rows: 1000 }));
  assert.equal(taskDistance(FEATURES, { ...FEATURES, modality: 'image' }), Infinity);
  assert.equal(taskDistance(FEATURES, { ...FEATURES, targetKind: 'numeric' }), Infinity);
});

it('planWarmStart: nearest tasks of the same family first, a portfolio in turns without repeats or the default, all good configs for the prior', () => {
  const near = past('near', { landmarker: 0.52 }, [
    { params: { ...DEFAULT, 'layer1.units': 16 }, error: 0.1 },
    { params: DEFAULT, error: 0.11 },
    { params: { ...DEFAULT, activation: 'tanh' }, error: 0.12 },
  ]);
  const mid = past('mid', { landmarker: 0.7 }, [{ params: { ...DEFAULT, 'layer1.units': 16 }, error: 0.2 }, { params: { ...DEFAULT, dropout: 0.3 }, error: 0.25 }]);
  const far = past('far', { landmarker: 0.95, rows: 60_000 }, [{ params: { ...DEFAULT, learningRate: 0.05 }, error: 0.05 }]);
  const otherFamily = past('cnn-task', { landmarker: 0.5 }, [{ params: { filters: 32 }, error: 0.01 }], 'cnn');
  const regression = past('reg', { targetKind: 'numeric', landmarker: 0.5 }, [{ params: DEFAULT, error: 3 }]);
  const candidates: PriorCandidate[] = [far, mid, near, otherFamily, regression].map((task) => ({ task, source: 'shipped' as const }));
  const plan = planWarmStart({ metaFeatures: FEATURES, family: 'mlp', space: SPACE, candidates, fill: DEFAULT, neighbours: 2, portfolio: 3 });
  assert.deepEqual(plan.neighbours.map((n) => n.name), ['near', 'mid']);
  assert.ok(plan.neighbours[0].distance < plan.neighbours[1].distance);
  assert.equal(plan.neighbours[1].bestError, 0.2);
  // near's best; mid's best is the same configuration (skipped); the default is never repeated; then each one's next.
  assert.deepEqual(plan.portfolio, [{ ...DEFAULT, 'layer1.units': 16 }, { ...DEFAULT, dropout: 0.3 }, { ...DEFAULT, activation: 'tanh' }]);
  assert.equal(plan.good.length, 5);

  // A workspace task replaces the shipped one of that name; an excluded name is never used.
  const mine = { task: past('near', { landmarker: 0.5 }, [{ params: { ...DEFAULT, depth: 1 }, error: 0.05 }]), source: 'workspace' as const };
  const again = planWarmStart({ metaFeatures: FEATURES, family: 'mlp', space: SPACE, candidates: [mine, ...candidates], fill: DEFAULT, neighbours: 1, exclude: new Set(['mid']) });
  assert.deepEqual(again.neighbours.map((n) => [n.name, n.source, n.distance]), [['near', 'workspace', 0]]);
  const { 'layer2.units': _, ...oneLayer } = { ...DEFAULT, depth: 1 };
  assert.deepEqual(again.portfolio, [oneLayer]);
  // Nothing near enough: no neighbours, an empty plan.
  const none = planWarmStart({ metaFeatures: { ...FEATURES, modality: 'text' }, family: 'mlp', space: SPACE, candidates, fill: DEFAULT });
  assert.deepEqual([none.neighbours.length, none.portfolio.length, none.good.length], [0, 0, 0]);
});
