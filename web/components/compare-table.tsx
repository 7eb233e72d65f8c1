import type { CompareRow, RunSummary } from '../../src/ui/api-types.ts';
import { formatValue, shortRunId } from '../format.ts';

/**
 * Params or metrics of several runs side by side, one column per run. A row whose values differ
 * between the runs gets the class `differs` (highlighted, and marked in words for screen readers).
 */
export function CompareTable({ caption, runs, rows, onlyDiffering }: { caption: string; runs: readonly RunSummary[]; rows: readonly CompareRow[]; onlyDiffering: boolean }) {
  const shown = onlyDiffering ? rows.filter((r) => r.differs) : rows;
  return (
    <table class="compare">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">key</th>
          {runs.map((r) => (
            <th scope="col" key={r.id} title={r.id}>
              {r.name} <span class="sub">{shortRunId(r.id)}</span>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {shown.map((row) => (
          <tr key={row.key} class={row.differs ? 'differs' : undefined} data-key={row.key}>
            <th scope="row">
              {row.key}
              {row.differs && <span class="visually-hidden"> (differs)</span>}
            </th>
            {row.values.map((v, i) => (
              <td key={i} class="num">
                {formatValue(v)}
              </td>
            ))}
          </tr>
        ))}
        {shown.length === 0 && (
          <tr>
            <td colSpan={runs.length + 1} class="sub">
              {onlyDiffering ? 'No differences.' : 'Nothing recorded.'}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
