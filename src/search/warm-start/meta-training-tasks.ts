import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSeededRandom, type SeededRandom } from '../../seed/seeded-random.ts';

/**
 * One task of the meta-training set the shipped prior is built from: a table of known structure
 * (the rule that makes the target is written here), generated from a seed. None of them is a
 * data set any benchmark evaluates deepline on (bench:tabular's tables, Fashion-MNIST).
 */
export interface MetaTrainingTask {
  readonly name: string;
  readonly task: 'tabular-classification' | 'tabular-regression';
  /** The structure, for people reading `deepline prior show`. */
  readonly structure: string;
  readonly rows: number;
  generate(rng: SeededRandom, rows: number): { header: string[]; data: (string | number)[][] };
}

const gauss = (rng: SeededRandom): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
const uniform = (rng: SeededRandom, n: number): number[] => Array.from({ length: n }, () => 2 * rng.next() - 1);
const gaussians = (rng: SeededRandom, n: number): number[] => Array.from({ length: n }, () => gauss(rng));
const names = (n: number, prefix = 'x'): string[] => Array.from({ length: n }, (_, j) => `${prefix}${j + 1}`);
const round = (v: number): number => Math.round(v * 1e4) / 1e4;

function classification(d: number, rows: number, rng: SeededRandom, draw: (rng: SeededRandom) => number[], label: (x: number[]) => string): { header: string[]; data: (string | number)[][] } {
  return { header: [...names(d), 'label'], data: Array.from({ length: rows }, () => {
    const x = draw(rng);
    return [...x.map(round), label(x)];
  }) };
}

function regression(d: number, rows: number, rng: SeededRandom, draw: (rng: SeededRandom) => number[], target: (x: number[]) => number, noise: number): { header: string[]; data: (string | number)[][] } {
  return { header: [...names(d), 'target'], data: Array.from({ length: rows }, () => {
    const x = draw(rng);
    return [...x.map(round), round(target(x) + noise * gauss(rng))];
  }) };
}

/** `count` Gaussian clusters (σ `sigma`) with centres drawn in [-spread, spread]^features; the class is the cluster. */
function clusters(rng: SeededRandom, rows: number, o: { count: number; features: number; spread: number; sigma: number; target: string; prefix: string }): { header: string[]; data: (string | number)[][] } {
  const centres = Array.from({ length: o.count }, () => uniform(rng, o.features).map((v) => o.spread * v));
  return {
    header: [...names(o.features), o.target],
    data: Array.from({ length: rows }, () => {
      const c = rng.int(o.count);
      return [...centres[c].map((m) => round(m + o.sigma * gauss(rng))), `${o.prefix}${c}`];
    }),
  };
}

/**
 * The meta-training set: linear and non-linear boundaries (XOR, rings, spirals),
 * clusters, axis-aligned regions, many classes, imbalance, label noise, categorical and binary features, wide and narrow
 * tables; linear, smooth, interacting, piecewise-constant and skewed regressions.
 */
