import { nullTranslator } from '@jupyterlab/translation';
import {
  fireEvent,
  render,
  screen,
  waitFor,
  within
} from '@testing-library/react';
import * as React from 'react';

import { NamesEditor } from '../components/common';
import {
  parseInvitations,
  splitCsvLine
} from '../components/members/BulkInvite';
import { InviteForm } from '../components/members/InviteForm';
import { nameSearches } from '../components/members/props';
import { IInvitationPreviewRequest } from '../api';
import { IFeedback } from '../feedback';
import { CATALOG, scopePart } from './fixtures';
import { answeringClient, ISeenRequest, json } from './http';

const trans = nullTranslator.load('jupyter_rbac');
const feedback: IFeedback = {
  success: () => undefined,
  error: () => undefined,
  confirm: async () => true,
  retryAfterConflict: async () => true
};
const CAN = {
  writeUsers: true,
  writeGroups: true,
  writeRoles: true,
  readGroups: true
};

describe('parseInvitations', () => {
  it('reads one invitation per line, quoted commas kept, a header and blanks skipped', () => {
    const text = [
      'username,display name,roles,groups',
      'ann, Ann Lee, editor viewer, developer',
      '',
      'bob,"Bob, Jr.",,',
      'x,y,z,w,extra'
    ].join('\n');
    const lines = parseInvitations(
      text,
      { password: false, expires_in: 86400 },
      trans
    );
    expect(lines).toEqual([
      {
        line: 2,
        request: {
          username: 'ann',
          display_name: 'Ann Lee',
          roles: ['editor', 'viewer'],
          groups: ['developer'],
          password: false,
          expires_in: 86400
        }
      },
      {
        line: 4,
        request: {
          username: 'bob',
          display_name: 'Bob, Jr.',
          roles: [],
          groups: [],
          password: false,
          expires_in: 86400
        }
      },
      {
        line: 5,
        problem:
          'line 5: at most 4 fields (user name, display name, roles, groups)'
      }
    ]);
    expect(splitCsvLine('a,"say ""hi""",c')).toEqual(['a', 'say "hi"', 'c']);
  });
});

