import type { StudySummary, StudySummaryTrial } from '../study-summary.ts';
import { paramImportances } from './param-importance.ts';
import { abbreviateParams, formatParamValue, studyOverview, trialDurationMs } from './study-overview.ts';
import { describeWarmStart } from '../warm-start/describe-warm-start.ts';

const TOP_ROWS = 10;
const TOP_IMPORTANCES = 5;

/**
 * The search as `deepline show` prints it: a headline, the best trial, the 10 best trials by
 * error in a fixed-width table, the Pareto front and the top parameter importances. Plain text.
 */
export function formatStudyText(summary: StudySummary): string {
  const { headline } = studyOverview(summary);
  const lines = [`search: ${headline}`];
  if (summary.warmStart) lines.push(...describeWarmStart(summary.warmStart));
  const best = summary.best;
  if (best) {
    lines.push(`best trial ${best.trialId}: ${summary.errorName} ${fixed(best.values[0])}, latency ${fixed(best.values[1], 3)} ms, ${count(best.values[2])} parameters, best epoch ${best.bestEpoch}${best.refitEpochs !== undefined && best.refitEpochs !== best.bestEpoch ? ` (cut short or still improving: retrained for up to ${best.refitEpochs} epochs)` : ''}`);
    const params = Object.entries(best.params);
    if (params.length > 0) lines.push(`  params: ${params.map(([k, v]) => `${k}=${formatParamValue(v)}`).join(' ')}`);
  }
  if (summary.trials.length > 0) {
    const sorted = summary.trials.slice().sort(byError);
    const shown = sorted.slice(0, TOP_ROWS);
    lines.push('', sorted.length > shown.length ? `trials (best ${shown.length} by ${summary.errorName})` : `trials (by ${summary.errorName})`);
    const front = new Set(summary.paretoFront);
    const rows = shown.map((t) => [
      `${t.id}${t.id === best?.trialId ? '*' : front.has(t.id) ? '+' : ''}`,
      stateOf(t),
      fixed(t.values?.[0]),
      fixed(t.values?.[1], 3),
      count(t.values?.[2]),
      String(t.curve.length),
      seconds(trialDurationMs(t)),
      abbreviateParams(t.params, 60),
    ]);
    lines.push(...fixedWidth(['id', 'state', 'error', 'latency ms', 'params', 'epochs', 'time s', 'hyper-parameters'], rows, [false, false, true, true, true, true, true, false]));
    if (sorted.length > shown.length) lines.push(`  … ${sorted.length - shown.length} more`);
    lines.push('  (* chosen trial, + on the Pareto front)');
  }
  lines.push('', summary.paretoFront.length > 0 ? `pareto front: trials ${summary.paretoFront.join(', ')}` : 'pareto front: none (no trial completed)');
  const importances = paramImportances(summary.trials).slice(0, TOP_IMPORTANCES);
  if (importances.length > 0) lines.push(`param importance: ${importances.map((p) => `${p.param} ${p.importance.toFixed(2)}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** Trials with an error first, lowest first (complete before pruned on ties), then the rest by number. */
function byError(a: StudySummaryTrial, b: StudySummaryTrial): number {
  const ea = a.values?.[0];
  const eb = b.values?.[0];
  const fa = ea !== undefined && Number.isFinite(ea) && !a.rejected;
  const fb = eb !== undefined && Number.isFinite(eb) && !b.rejected;
  if (fa !== fb) return fa ? -1 : 1;
  if (fa && fb && ea !== eb) return ea! - eb!;
  if (fa && fb && a.state !== b.state) return a.state === 'complete' ? -1 : b.state === 'complete' ? 1 : 0;
  return a.number - b.number;
}

function fixedWidth(head: string[], rows: string[][], right: boolean[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')}`.trimEnd();
  return [line(head), ...rows.map(line)];
}

function stateOf(t: StudySummaryTrial): string {
  if (t.rejected) return 'rejected';
  return t.state === 'running' ? 'interrupted' : t.state;
}

function fixed(v: number | undefined, digits = 4): string {
  return v === undefined ? '-' : Number.isFinite(v) ? v.toFixed(digits) : String(v);
}

function count(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '-' : Math.round(v).toLocaleString('en-US');
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '-' : (ms / 1000).toFixed(1);
}
