import type { SeededRandom } from '../../../seed/seeded-random.ts';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Error function, Numerical Recipes' erfc Chebyshev fit (|error| < 1.2e-7). Enough here because
 * TPE only ever takes a normal's mass over an interval that contains its mean and spans at least
 * one σ, which is never below 0.34, so no tail cancellation happens.
 */
function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

/** Normal CDF. */
function phi(z: number): number {
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

/** log density at x of N(mu, sigma²) truncated to [low, high]. */
export function logTruncatedNormalPdf(x: number, mu: number, sigma: number, low: number, high: number): number {
  if (x < low || x > high) return -Infinity;
  const z = (x - mu) / sigma;
  const mass = phi((high - mu) / sigma) - phi((low - mu) / sigma);
  return -0.5 * z * z - LOG_SQRT_2PI - Math.log(sigma) - Math.log(mass);
}

/**
 * A draw from N(mu, sigma²) truncated to [low, high] by rejection. With mu inside the interval and
 * sigma ≤ its width (both hold for every TPE kernel) the acceptance rate is ≥ 0.34; the clamp after
 * many misses only guards against callers that break that.
 */
export function sampleTruncatedNormal(mu: number, sigma: number, low: number, high: number, rng: SeededRandom): number {
  for (let attempt = 0; attempt < 100; attempt++) {
    // Box–Muller; 1 - next() keeps the log argument in (0, 1].
    const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    const x = mu + sigma * z;
    if (x >= low && x <= high) return x;
  }
  return Math.min(high, Math.max(low, mu));
}
