/**
 * A list of the Access control page as every tab has it: a search box (what is typed is sent to
 * the server once typing pauses), the table of one page, sorted by the server (a new sort starts
 * again at the first page), and the pager.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IPagedList } from '../../hooks/usePagedList';
import { Pager } from '../common';
import { DataTable, IColumn } from './DataTable';

export interface IPagedTableProps<T> {
  /** The section's and the table's accessible name: "API tokens". */
  label: string;
  list: IPagedList<T>;
  searchLabel: string;
  searchPlaceholder: string;
  columns: IColumn<T>[];
  rowKey: (row: T) => string;
  sort: string;
  onSort: (sort: string) => void;
  /** What the table says when no row matches. */
  empty: string;
  pageSize: number;
  trans: TranslationBundle;
  /** Controls of the toolbar before the search box (a filter) and after it (actions). */
  leading?: React.ReactNode;
  trailing?: React.ReactNode;
}

export function PagedTable<T>(props: IPagedTableProps<T>): JSX.Element {
  const { list, trans } = props;
  return (
    <section className="jp-RBAC-PageSection" aria-label={props.label}>
      <div className="jp-RBAC-Toolbar">
        {props.leading}
        <input
          type="search"
          className="jp-mod-styled"
          aria-label={props.searchLabel}
          placeholder={props.searchPlaceholder}
          value={list.search}
          onChange={event => list.setSearch(event.target.value)}
        />
        {props.trailing}
      </div>
      <DataTable
        caption={props.label}
        columns={props.columns}
        rows={list.page?.items ?? null}
        rowKey={props.rowKey}
        sort={props.sort}
        onSort={next => {
          list.setOffset(0);
          props.onSort(next);
        }}
        empty={props.empty}
        trans={trans}
      />
      {list.page && (
        <Pager
          offset={list.offset}
          limit={props.pageSize}
          total={list.page.total}
          onOffset={list.setOffset}
          trans={trans}
        />
      )}
    </section>
  );
}
