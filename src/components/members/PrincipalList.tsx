/**
 * One page of users or groups as a list of buttons, with the pager.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IPage } from '../../api';
import { Pager } from '../common';

/**
 * One page of users or groups as a list of buttons (`render` draws one), with the pager.
 */
export function PrincipalList<T extends { name: string }>(props: {
  page: IPage<T> | null;
  label: string;
  empty: string;
  onOffset: (offset: number) => void;
  trans: TranslationBundle;
  render: (item: T) => React.ReactNode;
}): JSX.Element {
  const { page, trans } = props;
  if (page === null) {
    return <p className="jp-RBAC-Loading">{trans.__('Loading…')}</p>;
  }
  return (
    <>
      <ul className="jp-RBAC-PrincipalList" aria-label={props.label}>
        {page.items.map(item => (
          <li key={item.name}>{props.render(item)}</li>
        ))}
      </ul>
      {page.items.length === 0 && (
        <p className="jp-RBAC-Empty">{props.empty}</p>
      )}
      <Pager
        offset={page.offset}
        limit={page.limit}
        total={page.total}
        onOffset={props.onOffset}
        trans={trans}
      />
    </>
  );
}
