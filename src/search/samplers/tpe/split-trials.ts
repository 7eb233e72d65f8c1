import type { TrialRecord } from '../sampler.ts';

/**
 * Ranks the trials TPE learns from and splits them into the `nBelow` best ("good", modelled by
 * l(x)) and the rest ("bad", g(x)), each kept in trial order so recency weights apply.
 * Complete trials rank by value. Pruned trials rank after every complete one (they were stopped
 * for looking worse), among themselves by the furthest step reached, then by the value reported
 * there; a pruned trial with no report ranks last. Failed and running trials carry no information
 * about the objective and are left out.
 */
export function splitTrials(history: readonly TrialRecord[], nBelow: (n: number) => number): { below: TrialRecord[]; above: TrialRecord[] } {
  const usable = history
    .map((trial, order) => ({ trial, order }))
    .filter(({ trial }) => (trial.state === 'complete' && Number.isFinite(trial.value)) || trial.state === 'pruned');
  const key = (t: TrialRecord): [number, number, number] => {
    if (t.state === 'complete') return [0, 0, t.value as number];
    const last = t.intermediate?.at(-1);
    if (last === undefined || !Number.isFinite(last.value)) return [2, 0, 0];
    return [1, -last.step, last.value];
  };
  const ranked = [...usable].sort((a, b) => {
    const ka = key(a.trial);
    const kb = key(b.trial);
    return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2] || a.order - b.order;
  });
  const cut = Math.min(ranked.length, Math.max(0, nBelow(ranked.length)));
  const byOrder = (xs: typeof ranked) => xs.sort((a, b) => a.order - b.order).map((x) => x.trial);
  return { below: byOrder(ranked.slice(0, cut)), above: byOrder(ranked.slice(cut)) };
}
