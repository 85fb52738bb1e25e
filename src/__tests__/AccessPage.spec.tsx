import { nullTranslator } from '@jupyterlab/translation';
import {
  act,
  fireEvent,
  render,
  screen,
  waitFor,
  within
} from '@testing-library/react';
import * as React from 'react';

import { IToken, IUser } from '../api';
import { NamesEditor } from '../components/common';
import { InvitationsTable } from '../components/page/InvitationsTable';
import { SidePane } from '../components/page/SidePane';
import { Tabs } from '../components/page/Tabs';
import { RolesTable } from '../components/page/RolesTable';
import { TokensTable } from '../components/page/TokensTable';
import { UsersTable } from '../components/page/UsersTable';
import { nameSearches } from '../components/members/props';
import { IFeedback } from '../feedback';
import { CATALOG } from './fixtures';
import { answeringClient, ISeenRequest, json } from './http';

const trans = nullTranslator.load('jupyter_rbac');
const CAN = {
  writeUsers: true,
  writeGroups: true,
  writeRoles: true,
  readGroups: true
};

function feedbackSaying(answer: boolean): IFeedback & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    success: () => undefined,
    error: () => undefined,
    confirm: async title => {
      asked.push(title);
      return answer;
    },
    retryAfterConflict: async () => true
  };
}

const page = (items: unknown[], total = items.length, limit = 50) =>
  json({ items, total, limit, offset: 0 });

function token(id: number, fields: Partial<IToken> = {}): IToken {
  return {
    id,
    username: 'vera',
    user: 'vera',
    note: 'laptop',
    prefix: 'rbac_ab12',
    scopes: null,
    one_time: false,
    created_at: '2026-11-30T10:00:00+00:00',
    expires_at: null,
    created_by: 'vera',
    last_used_at: null,
    ...fields
  };
}

