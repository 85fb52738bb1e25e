import { nullTranslator } from '@jupyterlab/translation';
import {
  fireEvent,
  render,
  screen,
  waitFor,
  within
} from '@testing-library/react';
import * as React from 'react';

import { IShare, IShareAccess } from '../api';
import { ShareDialog } from '../components/shares/ShareDialog';
import { SharedWithMe } from '../components/shares/SharedWithMe';
import { SHARED_BY_YOU, SHARED_WITH_YOU, sharedPaths } from '../sharedMarks';
import { answeringClient, ISeenRequest, json } from './http';

const trans = nullTranslator.load('jupyter_rbac');

function share(fields: Partial<IShare>): IShare {
  return {
    id: 1,
    path: 'projects/x',
    type: 'directory',
    role: 'editor',
    user: 'bob',
    group: null,
    shared_by: 'ann',
    created_at: '2026-12-01T10:00:00+00:00',
    updated_at: '2026-12-01T10:00:00+00:00',
    expires_at: null,
    expired: false,
    etag: '"share.1.1.1"',
    ...fields
  };
}

/** A server holding shares of projects/x: what the dialog asks, answered from `shares`. */
function sharingServer(shares: IShare[], refuseEditors = false) {
  const access = (): IShareAccess => ({
    path: 'projects/x',
    type: 'directory',
    people: [
      {
        username: 'ann',
        display_name: 'Ann',
        access: 'edit',
        granted_by: { scope: 'all', role: 'admin', via: ['direct'] }
      },
      ...shares.map(s => ({
        username: s.user ?? '',
        display_name: s.user ?? '',
        access: s.role === 'editor' ? ('edit' as const) : ('view' as const),
        granted_by: {
          scope: 'write:contents!path=projects/x/**',
          role: s.role,
          via: [`share:${s.id}`],
          share: {
            id: s.id,
            path: s.path,
            type: s.type,
            role: s.role,
            user: s.user,
            group: s.group,
            shared_by: s.shared_by,
            expires_at: s.expires_at
          }
        }
      }))
    ],
    others: 2,
    shares
  });
  return answeringClient((request: ISeenRequest) => {
    const body = request.body as Record<string, string>;
    if (request.path === 'shares/access') {
      return json(access());
    }
    if (request.path === 'shares/recipients') {
      return json({
        users: [{ username: 'bob', display_name: 'Bob Byrne' }],
        groups: [{ name: 'bakers', members: 3 }]
      });
    }
    if (request.method === 'POST' && request.path === 'shares') {
      if (refuseEditors && body.role === 'editor') {
        return json(
          {
            message:
              'Forbidden: you need the scope write:sessions!path=projects/x/**',
            missing_scope: 'write:sessions!path=projects/x/**'
          },
          403
        );
      }
      const made = share({
        id: shares.length + 1,
        role: body.role,
        user: body.user
      });
      shares.push(made);
      return json(made, 201);
    }
    if (request.method === 'PATCH') {
      shares[0] = { ...shares[0], role: body.role };
      return json(shares[0]);
    }
    if (request.method === 'DELETE') {
      shares.splice(0, 1);
      return new Response(null, { status: 204 });
    }
    return json({ message: 'not here' }, 404);
  });
}

