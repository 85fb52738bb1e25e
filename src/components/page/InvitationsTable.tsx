/**
 * The Invitations tab: invitations of one state (pending, accepted, expired, or all), a page at
 * a time from the server, with who invited whom, into what, when, until when; a pending or
 * expired one may be revoked. New invitations are made from the Users tab.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import {
  IInvitation,
  IInvitationQuery,
  InvitationState,
  RBACClient
} from '../../api';
import { IFeedback, messageOf } from '../../feedback';
import { usePagedList } from '../../hooks/usePagedList';
import { IColumn, Moment } from './DataTable';
import { PagedTable } from './PagedTable';

export interface IInvitationsTableProps {
  client: RBACClient;
  canRevoke: boolean;
  pageSize: number;
  feedback: IFeedback;
  trans: TranslationBundle;
}

export function InvitationsTable(props: IInvitationsTableProps): JSX.Element {
  const { client, trans, feedback } = props;
  const [state, setState] = React.useState<InvitationState>('pending');
  const [sort, setSort] = React.useState('-created_at');
  const list = usePagedList<IInvitation>(
    query =>
      client.invitationPage({
        ...query,
        state,
        sort: sort as IInvitationQuery['sort']
      }),
    props.pageSize,
    reason =>
      feedback.error(
        trans.__('Could not list the invitations: %1', messageOf(reason))
      ),
    [state, sort]
  );
  const states: [InvitationState, string][] = [
    ['pending', trans.__('Pending')],
    ['accepted', trans.__('Accepted')],
    ['expired', trans.__('Expired')],
    ['all', trans.__('All')]
  ];

  const revoke = async (invitation: IInvitation): Promise<void> => {
    const sure = await feedback.confirm(
      trans.__('Revoke the invitation of %1?', invitation.username),
      trans.__('Its link stops working at once.'),
      trans.__('Revoke')
    );
    if (!sure) {
      return;
    }
    try {
      await client.revokeInvitation(invitation.id);
      feedback.success(
        trans.__('The invitation of %1 is revoked.', invitation.username)
      );
      list.reload();
    } catch (reason) {
      feedback.error(
        trans.__('Could not revoke the invitation: %1', messageOf(reason))
      );
    }
  };

  const columns: IColumn<IInvitation>[] = [
    {
      id: 'user',
      label: trans.__('User'),
      sortKey: 'username',
      render: i => (
        <>
          <strong>{i.username}</strong>
          {i.display_name && i.display_name !== i.username && (
            <span className="jp-RBAC-UserName"> {i.display_name}</span>
          )}
        </>
      )
    },
    {
      id: 'gives',
      label: trans.__('Roles and groups'),
      render: i => gives(i, trans)
    },
    {
      id: 'invited-by',
      label: trans.__('Invited by'),
      render: i => i.created_by
    },
    {
      id: 'state',
      label: trans.__('State'),
      render: i => stateWords(i.state, trans)
    },
    {
      id: 'created',
      label: trans.__('Invited'),
      sortKey: 'created_at',
      render: i => <Moment iso={i.created_at} never="—" />
    },
    {
      id: 'expires',
      label: trans.__('Expires'),
      sortKey: 'expires_at',
      render: i => <Moment iso={i.expires_at} never="—" />
    },
    {
      id: 'accepted',
      label: trans.__('Accepted'),
      sortKey: 'accepted_at',
      render: i => <Moment iso={i.accepted_at} never={trans.__('not yet')} />
    }
  ];
  if (props.canRevoke) {
    columns.push({
      id: 'actions',
      label: trans.__('Actions'),
      render: i =>
        i.state === 'accepted' ? null : (
          <button
            type="button"
            className="jp-mod-styled jp-mod-warn"
            aria-label={trans.__('Revoke the invitation of %1', i.username)}
            onClick={() => void revoke(i)}
          >
            {trans.__('Revoke')}
          </button>
        )
    });
  }

  return (
    <PagedTable
      label={trans.__('Invitations')}
      list={list}
      searchLabel={trans.__('Search invitations by user')}
      searchPlaceholder={trans.__('User name')}
      columns={columns}
      rowKey={invitation => String(invitation.id)}
      sort={sort}
      onSort={setSort}
      empty={trans.__('No invitation here.')}
      pageSize={props.pageSize}
      trans={trans}
      leading={
        <label>
          {trans.__('Show')}{' '}
          <select
            className="jp-mod-styled"
            value={state}
            onChange={event => {
              list.setOffset(0);
              setState(event.target.value as InvitationState);
            }}
          >
            {states.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      }
    />
  );
}

function gives(invitation: IInvitation, trans: TranslationBundle): string {
  const parts = [
    ...invitation.roles.map(role => trans.__('role %1', role)),
    ...invitation.groups.map(group => trans.__('group %1', group))
  ];
  return parts.length
    ? parts.join(', ')
    : trans.__('nothing more than every user');
}

function stateWords(
  state: IInvitation['state'],
  trans: TranslationBundle
): string {
  switch (state) {
    case 'pending':
      return trans.__('waiting');
    case 'accepted':
      return trans.__('accepted');
    default:
      return trans.__('expired');
  }
}
