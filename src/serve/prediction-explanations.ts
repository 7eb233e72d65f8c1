import { classificationUncertainty, type ClassificationUncertainty, type SampleSpread } from '../monitor/uncertainty.ts';
import type { ModelOutput, Prediction } from './served-model.ts';

/** What a request asked to have explained: `?explain=uncertainty[&samples=S]`. */
export interface ExplainRequest {
  readonly uncertainty: boolean;
  /** MC-dropout passes per instance (2 to MAX_SAMPLES), when asked. */
  readonly samples?: number;
}

export const EXPLANATIONS = ['uncertainty'] as const;
export const MAX_SAMPLES = 100;

type QueryError = { readonly error: { readonly code: string; readonly message: string; readonly field: string; readonly hint: string } };

/** The query's `explain` (one name, a comma list or repeated) and `samples`; a wrong value is the client's mistake, named. */
export function parseExplainQuery(query: unknown): ExplainRequest | QueryError {
  const q = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
  const asked = [q.explain ?? []].flat().flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter((v) => v !== '');
  const unknown = asked.find((name) => !(EXPLANATIONS as readonly string[]).includes(name));
  if (unknown !== undefined) return bad(`unknown explanation ${JSON.stringify(unknown)}; this server explains: ${EXPLANATIONS.join(', ')}`, 'explain', '?explain=uncertainty');
  const uncertainty = asked.includes('uncertainty');
  if (q.samples === undefined) return { uncertainty };
  const samples = Number(q.samples);
  if (!uncertainty) return bad('samples goes with explain=uncertainty', 'samples', `?explain=uncertainty&samples=20`);
  if (!Number.isInteger(samples) || samples < 2 || samples > MAX_SAMPLES) return bad(`samples must be a whole number from 2 to ${MAX_SAMPLES}, but got ${JSON.stringify(q.samples)}`, 'samples', `?explain=uncertainty&samples=20`);
  return { uncertainty, samples };
}

/** Entropy, normalised entropy and margin of a class prediction; undefined for a value. */
export function predictionUncertainty(prediction: Prediction): ClassificationUncertainty | undefined {
  return 'probabilities' in prediction ? classificationUncertainty(Object.values(prediction.probabilities)) : undefined;
}

/** The predictions a client gets: as the model gave them, or each with its `uncertainty` (and the MC-dropout `spread`) when asked. */
export function explainedPredictions(
  outputs: readonly ModelOutput[],
  explain: ExplainRequest,
  uncertainties: readonly (ClassificationUncertainty | undefined)[],
  spreads: readonly SampleSpread[] | undefined,
): unknown[] {
  if (!explain.uncertainty) return outputs.map((o) => o.prediction);
  return outputs.map((o, k) => ({ ...o.prediction, uncertainty: { ...uncertainties[k], ...(spreads && { spread: spreads[k] }) } }));
}

function bad(message: string, field: string, hint: string): QueryError {
  return { error: { code: 'BAD_REQUEST', message, field, hint } };
}