export const META_TRAINING_TASKS: readonly MetaTrainingTask[] = [
  {
    name: 'linear-boundary', task: 'tabular-classification', rows: 400,
    structure: '8 uniform features; class = sign of a fixed linear combination of 3, with 5% of labels flipped',
    generate: (rng, rows) => classification(8, rows, rng, (r) => uniform(r, 8), (x) => ((x[0] + 0.5 * x[1] - 0.8 * x[2] > 0) !== (rng.next() < 0.05) ? 'pos' : 'neg')),
  },
  {
    name: 'xor', task: 'tabular-classification', rows: 600,
    structure: '6 uniform features; class = XOR of the signs of x1 and x2, the other 4 are noise',
    generate: (rng, rows) => classification(6, rows, rng, (r) => uniform(r, 6), (x) => (x[0] * x[1] > 0 ? 'a' : 'b')),
  },
  {
    name: 'rings', task: 'tabular-classification', rows: 600,
    structure: '3 features; 3 classes by the radius of (x1, x2) (concentric rings), x3 noise',
    generate: (rng, rows) => classification(3, rows, rng, (r) => uniform(r, 3), (x) => {
      const radius = Math.hypot(x[0], x[1]) + 0.05 * gauss(rng);
      return radius < 0.45 ? 'inner' : radius < 0.8 ? 'middle' : 'outer';
    }),
  },
  {
    name: 'blobs', task: 'tabular-classification', rows: 800,
    structure: '10 features; 5 Gaussian clusters (σ 1.2) with centres drawn in [-2, 2]^10',
    generate: (rng, rows) => clusters(rng, rows, { count: 5, features: 10, spread: 2, sigma: 1.2, target: 'cluster', prefix: 'c' }),
  },
  {
    name: 'imbalanced', task: 'tabular-classification', rows: 1000,
    structure: '12 Gaussian features; the rare class (about 10%) is where x1² + x2 exceeds a threshold',
    generate: (rng, rows) => classification(12, rows, rng, (r) => gaussians(r, 12), (x) => (x[0] * x[0] + x[1] > 2.3 ? 'rare' : 'common')),
  },
  {
    name: 'categorical-rules', task: 'tabular-classification', rows: 800,
    structure: '3 categorical columns (4-6 levels) and 3 numeric; 4 classes by rules mixing a category and a threshold',
    generate: (rng, rows) => {
      const colours = ['red', 'green', 'blue', 'grey'];
      const shapes = ['square', 'circle', 'star', 'hex', 'ring'];
      const sizes = ['xs', 's', 'm', 'l', 'xl', 'xxl'];
      return {
        header: ['colour', 'shape', 'size', 'w1', 'w2', 'w3', 'kind'],
        data: Array.from({ length: rows }, () => {
          const colour = colours[rng.int(4)];
          const shape = shapes[rng.int(5)];
          const size = rng.int(6);
          const w = uniform(rng, 3);
          const kind = colour === 'red' && w[0] > 0 ? 'k1' : shape === 'star' || shape === 'hex' ? (size > 2 ? 'k2' : 'k3') : w[1] + w[2] > 0.3 ? 'k4' : 'k3';
          return [colour, shape, sizes[size], ...w.map(round), kind];
        }),
      };
    },
  },
  {
    name: 'wide-few-rows', task: 'tabular-classification', rows: 160,
    structure: '40 Gaussian features, 160 rows; class = sign of x1 + x2 - x3, the rest noise',
    generate: (rng, rows) => classification(40, rows, rng, (r) => gaussians(r, 40), (x) => (x[0] + x[1] - x[2] > 0 ? 'yes' : 'no')),
  },
  {
    name: 'friedman', task: 'tabular-regression', rows: 500,
    structure: 'Friedman #1: 10 uniform features in [0, 1], y = 10 sin(π x1 x2) + 20 (x3 − 0.5)² + 10 x4 + 5 x5 + N(0, 1)',
    generate: (rng, rows) => regression(10, rows, rng, (r) => Array.from({ length: 10 }, () => r.next()), (x) => 10 * Math.sin(Math.PI * x[0] * x[1]) + 20 * (x[2] - 0.5) ** 2 + 10 * x[3] + 5 * x[4], 1),
  },
  {
    name: 'sparse-linear', task: 'tabular-regression', rows: 300,
    structure: '20 Gaussian features, y = 3 x1 − 2 x2 + x3 + N(0, 0.5): linear with noise features',
    generate: (rng, rows) => regression(20, rows, rng, (r) => gaussians(r, 20), (x) => 3 * x[0] - 2 * x[1] + x[2], 0.5),
  },
  {
    name: 'sine-interaction', task: 'tabular-regression', rows: 600,
    structure: '3 uniform features, y = sin(3 x1) cos(2 x2) + x3² + N(0, 0.05): smooth and non-linear',
    generate: (rng, rows) => regression(3, rows, rng, (r) => uniform(r, 3), (x) => Math.sin(3 * x[0]) * Math.cos(2 * x[1]) + x[2] * x[2], 0.05),
  },
  {
    name: 'spirals', task: 'tabular-classification', rows: 600,
    structure: '2 interleaved spirals in (x1, x2) (one turn each, noise 0.05) and 2 noise features',
    generate: (rng, rows) => ({
      header: [...names(4), 'arm'],
      data: Array.from({ length: rows }, () => {
        const arm = rng.int(2);
        const t = rng.next();
        const angle = 2 * Math.PI * t + arm * Math.PI;
        const x = [t * Math.cos(angle) + 0.05 * gauss(rng), t * Math.sin(angle) + 0.05 * gauss(rng), ...uniform(rng, 2)];
        return [...x.map(round), arm === 0 ? 'left' : 'right'];
      }),
    }),
  },
  {
    name: 'boxes', task: 'tabular-classification', rows: 900,
    structure: '5 uniform features; 3 classes by axis-aligned regions of (x1, x2, x3) (a depth-3 tree), the other 2 are noise',
    generate: (rng, rows) => classification(5, rows, rng, (r) => uniform(r, 5), (x) => (x[0] > 0.2 ? (x[1] < 0.5 ? 'p' : 'q') : x[2] > -0.3 ? 'q' : 'r')),
  },
  {
    name: 'many-classes', task: 'tabular-classification', rows: 1200,
    structure: '6 features; 8 overlapping Gaussian clusters (σ 1.0) with centres drawn in [-1.5, 1.5]^6',
    generate: (rng, rows) => clusters(rng, rows, { count: 8, features: 6, spread: 1.5, sigma: 1, target: 'group', prefix: 'g' }),
  },
  {
    name: 'noisy-labels', task: 'tabular-classification', rows: 500,
    structure: '5 Gaussian features; class = sign of x1 − x2 + 0.5 x3, with 20% of labels flipped',
    generate: (rng, rows) => classification(5, rows, rng, (r) => gaussians(r, 5), (x) => ((x[0] - x[1] + 0.5 * x[2] > 0) !== (rng.next() < 0.2) ? 'up' : 'down')),
  },
  {
    name: 'binary-votes', task: 'tabular-classification', rows: 700,
    structure: '16 binary features; class = majority of the first 5, the other 11 are noise',
    generate: (rng, rows) => classification(16, rows, rng, (r) => Array.from({ length: 16 }, () => r.int(2)), (x) => (x[0] + x[1] + x[2] + x[3] + x[4] >= 3 ? 'for' : 'against')),
  },
  {
    name: 'dense-linear', task: 'tabular-regression', rows: 400,
    structure: '10 Gaussian features, y = a fixed linear combination of all 10 (weights in [-2, 2]) + N(0, 1)',
    generate: (rng, rows) => {
      const w = uniform(rng, 10).map((v) => 2 * v);
      return regression(10, rows, rng, (r) => gaussians(r, 10), (x) => x.reduce((sum, v, j) => sum + w[j] * v, 0), 1);
    },
  },
  {
    name: 'steps', task: 'tabular-regression', rows: 500,
    structure: '4 uniform features; y piecewise constant on thresholds of x1 and x2 (a depth-2 tree: −2, 0, 1, 3) + N(0, 0.3)',
    generate: (rng, rows) => regression(4, rows, rng, (r) => uniform(r, 4), (x) => (x[0] < 0 ? (x[1] < 0.3 ? -2 : 0) : x[1] < -0.4 ? 1 : 3), 0.3),
  },
  {
    name: 'skewed-target', task: 'tabular-regression', rows: 500,
    structure: '5 Gaussian features, y = exp(0.8 x1 + 0.4 x2) + N(0, 0.2): a right-skewed target',
    generate: (rng, rows) => regression(5, rows, rng, (r) => gaussians(r, 5), (x) => Math.exp(0.8 * x[0] + 0.4 * x[1]), 0.2),
  },
  {
    name: 'wide-regression', task: 'tabular-regression', rows: 200,
    structure: '50 Gaussian features, 200 rows; y = x1 + x2 + x3 + x4 + x5 + N(0, 1), the rest noise',
    generate: (rng, rows) => regression(50, rows, rng, (r) => gaussians(r, 50), (x) => x[0] + x[1] + x[2] + x[3] + x[4], 1),
  },
  {
    name: 'products', task: 'tabular-regression', rows: 800,
    structure: '6 uniform features, y = 2 x1 x2 − 1.5 x3 x4 + x5 + N(0, 0.1): pairwise interactions',
    generate: (rng, rows) => regression(6, rows, rng, (r) => uniform(r, 6), (x) => 2 * x[0] * x[1] - 1.5 * x[2] * x[3] + x[4], 0.1),
  },
];

/** A task file (as an object) for a generated meta-training task, relative to the folder the CSV is in. */
export interface WrittenMetaTask {
  readonly name: string;
  readonly file: string;
  readonly taskObject: Record<string, unknown>;
}

/**
 * Writes each task's CSV into `dir` (`<name>.csv`, the same rows for the same seed) and returns a
 * task object for it: the target column, the task type, the seed.
 */
export async function writeMetaTrainingTasks(dir: string, tasks: readonly MetaTrainingTask[], seed: number): Promise<WrittenMetaTask[]> {
  await mkdir(dir, { recursive: true });
  const out: WrittenMetaTask[] = [];
  for (const [i, task] of tasks.entries()) {
    const { header, data } = task.generate(createSeededRandom(seed * 1000 + i), task.rows);
    const file = join(dir, `${task.name}.csv`);
    await writeFile(file, `${[header.join(','), ...data.map((r) => r.join(','))].join('\n')}\n`);
    out.push({
      name: task.name,
      file,
      taskObject: { name: task.name, task: task.task, data: { path: file, target: header[header.length - 1] }, seed },
    });
  }
  return out;
}
