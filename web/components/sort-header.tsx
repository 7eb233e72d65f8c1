/** A column header that sorts the table: a button, with aria-sort on the header cell. */
export function SortHeader<K extends string>({ label, sortKey, sort, order, onSort }: { label: string; sortKey: K; sort: K; order: 'asc' | 'desc'; onSort: (key: K) => void }) {
  const active = sort === sortKey;
  return (
    <th scope="col" aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" class="sort" onClick={() => onSort(sortKey)}>
        {label}
        <span aria-hidden="true" class="sort-mark">
          {active ? (order === 'asc' ? ' ▲' : ' ▼') : ''}
        </span>
      </button>
    </th>
  );
}
