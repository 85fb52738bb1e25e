import { nullTranslator } from '@jupyterlab/translation';
import {
  fireEvent,
  render,
  screen,
  waitFor,
  within
} from '@testing-library/react';
import * as React from 'react';

import { MembersView } from '../components/MembersView';
import { IFeedback } from '../feedback';
import { CATALOG } from './fixtures';
import { answeringClient, ISeenRequest, json } from './http';

const trans = nullTranslator.load('jupyter_rbac');
const VERSION = {
  revision: 1,
  created_at: '2026-11-30T00:00:00Z',
  updated_at: '2026-11-30T00:00:00Z'
};

const feedback: IFeedback = {
  success: () => undefined,
  error: () => undefined,
  confirm: async () => true,
  retryAfterConflict: async () => true
};

/** A server with one group whose members change; it answers 412 once to a stale tag. */
function groupServer() {
  let group = {
    name: 'dev-team',
    description: '',
    members: ['eddie'],
    roles: ['editor'],
    etag: '"3.1.1"',
    ...VERSION
  };
  return answeringClient((request: ISeenRequest) => {
    if (request.path === 'roles') {
      return json({
        items: [{ name: 'editor' }, { name: 'viewer' }],
        total: 2,
        limit: 1000,
        offset: 0
      });
    }
    if (request.path === 'users') {
      return json({
        items: [
          { username: 'eddie', name: 'eddie' },
          { username: 'vera', name: 'vera' }
        ],
        total: 2,
        limit: 1000,
        offset: 0
      });
    }
    if (request.path === 'groups') {
      return json({ items: [group], total: 1, limit: 50, offset: 0 });
    }
    if (request.method === 'PATCH') {
      if (request.headers.get('If-Match') !== group.etag) {
        return json({ message: 'stale' }, 412);
      }
      group = { ...group, ...(request.body as object), etag: '"3.1.9"' };
    }
    return json(group);
  });
}

const CAN = {
  writeUsers: true,
  writeGroups: true,
  writeRoles: true,
  readGroups: true
};

describe('MembersView', () => {
  it('adds a member to a group with its version tag, keeping the others', async () => {
    const { client, seen } = groupServer();
    render(
      <MembersView
        client={client}
        can={CAN}
        me="boss"
        pageSize={50}
        feedback={feedback}
        trans={trans}
      />
    );
    fireEvent.click(screen.getByRole('tab', { name: 'Groups' }));
    fireEvent.click(await screen.findByLabelText('Open group dev-team'));
    const details = await screen.findByRole('region', {
      name: 'Group dev-team'
    });
    fireEvent.change(within(details).getByLabelText('Add to Members'), {
      target: { value: 'vera' }
    });
    fireEvent.keyDown(within(details).getByLabelText('Add to Members'), {
      key: 'Enter'
    });
    await waitFor(() =>
      expect(
        within(details).getByRole('list', { name: 'Members' }).textContent
      ).toContain('vera')
    );
    const patch = seen.find(r => r.method === 'PATCH');
    expect(patch?.path).toBe('groups/dev-team');
    expect(patch?.headers.get('If-Match')).toBe('"3.1.1"');
    expect(patch?.body).toEqual({ members: ['eddie', 'vera'] });
  });

  it('hides what the user may not change', async () => {
    const { client } = groupServer();
    render(
      <MembersView
        client={client}
        can={{ ...CAN, writeGroups: false }}
        me="boss"
        pageSize={50}
        feedback={feedback}
        trans={trans}
      />
    );
    fireEvent.click(screen.getByRole('tab', { name: 'Groups' }));
    expect(screen.queryByLabelText('New group name')).toBeNull();
    fireEvent.click(await screen.findByLabelText('Open group dev-team'));
    await screen.findByRole('region', { name: 'Group dev-team' });
    expect(screen.queryByLabelText('Add to Members')).toBeNull();
    expect(screen.queryByText('Delete group')).toBeNull();
  });

  it('invites somebody and shows the link once', async () => {
    const { client, seen } = answeringClient(request => {
      if (request.path === 'invitations' && request.method === 'POST') {
        return json(
          {
            id: 2,
            username: 'dana',
            url: 'http://x/rbac/invite?code=abc',
            expires_at: '2026-12-07T00:00:00Z'
          },
          201
        );
      }
      if (request.path === 'invitations') {
        return json({ items: [] });
      }
      return json({ items: [], total: 0, limit: 50, offset: 0 });
    });
    render(
      <MembersView
        client={client}
        can={CAN}
        me="boss"
        pageSize={50}
        feedback={feedback}
        trans={trans}
      />
    );
    fireEvent.click(await screen.findByText('Invite'));
    fireEvent.change(screen.getByLabelText('User name'), {
      target: { value: 'dana' }
    });
    fireEvent.click(screen.getByText('Create invitation link'));
    const link = (await screen.findByLabelText(
      'Invitation link'
    )) as HTMLInputElement;
    expect(link.value).toBe('http://x/rbac/invite?code=abc');
    expect(seen.find(r => r.method === 'POST')?.body).toEqual({
      username: 'dana',
      display_name: '',
      roles: [],
      groups: [],
      expires_in: 7 * 24 * 3600, // the form's defaults: a week, a password allowed
      password: true
    });
  });

  it('lists pending invitations and revokes one', async () => {
    let pending = [
      {
        id: 7,
        username: 'olga',
        created_by: 'boss',
        expires_at: '2026-12-07T00:00:00Z'
      }
    ];
    const { client, seen } = answeringClient(request => {
      if (request.method === 'DELETE') {
        pending = [];
        return new Response(null, { status: 204 });
      }
      if (request.path === 'invitations') {
        return json({ items: pending });
      }
      if (request.path === 'scopes') {
        return json(CATALOG);
      }
      return json({ items: [], total: 0, limit: 50, offset: 0 });
    });
    render(
      <MembersView
        client={client}
        can={CAN}
        me="boss"
        pageSize={50}
        feedback={feedback}
        trans={trans}
      />
    );
    fireEvent.click(await screen.findByText('Invite'));
    fireEvent.click(
      await screen.findByLabelText('Revoke the invitation of olga')
    );
    await waitFor(() =>
      expect(
        screen.queryByRole('list', { name: 'Pending invitations' })
      ).toBeNull()
    );
    expect(seen.find(r => r.method === 'DELETE')?.path).toBe('invitations/7');
  });

  it('shows who made each token and revokes one someone else made', async () => {
    const token = {
      user: 'vera',
      note: '',
      scopes: null,
      one_time: false,
      created_at: '2026-11-30T00:00:00Z',
      expires_at: null
    };
    let tokens = [
      { ...token, id: 1, prefix: 'rbac_aaaa', created_by: 'vera' },
      { ...token, id: 2, prefix: 'rbac_bbbb', created_by: 'boss' },
      { ...token, id: 3, prefix: 'rbac_cccc', created_by: null }
    ];
    const { client, seen } = answeringClient(request => {
      if (request.method === 'DELETE') {
        tokens = tokens.filter(
          t => request.path !== `users/vera/tokens/${t.id}`
        );
        return new Response(null, { status: 204 });
      }
      if (request.path === 'users/vera/tokens') {
        return json({ items: tokens, total: tokens.length });
      }
      if (request.path === 'users/vera') {
        return json({
          name: 'vera',
          display_name: '',
          roles: ['viewer'],
          groups: [],
          etag: '"2.1.1"',
          ...VERSION
        });
      }
      return json({ items: [], total: 0, limit: 50, offset: 0 });
    });
    render(
      <MembersView
        client={client}
        can={{ ...CAN, writeUsers: false }}
        me="vera"
        focusUser="vera"
        pageSize={50}
        feedback={feedback}
        trans={trans}
      />
    );
    const list = await screen.findByRole('list', {
      name: 'API tokens of vera'
    });
    const items = within(list).getAllByRole('listitem');
    expect(items[0].textContent).not.toContain('made by');
    expect(items[1].textContent).toContain('made by boss');
    expect(items[2].textContent).toContain('maker not recorded');
    fireEvent.click(within(items[1]).getByLabelText('Revoke token rbac_bbbb'));
    await waitFor(() =>
      expect(within(list).queryByText(/made by boss/)).toBeNull()
    );
    expect(seen.find(r => r.method === 'DELETE')?.path).toBe(
      'users/vera/tokens/2'
    );
  });
});

