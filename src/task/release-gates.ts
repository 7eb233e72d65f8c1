import { z } from 'zod';

/**
 * What a release gate may test: a test metric as `metrics.json` names it, or `latencyMs`, the
 * measured time of one prediction (`metrics.json` → `latency.singleMs`).
 */
export const GATE_METRICS = ['accuracy', 'macroF1', 'rmse', 'mae', 'r2', 'latencyMs'] as const;
export type GateMetric = (typeof GATE_METRICS)[number];

/** The gate metrics each kind of task measures; `latencyMs` fits every task. */
export const GATE_METRICS_BY_PREDICTION: Readonly<Record<'class' | 'value', readonly GateMetric[]>> = {
  class: ['accuracy', 'macroF1', 'latencyMs'],
  value: ['rmse', 'mae', 'r2', 'latencyMs'],
};

export const GATE_OPERATORS = ['>=', '<=', '>', '<'] as const;
export type GateOperator = (typeof GATE_OPERATORS)[number];

const EXPRESSION = /^\s*(>=|<=|>|<)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*$/;

const expression = z.string().regex(EXPRESSION, { error: 'expected a comparison and a number, e.g. ">= 0.7" or "<= 5" (quoted in YAML)' });

/** `gates:` in a task file: metric → `">= 0.7"`; every key optional, unknown keys refused. */
export const gatesSchema = z.strictObject({
  accuracy: expression.optional(),
  macroF1: expression.optional(),
  rmse: expression.optional(),
  mae: expression.optional(),
  r2: expression.optional(),
  latencyMs: expression.optional(),
});

/** The gates of a task as written: metric → expression. */
export type ReleaseGates = Readonly<Partial<Record<GateMetric, string>>>;

/** One gate, parsed: `accuracy >= 0.7`. */
export interface ReleaseGate {
  readonly metric: GateMetric;
  readonly operator: GateOperator;
  readonly threshold: number;
}

/** Parses the gates as written (already schema-valid) into comparisons, in GATE_METRICS order. */
export function parseGates(gates: ReleaseGates): ReleaseGate[] {
  return GATE_METRICS.flatMap((metric) => {
    const written = gates[metric];
    if (written === undefined) return [];
    const match = EXPRESSION.exec(written);
    if (!match) throw new RangeError(`gate ${metric}: ${JSON.stringify(written)} is not a comparison and a number`);
    return [{ metric, operator: match[1] as GateOperator, threshold: Number(match[2]) }];
  });
}

/** Whether `measured` passes `operator threshold`. NaN never passes. */
export function passesGate(measured: number, operator: GateOperator, threshold: number): boolean {
  switch (operator) {
    case '>=':
      return measured >= threshold;
    case '<=':
      return measured <= threshold;
    case '>':
      return measured > threshold;
    case '<':
      return measured < threshold;
  }
}
