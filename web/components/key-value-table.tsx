import { formatValue } from '../format.ts';

/** A two-column table of names and values (params, metrics), with a caption for screen readers. */
export function KeyValueTable({ caption, rows, keyLabel = 'name', valueLabel = 'value' }: { caption: string; rows: readonly (readonly [string, unknown])[]; keyLabel?: string; valueLabel?: string }) {
  return (
    <table class="kv">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{keyLabel}</th>
          <th scope="col">{valueLabel}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k} data-key={k}>
            <th scope="row">{k}</th>
            <td class="num">{formatValue(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
