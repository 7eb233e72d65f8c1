import { DeeplineError } from '../../errors/index.ts';
import type { ServingChoice, ServingEngine } from './serving-config.ts';
import type { BenchCell, EngineBench } from './target-bench-result.ts';

/** The objective when the task sets none: a reply within 100 ms reads as instant to a person. */
export const DEFAULT_MAX_LATENCY_MS = 100;

/** Throughputs this close to the best are within the noise of a short measurement; the lowest latency among them wins. */
export const THROUGHPUT_TOLERANCE = 0.05;

/** Node's timers fire after whole milliseconds (a shorter one waits 1 ms), so a wait is a whole number of them. */
export const TIMER_RESOLUTION_MS = 1;

/**
 * The worst time a request spends in the server when batches hold up to `cell.batch` and a lone
 * request waits `waitMs`: it may wait that long, then for the batch already running, then for
 * its own (each at most the slowest call, p99). It holds while requests arrive no faster than
 * `cell.throughput`; beyond that a queue builds whatever the settings.
 */
export function latencyBoundMs(cell: Pick<BenchCell, 'p99Ms'>, waitMs = 0): number {
  return waitMs + 2 * cell.p99Ms;
}

/**
 * The fixed cost of one call, in ms: the intercept of the line through the p50 times at the
 * smallest batch and at `at` (call time ≈ fixed + per-example × batch), clamped to [0, smallest
 * batch's time] against noise. It is what a request running alone pays that a batch shares.
 */
export function fixedCallCostMs(cells: readonly BenchCell[], at: BenchCell): number {
  const first = cells.reduce((a, b) => (b.batch < a.batch ? b : a), at);
  if (at.batch <= first.batch) return 0;
  const perExample = (at.p50Ms - first.p50Ms) / (at.batch - first.batch);
  return Math.min(first.p50Ms, Math.max(0, first.p50Ms - perExample * first.batch));
}

/**
 * The wait before a lone request runs, in whole ms. Requests that arrive while a batch runs form
 * the next batch anyway, so a wait only matters at light load, where each lone request would pay
 * the whole fixed cost of a call. Waiting up to that cost and no longer (the rent-or-buy rule) at
 * most doubles a lone request's time while letting those arriving meanwhile share the cost; and
 * the wait comes only out of the slack the objective leaves. Zero for batches of one.
 */
export function batchingWaitMs(fixedCostMs: number, slackMs: number, maxBatch: number): number {
  if (maxBatch <= 1 || !(slackMs > 0)) return 0;
  // The epsilon keeps a cost of 2 ms computed as 1.9999999 from rounding down to 1.
  return Math.floor(Math.min(fixedCostMs, slackMs) / TIMER_RESOLUTION_MS + 1e-9) * TIMER_RESOLUTION_MS;
}

interface Candidate {
  readonly engine: ServingEngine;
  readonly cell: BenchCell;
  readonly cells: readonly BenchCell[];
  readonly bound: number;
  readonly order: number;
}

/**
 * Chooses the engine, the largest batch and the wait for serving, from the measurements and the
 * latency objective: among the (engine, batch size) pairs whose latency bound (latencyBoundMs,
 * no wait) meets the objective, the highest throughput — and of those within 5% of it, the one
 * with the lowest bound; then the wait (batchingWaitMs) from the slack left. When no pair meets
 * the objective, the one with the lowest bound, no wait, and `meetsObjective: false`.
 */
export function chooseServing(engines: readonly EngineBench[], maxLatencyMs: number): ServingChoice {
  const candidates: Candidate[] = engines.flatMap((e, order) => e.cells.map((cell) => ({ engine: e.engine, cell, cells: e.cells, bound: latencyBoundMs(cell), order })));
  if (candidates.length === 0) {
    const why = engines.map((e) => `${e.engine}: ${e.error ?? 'not measured'}`).join('; ');
    throw new DeeplineError('DL_ENGINE', `no engine could run the model, so there is nothing to choose from (${why || 'no engines given'})`, {
      hint: 'check the errors above; --engines onnx needs only model.onnx and onnxruntime-node',
    });
  }
  const byBound = (a: Candidate, b: Candidate): number => a.bound - b.bound || a.cell.batch - b.cell.batch || a.order - b.order;
  const feasible = candidates.filter((c) => c.bound <= maxLatencyMs);
  if (feasible.length === 0) {
    const fastest = [...candidates].sort(byBound)[0]!;
    return {
      engine: fastest.engine,
      maxBatch: fastest.cell.batch,
      maxWaitMs: 0,
      latencyBoundMs: fastest.bound,
      throughput: fastest.cell.throughput,
      meetsObjective: false,
      reason:
        `no engine and batch size meets the ${ms(maxLatencyMs)} objective: the fastest, ${fastest.engine} at batch ${fastest.cell.batch}, ` +
        `may take ${ms(fastest.bound)} (2 × p99 ${ms(fastest.cell.p99Ms)}); it is served so, with no wait — a smaller model or a faster machine would meet it`,
    };
  }
  const best = Math.max(...feasible.map((c) => c.cell.throughput));
  const chosen = feasible.filter((c) => c.cell.throughput >= best * (1 - THROUGHPUT_TOLERANCE)).sort(byBound)[0]!;
  const slack = maxLatencyMs - chosen.bound;
  const fixed = fixedCallCostMs(chosen.cells, chosen.cell);
  const wait = batchingWaitMs(fixed, slack, chosen.cell.batch);
  const waitReason =
    chosen.cell.batch <= 1
      ? 'no wait: batches of one'
      : wait > 0
        ? `a lone request waits ${ms(wait)} for others (a call's fixed cost is ${ms(fixed)}; ${ms(slack)} of slack)`
        : `no wait: ${fixed < TIMER_RESOLUTION_MS ? `a call's fixed cost (${ms(fixed)}) is under the ${ms(TIMER_RESOLUTION_MS)} a timer can wait` : `no slack left under the objective`}; requests that arrive while a batch runs form the next`;
  return {
    engine: chosen.engine,
    maxBatch: chosen.cell.batch,
    maxWaitMs: wait,
    latencyBoundMs: latencyBoundMs(chosen.cell, wait),
    throughput: chosen.cell.throughput,
    meetsObjective: true,
    reason:
      `${chosen.engine} at batches of up to ${chosen.cell.batch}: ${Math.round(chosen.cell.throughput).toLocaleString('en-US')} examples/s, the most ` +
      `${chosen.cell.throughput < best ? `(within ${THROUGHPUT_TOLERANCE * 100}% of the best, at lower latency) ` : ''}whose worst case ` +
      `(${wait > 0 ? `${ms(wait)} wait + ` : ''}2 × p99 ${ms(chosen.cell.p99Ms)} = ${ms(latencyBoundMs(chosen.cell, wait))}) meets the ${ms(maxLatencyMs)} objective; ${waitReason}`,
  };
}

function ms(v: number): string {
  return `${Number(v.toPrecision(3))} ms`;
}