describe('InviteForm', () => {
  function server() {
    return answeringClient((request: ISeenRequest) => {
      if (request.path === 'scopes') {
        return json(CATALOG);
      }
      if (request.path === 'invitations/preview') {
        const body = request.body as IInvitationPreviewRequest;
        if (body.groups?.includes('secret')) {
          return json(
            { message: 'write:groups!group=secret', missing_scope: 'x' },
            403
          );
        }
        // the `everyone` role's scope, and the editor role's when it is given
        const parts = [
          scopePart('read', 'users', { name: 'user', value: body.username })
        ];
        if (body.roles?.includes('editor')) {
          parts.push(scopePart('write', 'roles'));
        }
        return json({
          username: body.username,
          groups: body.groups ?? [],
          roles: [
            { name: 'user', via: ['everyone'] },
            ...(body.roles ?? []).map(name => ({ name, via: ['direct'] }))
          ],
          effective: parts.map(part => part.scope),
          effective_parts: parts
        });
      }
      if (request.method === 'POST') {
        const body = request.body as { username: string };
        if (body.username === 'taken') {
          return json({ message: "user 'taken' already exists" }, 409);
        }
        return json(
          {
            id: 1,
            username: body.username,
            url: `http://x/rbac/invite?code=${body.username}`,
            expires_at: '2026-12-09T00:00:00Z'
          },
          201
        );
      }
      if (request.path === 'groups') {
        return json({
          items: [{ name: 'secret' }],
          total: 1,
          limit: 20,
          offset: 0
        });
      }
      if (request.path === 'roles') {
        const q = request.query.get('q') ?? '';
        return json({
          items: ['editor', 'viewer']
            .filter(r => r.includes(q))
            .map(name => ({ name })),
          total: 2,
          limit: 20,
          offset: 0
        });
      }
      return json({ items: [], total: 0, limit: 20, offset: 0 });
    });
  }

  it('invites several people at once, one link each, with the expiry and password chosen', async () => {
    const { client, seen } = server();
    render(
      <InviteForm
        client={client}
        can={CAN}
        me="admin"
        pageSize={50}
        feedback={feedback}
        trans={trans}
        onClose={() => undefined}
        {...nameSearches(client, true)}
      />
    );
    fireEvent.change(screen.getByLabelText('The link works for'), {
      target: { value: '1' }
    });
    fireEvent.click(screen.getByLabelText('They may choose a password'));
    fireEvent.click(screen.getByLabelText('Invite several people at once'));
    fireEvent.change(
      screen.getByRole('textbox', { name: /One person per line/ }),
      {
        target: { value: 'ann, Ann, editor\ntaken\ncid' }
      }
    );
    fireEvent.click(
      screen.getByRole('button', { name: 'Create one link each' })
    );
    const table = await screen.findByRole('table', {
      name: /Invitations made/
    });
    await waitFor(() =>
      expect(within(table).getAllByRole('row')).toHaveLength(4)
    );
    const posts = seen.filter(r => r.method === 'POST');
    expect(posts.map(r => (r.body as { username: string }).username)).toEqual([
      'ann',
      'taken',
      'cid'
    ]);
    expect(posts[0].body).toEqual({
      username: 'ann',
      display_name: 'Ann',
      roles: ['editor'],
      groups: [],
      password: false,
      expires_in: 86400
    });
    expect(
      (
        within(table).getByLabelText(
          'Invitation link of ann'
        ) as HTMLInputElement
      ).value
    ).toBe('http://x/rbac/invite?code=ann');
    expect(table.textContent).toContain("user 'taken' already exists");
  });

  it("shows what the invitee will be able to do, as the server answers for the form's choices", async () => {
    const { client, seen } = server();
    render(
      <InviteForm
        client={client}
        can={CAN}
        me="admin"
        pageSize={50}
        feedback={feedback}
        trans={trans}
        onClose={() => undefined}
        {...nameSearches(client, true)}
      />
    );
    const preview = screen.getByRole('region', {
      name: 'What they will be able to do'
    });
    expect(preview.textContent).toContain('Type their user name');
    fireEvent.change(screen.getByLabelText('User name'), {
      target: { value: 'ann' }
    });
    const named = await screen.findByRole('region', {
      name: 'What ann will be able to do'
    });
    await waitFor(() =>
      expect(
        within(named)
          .getAllByRole('listitem')
          .map(i => i.textContent)
      ).toEqual(['read users (their own)'])
    );
    expect(named.textContent).toContain('user (everyone has it)');

    const roles = screen.getByRole('combobox', { name: 'Add to Roles' });
    fireEvent.change(roles, { target: { value: 'editor' } });
    fireEvent.click(screen.getAllByRole('button', { name: 'Add' })[0]);
    await waitFor(() =>
      expect(
        within(named)
          .getAllByRole('listitem')
          .map(i => i.textContent)
      ).toEqual(['read users (their own)', 'write roles'])
    );
    expect(named.textContent).toContain('editor (given directly)');
    const asked = seen.filter(r => r.path === 'invitations/preview');
    expect(asked[asked.length - 1].body).toEqual({
      username: 'ann',
      roles: ['editor'],
      groups: []
    });
    const made = seen.filter(
      r => r.path === 'invitations' && r.method === 'POST'
    );
    expect(made).toEqual([]); // a preview makes nothing

    const groups = screen.getByRole('combobox', { name: 'Add to Groups' });
    fireEvent.change(groups, { target: { value: 'secret' } });
    fireEvent.click(screen.getAllByRole('button', { name: 'Add' })[1]);
    expect(
      await within(named).findByText(/This invitation would be refused/)
    ).toBeTruthy();
  });

  it('gives only roles that exist', async () => {
    const { client } = server();
    const added: string[] = [];
    render(
      <NamesEditor
        label="Roles"
        names={[]}
        editable
        onlyKnown
        search={nameSearches(client, true).searchRoles}
        onAdd={async name => void added.push(name)}
        onRemove={async () => undefined}
        trans={trans}
      />
    );
    const field = screen.getByRole('combobox', { name: 'Add to Roles' });
    fireEvent.change(field, { target: { value: 'edit' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByRole('alert')).toHaveProperty(
      'textContent',
      'Roles: there is no edit here.'
    );
    fireEvent.change(field, { target: { value: 'editor' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(added).toEqual(['editor']));
  });
});
