/**
 * The Tokens tab: every API token the administrator may see, a page at a time from the server
 * (owner, note, prefix, scopes, who made it, when it was made, last used and expires), searched
 * and sorted there; each may be revoked.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IToken, ITokenQuery, RBACClient } from '../../api';
import { IFeedback, messageOf } from '../../feedback';
import { usePagedList } from '../../hooks/usePagedList';
import { IColumn, Moment } from './DataTable';
import { PagedTable } from './PagedTable';

export interface ITokensTableProps {
  client: RBACClient;
  /** May the reader revoke others' tokens (the server still decides each)? */
  canRevoke: boolean;
  pageSize: number;
  feedback: IFeedback;
  trans: TranslationBundle;
}

export function TokensTable(props: ITokensTableProps): JSX.Element {
  const { client, trans, feedback } = props;
  const [sort, setSort] = React.useState('-created_at');
  const list = usePagedList<IToken>(
    query => client.allTokens({ ...query, sort: sort as ITokenQuery['sort'] }),
    props.pageSize,
    reason =>
      feedback.error(
        trans.__('Could not list the tokens: %1', messageOf(reason))
      ),
    [sort]
  );

  const revoke = async (token: IToken): Promise<void> => {
    const sure = await feedback.confirm(
      trans.__('Revoke token %1?', token.prefix),
      trans.__(
        'Whatever uses the token %1 of %2 stops working at once. This cannot be undone.',
        token.prefix,
        token.username
      ),
      trans.__('Revoke')
    );
    if (!sure) {
      return;
    }
    try {
      await client.revokeToken(token.username, token.id);
      feedback.success(
        trans.__('Token %1 of %2 revoked.', token.prefix, token.username)
      );
      list.reload();
    } catch (reason) {
      feedback.error(
        trans.__('Could not revoke the token: %1', messageOf(reason))
      );
    }
  };

  const columns: IColumn<IToken>[] = [
    {
      id: 'owner',
      label: trans.__('Owner'),
      sortKey: 'username',
      render: t => t.username
    },
    { id: 'note', label: trans.__('Note'), render: t => t.note || '—' },
    {
      id: 'prefix',
      label: trans.__('Prefix'),
      render: t => <code>{t.prefix}</code>
    },
    {
      id: 'scopes',
      label: trans.__('Scopes'),
      render: t =>
        t.scopes === null ? (
          <span className="jp-RBAC-Never">
            {trans.__("all of its owner's")}
          </span>
        ) : (
          <span className="jp-RBAC-ScopeList">{t.scopes.join(', ')}</span>
        )
    },
    {
      id: 'made-by',
      label: trans.__('Made by'),
      render: t => madeBy(t, trans)
    },
    {
      id: 'created',
      label: trans.__('Created'),
      sortKey: 'created_at',
      render: t => <Moment iso={t.created_at} never="—" />
    },
    {
      id: 'last-used',
      label: trans.__('Last used'),
      sortKey: 'last_used_at',
      render: t => <Moment iso={t.last_used_at} never={trans.__('never')} />
    },
    {
      id: 'expires',
      label: trans.__('Expires'),
      sortKey: 'expires_at',
      render: t => <Moment iso={t.expires_at} never={trans.__('never')} />
    }
  ];
  if (props.canRevoke) {
    columns.push({
      id: 'actions',
      label: trans.__('Actions'),
      render: t => (
        <button
          type="button"
          className="jp-mod-styled jp-mod-warn"
          aria-label={trans.__('Revoke token %1 of %2', t.prefix, t.username)}
          onClick={() => void revoke(t)}
        >
          {trans.__('Revoke')}
        </button>
      )
    });
  }

  return (
    <PagedTable
      label={trans.__('API tokens')}
      list={list}
      searchLabel={trans.__('Search tokens by owner, note or prefix')}
      searchPlaceholder={trans.__('Owner, note or prefix')}
      columns={columns}
      rowKey={t => String(t.id)}
      sort={sort}
      onSort={setSort}
      empty={trans.__('No token matches.')}
      pageSize={props.pageSize}
      trans={trans}
    />
  );
}

/** Who made a token, in words: its owner, someone else, the server, the shell. */
function madeBy(token: IToken, trans: TranslationBundle): string {
  const maker = token.created_by;
  if (maker === null) {
    return trans.__('unknown');
  }
  if (maker === token.username) {
    return trans.__('its owner');
  }
  if (maker === 'system') {
    return trans.__('the server (a sign-in link)');
  }
  if (maker.startsWith('cli:')) {
    return trans.__('%1, in the shell', maker.slice('cli:'.length));
  }
  return maker;
}
