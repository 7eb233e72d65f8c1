/** The test metrics a version keeps, as metrics.json names them. */
const METRIC_KEYS = ['accuracy', 'macroF1', 'rmse', 'mae', 'r2', 'n'] as const;

/**
 * A run's `metrics.json` as the flat numbers a registered version keeps and its gates test:
 * accuracy and macroF1 (classification) or rmse, mae and r2 (regression), the test examples `n`,
 * and the measured latency of one prediction (`latencyMs`) and of a batch of 32
 * (`latencyBatch32Ms`). What is missing or not a finite number is left out: not measured.
 */
export function versionMetrics(metrics: Readonly<Record<string, unknown>>): Record<string, number> {
  const out: Record<string, number> = {};
  const keep = (key: string, value: unknown): void => {
    if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
  };
  for (const key of METRIC_KEYS) keep(key, metrics[key]);
  const latency = metrics.latency as { singleMs?: unknown; batch32Ms?: unknown } | undefined;
  if (typeof latency === 'object' && latency !== null) {
    keep('latencyMs', latency.singleMs);
    keep('latencyBatch32Ms', latency.batch32Ms);
  }
  return out;
}
