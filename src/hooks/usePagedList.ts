/**
 * A list read from the server a page at a time, with a search box whose text is sent once
 * typing pauses: the roles, users and groups lists.
 */
import * as React from 'react';

import type { IPage } from '../api';
import { useSettled } from '../components/common';
import { useRequest } from './useRequest';

/** What a page request carries besides the view's own parameters (a sort, say). */
export interface IPageQuery {
  q: string;
  offset: number;
  limit: number;
}

export interface IPagedList<T> {
  /** The page shown; null until the first arrives (a failed reload keeps the last). */
  page: IPage<T> | null;
  search: string;
  setSearch: (value: string) => void;
  offset: number;
  setOffset: (value: number) => void;
  reload: () => void;
}

/**
 * Ask `load` for the page at `offset` of what matches the settled search. A change of `deps`
 * (the sort, say) asks again; the view sets the offset back to 0 in the same update.
 */
export function usePagedList<T>(
  load: (query: IPageQuery) => Promise<IPage<T>>,
  pageSize: number,
  onError: (reason: unknown) => void,
  deps: React.DependencyList = []
): IPagedList<T> {
  const [search, setSearch] = React.useState('');
  const [query, setQuery] = React.useState('');
  const [offset, setOffset] = React.useState(0);
  useSettled(search, value => {
    setOffset(0);
    setQuery(value.trim());
  });
  const request = useRequest(
    () => load({ q: query, offset, limit: pageSize }),
    [query, offset, pageSize, ...deps],
    { onError }
  );
  return {
    page: request.data,
    search,
    setSearch,
    offset,
    setOffset,
    reload: () => void request.reload()
  };
}