describe('A sign-in link', () => {
  it('is made for a user who exists, shown once, and failures are said', async () => {
    const errors: string[] = [];
    let refuse = false;
    const { client, seen } = answeringClient(request => {
      if (request.method === 'POST' && request.path === 'invitations') {
        if (refuse) {
          return json(
            {
              message:
                "Forbidden: a sign-in link for 'vera' grants 'write:contents', which you do not hold yourself",
              missing_scope: 'write:contents'
            },
            403
          );
        }
        return json(
          {
            id: 7,
            username: 'vera',
            display_name: '',
            roles: [],
            groups: [],
            password_allowed: true,
            created_by: 'boss',
            created_at: '2026-12-02T00:00:00Z',
            expires_at: '2026-12-09T00:00:00Z',
            accepted_at: null,
            sign_in: true,
            state: 'pending',
            url: 'http://x/rbac/invite?code=rbacinv_x',
            path: '/rbac/invite?code=rbacinv_x'
          },
          201
        );
      }
      if (request.path === 'users/vera') {
        return json({
          username: 'vera',
          name: 'vera',
          display_name: '',
          roles: ['viewer'],
          groups: [],
          etag: '"2.1.1"',
          ...VERSION
        });
      }
      return json({ items: [], total: 0, limit: 50, offset: 0 });
    });
    render(
      <MembersView
        client={client}
        can={CAN}
        me="boss"
        focusUser="vera"
        pageSize={50}
        feedback={{ ...feedback, error: message => void errors.push(message) }}
        trans={trans}
      />
    );
    fireEvent.click(
      await screen.findByRole('button', { name: 'New sign-in link' })
    );
    const link = await screen.findByRole('region', { name: 'Sign-in link' });
    expect(link.textContent).toContain('Sign-in link for vera');
    expect(
      (within(link).getByLabelText('Sign-in link') as HTMLInputElement).value
    ).toBe('http://x/rbac/invite?code=rbacinv_x');
    expect(
      seen.find(r => r.method === 'POST' && r.path === 'invitations')?.body
    ).toEqual({ username: 'vera', sign_in: true });

    fireEvent.click(within(link).getByRole('button', { name: 'Done' }));
    refuse = true;
    fireEvent.click(
      await screen.findByRole('button', { name: 'New sign-in link' })
    );
    await waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toContain('Could not make a sign-in link for vera');
    expect(errors[0]).toContain('write:contents');
    expect(screen.queryByRole('region', { name: 'Sign-in link' })).toBeNull();
  });
});
