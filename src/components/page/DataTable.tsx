/**
 * A table of one page of a server list: a caption for screen readers, column headers that sort
 * on the server (the header says how, `aria-sort`), a row per item, and a line when there is
 * nothing. Paging and searching stay with the view (`usePagedList`, `Pager`).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

export interface IColumn<T> {
  id: string;
  label: string;
  /** The server's sort key of this column, if it sorts ("created_at"). */
  sortKey?: string;
  render: (row: T) => React.ReactNode;
}

export interface IDataTableProps<T> {
  /** What the table lists: its accessible name ("API tokens"). */
  caption: string;
  columns: IColumn<T>[];
  /** The page's rows; null while the first page is awaited. */
  rows: T[] | null;
  rowKey: (row: T) => string;
  /** The server's sort: a key, with a leading `-` for descending. */
  sort: string;
  onSort: (sort: string) => void;
  empty: string;
  trans: TranslationBundle;
}

export function DataTable<T>(props: IDataTableProps<T>): JSX.Element {
  const { columns, rows, sort, trans } = props;
  const descending = sort.startsWith('-');
  const sortedBy = descending ? sort.slice(1) : sort;
  if (rows === null) {
    return <p className="jp-RBAC-Empty">{trans.__('Loading…')}</p>;
  }
  return (
    // a region the keyboard reaches: a wide table scrolls sideways
    <div
      className="jp-RBAC-TableScroll"
      role="region"
      aria-label={props.caption}
      tabIndex={0}
    >
      <table className="jp-RBAC-Table">
        <caption className="jp-RBAC-VisuallyHidden">{props.caption}</caption>
        <thead>
          <tr>
            {columns.map(column => {
              const active =
                column.sortKey !== undefined && column.sortKey === sortedBy;
              const order = active
                ? descending
                  ? 'descending'
                  : 'ascending'
                : undefined;
              return (
                <th key={column.id} scope="col" aria-sort={order}>
                  {column.sortKey ? (
                    <button
                      type="button"
                      className="jp-RBAC-SortButton"
                      title={trans.__('Sort by %1', column.label)}
                      onClick={() =>
                        props.onSort(
                          active && !descending
                            ? `-${column.sortKey}`
                            : column.sortKey!
                        )
                      }
                    >
                      {column.label}
                      <span aria-hidden="true" className="jp-RBAC-SortMark">
                        {active ? (descending ? ' ▼' : ' ▲') : ''}
                      </span>
                    </button>
                  ) : (
                    column.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="jp-RBAC-Empty">
                {props.empty}
              </td>
            </tr>
          ) : (
            rows.map(row => (
              <tr key={props.rowKey(row)}>
                {columns.map(column => (
                  <td key={column.id}>{column.render(row)}</td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** A moment as people read it ("3 minutes ago"), the exact time in its tooltip; or `never`. */
export function Moment(props: {
  iso: string | null | undefined;
  never: string;
}): JSX.Element {
  if (!props.iso) {
    return <span className="jp-RBAC-Never">{props.never}</span>;
  }
  const moment = new Date(props.iso);
  return (
    <time dateTime={props.iso} title={moment.toLocaleString()}>
      {relativeTime(moment)}
    </time>
  );
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1]
];

/** "3 minutes ago", "in 2 days", in the browser's language. */
export function relativeTime(moment: Date, now: Date = new Date()): string {
  const seconds = Math.round((moment.getTime() - now.getTime()) / 1000);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return format.format(Math.round(seconds / size), unit);
    }
  }
  return format.format(0, 'second');
}
