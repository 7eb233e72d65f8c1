import { escapeHtml } from '../render/escape-html.ts';
import type { EnsembleSummary } from '../train/ensemble/ensemble-summary.ts';

/** report.html's Ensemble section: each member (its trial, family, weight, cross-validated error) and the ensemble's out-of-fold scores. */
export function renderEnsembleHtml(summary: EnsembleSummary): string {
  const e = escapeHtml;
  const parts = [`<h2>Ensemble</h2><p>${e(summary.reason)}.</p>`];
  if (summary.enabled) {
    const total = summary.members.reduce((s, m) => s + m.weight, 0);
    const rows = summary.members.map(
      (m) =>
        `<tr><td>${m.number}${summary.seeds ? ` (×${summary.seeds} seeds)` : ''}</td><td>${e(m.family)}</td><td>${m.weight} (${((100 * m.weight) / total).toFixed(0)}%)</td><td>${m.error.toFixed(4)}</td><td>${m.params?.toLocaleString('en-US') ?? '-'}</td><td>${m.epochs ?? '-'}</td></tr>`,
    );
    parts.push(`<table><thead><tr><th>trial</th><th>family</th><th>weight</th><th>cross-validated error</th><th>parameters</th><th>epochs retrained</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
  }
  const oof = summary.outOfFold;
  if (oof) {
    const row = (name: string, s: { score: number; loss: number; members: number }): string => `<tr><td>${e(name)}</td><td>${s.members}</td><td>${s.score.toFixed(4)}</td><td>${s.loss.toFixed(4)}</td></tr>`;
    parts.push(
      `<p>Out-of-fold predictions over ${summary.examples ?? '?'} train + validation examples (${summary.folds ?? '?'} folds); ${summary.selection === 'greedy' ? 'greedy selection' : 'the top average'} was used.</p>`,
      `<table><thead><tr><th>combination</th><th>models</th><th>${oof.metric}</th><th>${oof.metric === 'accuracy' ? 'cross-entropy' : 'mean squared error'}</th></tr></thead><tbody>${row('best trial alone', oof.single)}${row('top average', oof.average)}${row('greedy selection', oof.greedy)}</tbody></table>`,
    );
  }
  return parts.join('\n');
}