describe('Tabs', () => {
  function TwoTabs(): JSX.Element {
    const [selected, setSelected] = React.useState('a');
    return (
      <Tabs
        label="Things"
        idPrefix="t"
        selected={selected}
        onSelect={setSelected}
        tabs={[
          {
            id: 'a',
            label: 'Alpha',
            render: () => <input aria-label="typed" />
          },
          { id: 'b', label: 'Beta', render: () => <p>beta panel</p> },
          { id: 'c', label: 'Gamma', render: () => <p>gamma panel</p> }
        ]}
      />
    );
  }

  it('moves the focus with the arrows and opens a tab with Enter or a click', () => {
    render(<TwoTabs />);
    const alpha = screen.getByRole('tab', { name: 'Alpha' });
    expect(alpha.getAttribute('aria-selected')).toBe('true');
    expect(alpha.tabIndex).toBe(0);
    expect(screen.getByRole('tab', { name: 'Beta' }).tabIndex).toBe(-1);
    alpha.focus();
    fireEvent.keyDown(alpha, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(
      screen.getByRole('tab', { name: 'Beta' })
    );
    fireEvent.keyDown(document.activeElement!, { key: 'End' });
    expect(document.activeElement).toBe(
      screen.getByRole('tab', { name: 'Gamma' })
    );
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' }); // wraps
    expect(document.activeElement).toBe(alpha);
    expect(alpha.getAttribute('aria-selected')).toBe('true'); // focus alone opens nothing
    fireEvent.click(screen.getByRole('tab', { name: 'Beta' }));
    const panel = screen.getByRole('tabpanel', { name: 'Beta' });
    expect(panel.textContent).toBe('beta panel');
  });

  it('keeps what was typed in a tab while another is open', () => {
    render(<TwoTabs />);
    fireEvent.change(screen.getByLabelText('typed'), {
      target: { value: 'work' }
    });
    fireEvent.click(screen.getByRole('tab', { name: 'Beta' }));
    fireEvent.click(screen.getByRole('tab', { name: 'Alpha' }));
    expect((screen.getByLabelText('typed') as HTMLInputElement).value).toBe(
      'work'
    );
  });

  it('draws no other panel again when a tab opens, and all of them when the generation moves', () => {
    const drawn: string[] = [];
    const tabs = ['a', 'b', 'c'].map(id => ({
      id,
      label: id.toUpperCase(),
      render: () => {
        drawn.push(id);
        return <p>{id}</p>;
      }
    }));
    function Page(props: { generation: number }): JSX.Element {
      const [selected, setSelected] = React.useState('a');
      return (
        <Tabs
          label="Things"
          idPrefix="g"
          selected={selected}
          onSelect={setSelected}
          tabs={tabs}
          generation={props.generation}
        />
      );
    }
    const { rerender } = render(<Page generation={1} />);
    fireEvent.click(screen.getByRole('tab', { name: 'B' }));
    fireEvent.click(screen.getByRole('tab', { name: 'C' }));
    fireEvent.click(screen.getByRole('tab', { name: 'A' }));
    expect(drawn).toEqual(['a', 'b', 'c']); // each once, when first opened
    rerender(<Page generation={2} />);
    expect(drawn.slice(3).sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('TokensTable', () => {
  it('lists every token from the server and sorts there by a column', async () => {
    const { client, seen } = answeringClient(() =>
      page([token(2, { last_used_at: new Date().toISOString() }), token(1)], 2)
    );
    render(
      <TokensTable
        client={client}
        canRevoke
        pageSize={50}
        feedback={feedbackSaying(true)}
        trans={trans}
      />
    );
    const table = await screen.findByRole('table', { name: 'API tokens' });
    await waitFor(() =>
      expect(within(table).getAllByRole('row')).toHaveLength(3)
    );
    expect(seen[0].path).toBe('tokens');
    expect(seen[0].query.get('sort')).toBe('-created_at');
    expect(within(table).getAllByText('never').length).toBeGreaterThan(0);
    fireEvent.click(within(table).getByRole('button', { name: /Last used/ }));
    await waitFor(() =>
      expect(seen[seen.length - 1].query.get('sort')).toBe('last_used_at')
    );
    const header = within(table).getByRole('columnheader', {
      name: /Last used/
    });
    expect(header.getAttribute('aria-sort')).toBe('ascending');
  });

  it('revokes a token after asking, and not when the answer is no', async () => {
    for (const answer of [false, true]) {
      const { client, seen } = answeringClient((request: ISeenRequest) =>
        request.method === 'DELETE'
          ? new Response(null, { status: 204 })
          : page([token(7)])
      );
      const { unmount } = render(
        <TokensTable
          client={client}
          canRevoke
          pageSize={50}
          feedback={feedbackSaying(answer)}
          trans={trans}
        />
      );
      fireEvent.click(
        await screen.findByRole('button', {
          name: 'Revoke token rbac_ab12 of vera'
        })
      );
      await waitFor(() =>
        expect(seen.some(r => r.method === 'DELETE')).toBe(answer)
      );
      if (answer) {
        expect(seen.find(r => r.method === 'DELETE')?.path).toBe(
          'users/vera/tokens/7'
        );
      }
      unmount();
    }
  });
});

describe('InvitationsTable', () => {
  it('asks the server for the invitations of the state chosen', async () => {
    const invitation = {
      id: 3,
      username: 'ann',
      display_name: 'Ann Lee',
      roles: ['editor'],
      groups: [],
      password_allowed: true,
      created_by: 'admin',
      created_at: '2026-11-30T10:00:00+00:00',
      expires_at: '2026-12-07T10:00:00+00:00',
      accepted_at: null,
      state: 'pending'
    };
    const { client, seen } = answeringClient(() => page([invitation]));
    render(
      <InvitationsTable
        client={client}
        canRevoke
        pageSize={50}
        feedback={feedbackSaying(true)}
        trans={trans}
      />
    );
    const table = await screen.findByRole('table', { name: 'Invitations' });
    await within(table).findByText('role editor');
    expect(seen[0].query.get('state')).toBe('pending');
    fireEvent.change(screen.getByRole('combobox', { name: 'Show' }), {
      target: { value: 'accepted' }
    });
    await waitFor(() =>
      expect(seen[seen.length - 1].query.get('state')).toBe('accepted')
    );
  });
});

describe('UsersTable', () => {
  const vera: Partial<IUser> = {
    username: 'vera',
    name: 'vera',
    display_name: 'Vera V.',
    roles: ['viewer'],
    groups: ['analyst'],
    held_roles: {
      analyst: ['group:analyst'],
      user: ['everyone'],
      viewer: ['direct']
    },
    last_seen_at: null,
    etag: '"1.1.1"'
  };

  it('says how each role is held, and opens a user beside the table', async () => {
    const { client } = answeringClient((request: ISeenRequest) =>
      request.path === 'users'
        ? page([vera])
        : request.path === 'users/vera'
          ? json(vera)
          : page([])
    );
    render(
      <UsersTable
        client={client}
        can={CAN}
        me="admin"
        pageSize={50}
        feedback={feedbackSaying(true)}
        trans={trans}
        {...nameSearches(client, true)}
      />
    );
    const table = await screen.findByRole('table', { name: 'Users' });
    await within(table).findByText('Vera V.');
    expect(table.textContent).toContain('analyst (group analyst)');
    expect(table.textContent).toContain('viewer (given directly)');
    const open = within(table).getByRole('button', { name: 'Open user vera' });
    open.focus();
    fireEvent.click(open);
    const pane = await screen.findByRole('region', { name: 'User vera' });
    expect(document.activeElement).toBe(
      within(pane).getByRole('heading', { name: 'User vera' })
    );
  });
});

describe('UserDetails', () => {
  it('signs a user out of every browser, and shows a name once', async () => {
    const user = {
      username: 'vera',
      name: 'vera',
      display_name: 'vera',
      roles: [],
      groups: [],
      held_roles: {},
      etag: '"1.1.1"'
    };
    const { client, seen } = answeringClient((request: ISeenRequest) =>
      request.method === 'DELETE'
        ? new Response(null, { status: 204 })
        : request.path === 'users/vera'
          ? json(user)
          : request.path === 'users'
            ? page([user])
            : page([])
    );
    render(
      <UsersTable
        client={client}
        can={CAN}
        me="admin"
        focusUser="vera"
        pageSize={50}
        feedback={feedbackSaying(true)}
        trans={trans}
        {...nameSearches(client, true)}
      />
    );
    const heading = await screen.findByRole('heading', {
      level: 3,
      name: 'vera'
    });
    expect(heading.textContent).toBe('vera');
    fireEvent.click(
      screen.getByRole('button', { name: 'Sign out everywhere' })
    );
    await waitFor(() =>
      expect(seen.find(r => r.method === 'DELETE')?.path).toBe(
        'users/vera/sessions'
      )
    );
  });
});

describe('SidePane', () => {
  it('asks before another row replaces typed work beside the table, and keeps it on no', async () => {
    const user = (username: string) => ({
      username,
      name: username,
      display_name: '',
      roles: [],
      groups: [],
      held_roles: {},
      etag: '"1"'
    });
    const { client } = answeringClient(request =>
      request.path === 'scopes'
        ? json(CATALOG)
        : request.path === 'users'
          ? page([user('vera'), user('eddie')])
          : request.path.startsWith('users/')
            ? json(user(request.path.slice('users/'.length)))
            : page([])
    );
    const feedback = feedbackSaying(false);
    render(
      <UsersTable
        client={client}
        can={CAN}
        me="admin"
        pageSize={50}
        feedback={feedback}
        trans={trans}
        {...nameSearches(client, true)}
      />
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Invite…' }));
    fireEvent.input(await screen.findByLabelText('User name'), {
      target: { value: 'kim' }
    });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Open user vera' }));
    });
    expect(feedback.asked).toEqual(['Discard what you typed?']);
    expect((screen.getByLabelText('User name') as HTMLInputElement).value).toBe(
      'kim'
    ); // kept: the answer was no
    expect(screen.queryByRole('region', { name: 'User vera' })).toBeNull();
  });

  it('gives the focus back when it closes, and asks before Escape drops typed work', async () => {
    const feedback = feedbackSaying(false);
    function Host(): JSX.Element {
      const [open, setOpen] = React.useState(false);
      return (
        <>
          <button onClick={() => setOpen(true)}>open</button>
          {open && (
            <SidePane
              label="Editor"
              onClose={() => setOpen(false)}
              confirm={feedback.confirm}
              trans={trans}
            >
              <input aria-label="field" />
            </SidePane>
          )}
        </>
      );
    }
    render(<Host />);
    const opener = screen.getByRole('button', { name: 'open' });
    opener.focus();
    fireEvent.click(opener);
    const field = screen.getByLabelText('field');
    fireEvent.input(field, { target: { value: 'typed' } });
    await act(async () => {
      fireEvent.keyDown(field, { key: 'Escape' });
    });
    expect(feedback.asked).toEqual(['Discard what you typed?']);
    expect(screen.getByRole('region', { name: 'Editor' })).toBeTruthy(); // kept: the answer was no
    fireEvent.click(screen.getByRole('button', { name: 'Close Editor' }));
    await waitFor(() => expect(feedback.asked).toHaveLength(2));
  });

  it('closes at once when what was typed is gone from its fields (a name typed and added)', async () => {
    const feedback = feedbackSaying(false);
    function Host(): JSX.Element {
      const [open, setOpen] = React.useState(true);
      return open ? (
        <SidePane
          label="User vera"
          onClose={() => setOpen(false)}
          confirm={feedback.confirm}
          trans={trans}
        >
          <input aria-label="Add to Roles" />
        </SidePane>
      ) : (
        <p>closed</p>
      );
    }
    render(<Host />);
    const field = screen.getByLabelText('Add to Roles');
    fireEvent.input(field, { target: { value: 'auditor' } });
    fireEvent.input(field, { target: { value: '' } }); // added: the picker empties its field
    await act(async () => {
      fireEvent.keyDown(field, { key: 'Escape' });
    });
    expect(feedback.asked).toEqual([]);
    expect(screen.getByText('closed')).toBeTruthy();
  });

  it('closes with Escape at once when nothing was typed, focusing the opener again', async () => {
    function Host(): JSX.Element {
      const [open, setOpen] = React.useState(false);
      return (
        <>
          <button onClick={() => setOpen(true)}>open</button>
          {open && (
            <SidePane
              label="Viewer"
              onClose={() => setOpen(false)}
              confirm={async () => true}
              trans={trans}
            >
              <p>text</p>
            </SidePane>
          )}
        </>
      );
    }
    render(<Host />);
    const opener = screen.getByRole('button', { name: 'open' });
    opener.focus();
    fireEvent.click(opener);
    const heading = screen.getByRole('heading', { name: 'Viewer' });
    expect(document.activeElement).toBe(heading);
    await act(async () => {
      fireEvent.keyDown(heading, { key: 'Escape' });
    });
    expect(screen.queryByRole('region', { name: 'Viewer' })).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});

describe('NamesEditor', () => {
  it('offers the names the server finds for what is typed', async () => {
    const { client, seen } = answeringClient((request: ISeenRequest) =>
      page(
        request.query.get('q') === 'ed'
          ? [{ name: 'editor' }]
          : [{ name: 'admin' }, { name: 'editor' }],
        2,
        20
      )
    );
    const { container } = render(
      <NamesEditor
        label="Roles"
        names={['viewer']}
        editable
        search={nameSearches(client, true).searchRoles}
        onAdd={async () => undefined}
        onRemove={async () => undefined}
        trans={trans}
      />
    );
    const field = screen.getByRole('combobox', { name: 'Add to Roles' });
    fireEvent.focus(field);
    await waitFor(() =>
      expect(container.querySelectorAll('option')).toHaveLength(2)
    );
    fireEvent.change(field, { target: { value: 'ed' } });
    await waitFor(() =>
      expect(seen[seen.length - 1].query.get('q')).toBe('ed')
    );
    expect(seen.every(r => r.query.get('limit') === '20')).toBe(true); // a page, never all
    await waitFor(() =>
      expect(container.querySelectorAll('option')).toHaveLength(1)
    );
  });
});

describe('RolesTable', () => {
  const role = (name: string, fields: object = {}) => ({
    name,
    description: `the ${name}`,
    scopes: ['read:contents'],
    builtin: false,
    managed_by: null,
    users: ['vera'],
    groups: [],
    editable: true,
    deletable: true,
    revision: 1,
    created_at: '2026-11-30T10:00:00+00:00',
    updated_at: '2026-11-30T10:00:00+00:00',
    etag: '"1.1.1"',
    ...fields
  });

  it('says where each role comes from and who holds it; the editor opens beside', async () => {
    const feedback = feedbackSaying(false);
    const { client } = answeringClient((request: ISeenRequest) =>
      request.path === 'roles'
        ? page([
            role('viewer', { builtin: true, deletable: false }),
            role('ops', {
              managed_by: 'config',
              users: [],
              groups: ['a', 'b']
            }),
            role('dev')
          ])
        : json({ parts: [] })
    );
    render(
      <RolesTable
        client={client}
        catalog={[]}
        words={new Map()}
        canWrite
        pageSize={50}
        feedback={feedback}
        trans={trans}
      />
    );
    const table = await screen.findByRole('table', { name: 'Roles' });
    await within(table).findByText('configuration');
    const rows = within(table).getAllByRole('row');
    expect(rows[1].textContent).toContain('default');
    expect(rows[1].textContent).toContain('1 user');
    expect(rows[2].textContent).toContain('2 groups');
    expect(rows[3].textContent).toContain('made here');
    expect(
      within(rows[1]).queryByRole('button', { name: 'Delete role viewer' })
    ).toBeNull();

    fireEvent.click(
      within(table).getByRole('button', { name: 'Open role dev' })
    );
    const pane = await screen.findByRole('region', { name: 'Role dev' });
    const description = within(pane).getByLabelText('Description');
    fireEvent.change(description, { target: { value: 'changed' } });
    await act(async () => {
      fireEvent.keyDown(description, { key: 'Escape' });
    });
    expect(feedback.asked).toEqual(['Discard what you typed?']);
    expect(screen.getByRole('region', { name: 'Role dev' })).toBeTruthy(); // kept: the answer was no
  });
});
