import type { TrialView } from '../../src/ui/api-types.ts';
import { formatDuration, formatNumber, formatValue } from '../format.ts';
import { StatusBadge } from './status-badge.tsx';

/** A study's trials, newest first: state, the three objectives, epochs, duration and params. Pareto-front rows highlighted, the chosen one starred. */
export function TrialsTable({ trials, errorName, front, chosen }: { trials: readonly TrialView[]; errorName: string; front: ReadonlySet<number>; chosen?: number }) {
  const rows = trials.slice().sort((a, b) => b.number - a.number);
  return (
    <div class="scroll">
      <table class="trials">
        <caption>Trials, newest first; highlighted rows are on the Pareto front, ★ marks the chosen trial</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">state</th>
            <th scope="col" class="num">
              {errorName}
            </th>
            <th scope="col" class="num">
              latency ms
            </th>
            <th scope="col" class="num">
              parameters
            </th>
            <th scope="col" class="num">
              epochs
            </th>
            <th scope="col" class="num">
              duration
            </th>
            <th scope="col">params</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr key={t.id} data-trial={t.id} data-state={t.state} class={front.has(t.id) ? 'front' : undefined} title={t.message}>
              <th scope="row">
                {t.number}
                {t.id === chosen ? ' ★' : ''}
              </th>
              <td>
                <StatusBadge status={t.state} />
              </td>
              <td class="num">{formatNumber(t.error)}</td>
              <td class="num">{formatNumber(t.latencyMs, 3)}</td>
              <td class="num">{t.paramCount === undefined || t.paramCount === null ? '–' : Math.round(t.paramCount).toLocaleString('en-US')}</td>
              <td class="num">{t.intermediate.length}</td>
              <td class="num">{formatDuration(t.durationMs)}</td>
              <td class="params">
                {Object.entries(t.params)
                  .map(([k, v]) => `${k}=${formatValue(v)}`)
                  .join(' ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