describe('ShareDialog', () => {
  it('finds a person as one types and shares with them as Editor', async () => {
    const shares: IShare[] = [];
    const { client, seen } = sharingServer(shares);
    render(<ShareDialog client={client} path="projects/x" trans={trans} />);
    expect(await screen.findByText('Not shared with anyone yet.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Share with'), {
      target: { value: 'bo' }
    });
    fireEvent.click(await screen.findByText('Bob Byrne (bob)'));
    fireEvent.click(screen.getByLabelText('Editor'));
    fireEvent.click(screen.getByText('Share'));
    const list = await screen.findByRole('list', { name: 'Shared with' });
    expect(within(list).getByText('bob')).toBeTruthy();
    const made = seen.find(r => r.method === 'POST');
    expect(made?.body).toEqual({
      path: 'projects/x',
      role: 'editor',
      user: 'bob'
    });
    const people = screen.getByRole('list', { name: 'Who has access' });
    expect(within(people).getByText('shared by ann')).toBeTruthy();
    expect(
      within(people).getByText('through the role admin (directly)')
    ).toBeTruthy();
    expect(screen.getByText('and 2 more people you may not see')).toBeTruthy();
  });

  it('shows the refusal with the missing scope and keeps what was chosen', async () => {
    const { client } = sharingServer([], true);
    render(<ShareDialog client={client} path="projects/x" trans={trans} />);
    fireEvent.change(screen.getByLabelText('Share with'), {
      target: { value: 'bo' }
    });
    fireEvent.click(await screen.findByText('Bob Byrne (bob)'));
    fireEvent.click(screen.getByLabelText('Editor'));
    fireEvent.click(screen.getByText('Share'));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'write:sessions!path=projects/x/**'
    );
    expect(screen.getByText('Bob Byrne (bob)')).toBeTruthy(); // still chosen
    expect(screen.getByText('Not shared with anyone yet.')).toBeTruthy();
  });

  it('changes a share to Viewer and removes it', async () => {
    const shares = [share({})];
    const { client, seen } = sharingServer(shares);
    render(<ShareDialog client={client} path="projects/x" trans={trans} />);
    fireEvent.change(await screen.findByLabelText('Role of bob'), {
      target: { value: 'viewer' }
    });
    await waitFor(() =>
      expect(seen.some(r => r.method === 'PATCH')).toBe(true)
    );
    const patch = seen.find(r => r.method === 'PATCH');
    expect(patch?.body).toEqual({ role: 'viewer' });
    expect(patch?.headers.get('If-Match')).toBe('"share.1.1.1"');
    fireEvent.click(screen.getByLabelText('Stop sharing with bob'));
    expect(await screen.findByText('Not shared with anyone yet.')).toBeTruthy();
  });
});

describe('SharedWithMe', () => {
  it('lists what others shared with the user and opens a folder', async () => {
    const { client, seen } = answeringClient(() =>
      json({
        items: [
          share({}),
          share({ id: 2, path: 'home/bob', shared_by: 'bob', user: 'ann' }),
          share({
            id: 3,
            path: 'a.ipynb',
            type: 'file',
            group: 'class',
            user: null
          })
        ],
        total: 3,
        limit: 100,
        offset: 0
      })
    );
    const opened: [string, boolean][] = [];
    render(
      <SharedWithMe
        client={client}
        username="bob"
        generation={1}
        open={(path, isFolder) => opened.push([path, isFolder])}
        trans={trans}
      />
    );
    fireEvent.click(await screen.findByText('projects/x/'));
    expect(opened).toEqual([['projects/x', true]]);
    expect(seen[0].query.get('user')).toBe('bob');
    // what bob shared himself is not "shared with" him
    expect(screen.queryByText('home/bob/')).toBeNull();
    expect(
      screen.getByText('Editor, shared by ann with group class')
    ).toBeTruthy();
  });
});

describe('sharedPaths', () => {
  it('marks what the user shared and what was shared with them or their groups', () => {
    const marks = sharedPaths(
      [
        share({ path: 'mine', shared_by: 'ann', user: 'bob' }),
        share({ path: 'theirs', shared_by: 'bob', user: 'ann' }),
        share({ path: 'class', shared_by: 'cy', user: null, group: 'g' }),
        share({ path: 'others', shared_by: 'cy', user: 'dan' }),
        share({ path: 'old', shared_by: 'ann', expired: true })
      ],
      { username: 'ann', groups: ['g'] }
    );
    expect(Object.fromEntries(marks)).toEqual({
      mine: SHARED_BY_YOU,
      theirs: SHARED_WITH_YOU,
      class: SHARED_WITH_YOU
    });
  });
});
