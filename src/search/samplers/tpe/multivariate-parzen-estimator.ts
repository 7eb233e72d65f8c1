import type { SeededRandom } from '../../../seed/seeded-random.ts';
import type { ParamDomain } from './param-domain.ts';
import { logTruncatedNormalPdf, sampleTruncatedNormal } from './truncated-normal.ts';

export interface MultivariateParzenEstimator {
  sample(rng: SeededRandom): number[];
  logPdf(x: readonly number[]): number;
}

/**
 * A mixture of product kernels over several parameters, one kernel per observed trial plus a
 * broad prior, so a draw keeps the combinations that worked together (univariate TPE mixes the
 * good trials' coordinates independently, which loses them). Numeric kernels share a Scott's-rule
 * σ = bandwidth · n^(−1/(d+4)) · width, floored like the univariate magic clip; categorical kernels put
 * their weight on the observed choice plus priorWeight / size on each.
 */
export function multivariateParzenEstimator(
  domains: readonly ParamDomain[],
  observations: readonly (readonly number[])[],
  weights: readonly number[],
  priorWeight: number,
  bandwidth: number,
): MultivariateParzenEstimator {
  const d = domains.length;
  const withPrior = priorWeight > 0 || observations.length === 0;
  const n = observations.length + (withPrior ? 1 : 0);
  const ws = [...weights, ...(withPrior ? [priorWeight > 0 ? priorWeight : 1] : [])];
  const total = ws.reduce((a, b) => a + b, 0);
  const logW = ws.map((w) => Math.log(w / total));
  const scale = bandwidth * n ** (-1 / (d + 4));
  type Kernel = { numeric: true; low: number; high: number; mus: number[]; sigmas: number[] } | { numeric: false; rows: number[][] };
  const kernels = domains.map((domain, j): Kernel => {
    if (domain.kind === 'numeric') {
      const width = domain.high - domain.low;
      const sigma = Math.max(scale * width, width / Math.min(100, 1 + n));
      const mus = observations.map((o) => o[j]);
      const sigmas = mus.map(() => sigma);
      if (withPrior) {
        mus.push(0.5 * (domain.low + domain.high));
        sigmas.push(width);
      }
      return { numeric: true, low: domain.low, high: domain.high, mus, sigmas };
    }
    // Row k: the log-probabilities of each choice under kernel k.
    const rows = observations.map((o) => {
      const p = new Array<number>(domain.size).fill(priorWeight / domain.size / (1 + priorWeight));
      p[o[j]] += 1 / (1 + priorWeight);
      return p.map(Math.log);
    });
    if (withPrior) rows.push(new Array<number>(domain.size).fill(-Math.log(domain.size)));
    return { numeric: false, rows };
  });
  return {
    sample(rng) {
      let u = rng.next() * total;
      let k = 0;
      while (k < n - 1 && u >= ws[k]) u -= ws[k++];
      return kernels.map((kernel) => {
        if (kernel.numeric) {
          return sampleTruncatedNormal(kernel.mus[k], kernel.sigmas[k], kernel.low, kernel.high, rng);
        }
        let v = rng.next();
        const row = kernel.rows[k];
        for (let c = 0; c < row.length - 1; c++) {
          const p = Math.exp(row[c]);
          if (v < p) return c;
          v -= p;
        }
        return row.length - 1;
      });
    },
    logPdf(x) {
      const terms = new Array<number>(n);
      let max = -Infinity;
      for (let k = 0; k < n; k++) {
        let t = logW[k];
        for (let j = 0; j < d && t > -Infinity; j++) {
          const kernel = kernels[j];
          if (kernel.numeric) {
            t += logTruncatedNormalPdf(x[j], kernel.mus[k], kernel.sigmas[k], kernel.low, kernel.high);
          } else t += kernel.rows[k][x[j]];
        }
        terms[k] = t;
        if (t > max) max = t;
      }
      if (max === -Infinity) return -Infinity;
      let sum = 0;
      for (let k = 0; k < n; k++) sum += Math.exp(terms[k] - max);
      return max + Math.log(sum);
    },
  };
}
