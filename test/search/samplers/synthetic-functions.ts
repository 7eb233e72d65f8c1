import type { Params, SearchSpace } from '../../../src/search/space.ts';

/** A test function to minimise, its search space and known minimum. */
export interface SyntheticFunction {
  readonly name: string;
  readonly space: SearchSpace;
  readonly optimum: number;
  evaluate(params: Params): number;
}

/** Branin–Hoo on x1 ∈ [-5, 10], x2 ∈ [0, 15]; three global minima of 5/(4π)·… = 0.397887. */
export const branin: SyntheticFunction = {
  name: 'Branin',
  space: { params: [{ name: 'x1', kind: 'float', low: -5, high: 10 }, { name: 'x2', kind: 'float', low: 0, high: 15 }] },
  optimum: 0.397887,
  evaluate(params) {
    const x1 = params.x1 as number;
    const x2 = params.x2 as number;
    const b = 5.1 / (4 * Math.PI ** 2);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
  },
};

const ALPHA = [1.0, 1.2, 3.0, 3.2];
const A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));

/** Hartmann 6-D on [0, 1]^6; global minimum −3.32237 near (0.2017, 0.1500, 0.4769, 0.2753, 0.3117, 0.6573). */
export const hartmann6: SyntheticFunction = {
  name: 'Hartmann-6',
  space: { params: Array.from({ length: 6 }, (_, i) => ({ name: `x${i + 1}`, kind: 'float' as const, low: 0, high: 1 })) },
  optimum: -3.32237,
  evaluate(params) {
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) inner += A[i][j] * ((params[`x${j + 1}`] as number) - P[i][j]) ** 2;
      sum += ALPHA[i] * Math.exp(-inner);
    }
    return -sum;
  },
};
