import type { Dataset } from '../../src/data/dataset.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';

/** Gaussian blobs: class c centred at `spread` * (unit vector c mod d), unit variance. */
export function blobs(n: number, d: number, k: number, seed: number, spread = 4): Dataset {
  const random = createSeededRandom(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    y[i] = c;
    for (let j = 0; j < d; j++) x[i * d + j] = gauss() + (j === c % d ? spread * (c < d ? 1 : -1) : 0);
  }
  return { n, featureShape: [d], x, y, target: { kind: 'class', name: 'label', classes: Array.from({ length: k }, (_, c) => `c${c}`) } };
}

/** Features with labels drawn independently of them: nothing to learn, everything to overfit. */
export function noise(n: number, d: number, seed: number): Dataset {
  const random = createSeededRandom(seed);
  const x = Float32Array.from({ length: n * d }, () => random.next() * 2 - 1);
  const y = Float32Array.from({ length: n }, () => random.int(2));
  return { n, featureShape: [d], x, y, target: { kind: 'class', name: 'label', classes: ['a', 'b'] } };
}

/** y = 2 x0 - x1 + 0.1 noise, already on a standardised-like scale. */
export function linear(n: number, seed: number): Dataset {
  const random = createSeededRandom(seed);
  const x = Float32Array.from({ length: n * 3 }, () => random.next() * 2 - 1);
  const y = Float32Array.from({ length: n }, (_, i) => 2 * x[i * 3] - x[i * 3 + 1] + 0.1 * (random.next() - 0.5));
  return { n, featureShape: [3], x, y, target: { kind: 'numeric', name: 'value' } };
}
