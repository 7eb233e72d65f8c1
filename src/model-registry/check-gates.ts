import { DeeplineError } from '../errors/index.ts';
import { parseGates, passesGate, type ReleaseGates } from '../task/release-gates.ts';
import type { GateResult } from './model-registry-store.ts';

/**
 * Checks a version's release gates against its measured metrics, in GATE_METRICS order. A gate
 * whose metric was not measured (or is not a finite number) fails: a promotion cannot pass a test
 * nobody ran.
 */
export function checkGates(gates: ReleaseGates, metrics: Readonly<Record<string, number>>): GateResult[] {
  return parseGates(gates).map(({ metric, operator, threshold }) => {
    const measured = metrics[metric];
    const known = typeof measured === 'number' && Number.isFinite(measured);
    return { metric, operator, threshold, ...(known && { measured }), passed: known && passesGate(measured, operator, threshold) };
  });
}

/** `accuracy 0.9667 >= 0.7` (or `accuracy (not measured) >= 0.7`). */
export function describeGate(result: GateResult): string {
  const measured = result.measured === undefined ? '(not measured)' : formatMeasured(result.measured);
  return `${result.metric} ${measured} ${result.operator} ${result.threshold}`;
}

/** DL_GATE for the gates that failed: each named with its measured and required value. */
export function gateFailure(model: string, version: number, failed: readonly GateResult[]): DeeplineError {
  const each = failed.map((r) =>
    r.measured === undefined
      ? `${r.metric} was not measured (required ${r.operator} ${r.threshold})`
      : `${r.metric} is ${formatMeasured(r.measured)}, required ${r.operator} ${r.threshold}`,
  );
  return new DeeplineError('DL_GATE', `version ${version} of ${model} fails its release gate${failed.length > 1 ? 's' : ''}: ${each.join('; ')}`, {
    hint: "register a better model, or relax `gates:` in the task file; --force promotes anyway and is recorded as forced",
  });
}

function formatMeasured(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}
