import type { EnsembleSummary } from './ensemble-summary.ts';

/** `deepline show` and the end of `deepline run`: the final model's members, or why it is one model. */
export function formatEnsembleText(summary: EnsembleSummary): string {
  const lines = [`final model  ${summary.reason}`];
  if (summary.enabled) {
    for (const m of summary.members) {
      const error = m.error.toFixed(4);
      lines.push(`  trial ${m.number}${summary.seeds ? ` ×${summary.seeds} seeds` : ''}  ${m.family}  weight ${m.weight}  cross-validated error ${error}${m.params !== undefined ? `  ${m.params.toLocaleString('en-US')} parameters` : ''}${m.epochs !== undefined ? `  ${m.epochs} epochs` : ''}`);
    }
  }
  const oof = summary.outOfFold;
  if (oof) {
    const f = (s: { score: number; members: number }): string => `${oof.metric} ${s.score.toFixed(4)} (${s.members} model${s.members === 1 ? '' : 's'})`;
    lines.push(`  out of fold: best trial ${f(oof.single)} · top average ${f(oof.average)} · greedy selection ${f(oof.greedy)}`);
  }
  return lines.join('\n');
}
