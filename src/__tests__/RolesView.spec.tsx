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

import { RolesView } from '../components/RolesView';
import { IFeedback } from '../feedback';
import { draftPart, scopePart } from './fixtures';
import { answeringClient, json, role } from './http';

const trans = nullTranslator.load('jupyter_rbac');

function feedback(confirm: boolean): IFeedback & { said: string[] } {
  const said: string[] = [];
  return {
    said,
    success: message => said.push(message),
    error: message => said.push(`error: ${message}`),
    confirm: async () => confirm,
    retryAfterConflict: async () => false
  };
}

/** A server with `total` roles named role-0000.., answering pages as asked. */
function rolesServer(total: number) {
  const names = Array.from(
    { length: total },
    (_, i) => `role-${String(i).padStart(4, '0')}`
  );
  return answeringClient(request => {
    if (request.method === 'DELETE') {
      return new Response(null, { status: 204 });
    }
    if (request.path === 'scopes/parts') {
      // every role here holds `read:contents`: the editor's preview asks for its parts
      return json({ parts: [draftPart(scopePart('read', 'contents'))] });
    }
    const q = request.query.get('q') ?? '';
    const offset = Number(request.query.get('offset') ?? 0);
    const limit = Number(request.query.get('limit') ?? 100);
    let matching = names.filter(name => name.includes(q));
    if (request.query.get('sort') === '-name') {
      matching = [...matching].reverse();
    }
    return json({
      items: matching
        .slice(offset, offset + limit)
        .map(name =>
          role(
            name,
            name === 'role-0000' ? { builtin: true, deletable: false } : {}
          )
        ),
      total: matching.length,
      limit,
      offset
    });
  });
}

function renderView(
  client: ReturnType<typeof rolesServer>['client'],
  said: IFeedback
) {
  render(
    <RolesView
      client={client}
      catalog={[]}
      words={new Map()}
      canWrite={true}
      pageSize={50}
      feedback={said}
      trans={trans}
    />
  );
}

describe('RolesView', () => {
  it('reads 1,000 roles one page at a time', async () => {
    const { client, seen } = rolesServer(1000);
    renderView(client, feedback(true));
    const list = await screen.findByRole('list', { name: 'Roles' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(50);
    expect(screen.getByText('1–50 of 1,000')).toBeTruthy();
    fireEvent.click(screen.getByText('Next'));
    await screen.findByText('51–100 of 1,000');
    expect(seen.map(r => r.query.get('offset'))).toEqual(['0', '50']);
    expect(screen.getByText('role-0050')).toBeTruthy();
  });

  it('searches on the server once typing pauses, and sorts there', async () => {
    jest.useFakeTimers();
    try {
      const { client, seen } = rolesServer(1000);
      renderView(client, feedback(true));
      await act(async () => undefined);
      fireEvent.change(screen.getByLabelText('Search roles'), {
        target: { value: '099' }
      });
      fireEvent.change(screen.getByLabelText('Search roles'), {
        target: { value: '0999' }
      });
      await act(async () => {
        jest.advanceTimersByTime(300);
      });
      fireEvent.change(screen.getByLabelText('Sort roles by'), {
        target: { value: '-name' }
      });
      await act(async () => undefined);
      expect(seen.map(r => [r.query.get('q'), r.query.get('sort')])).toEqual([
        [null, 'name'],
        ['0999', 'name'],
        ['0999', '-name']
      ]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('deletes only after confirmation, with the version tag, and never offers it for default roles', async () => {
    const { client, seen } = rolesServer(3);
    const said = feedback(true);
    renderView(client, said);
    await screen.findByRole('list', { name: 'Roles' });
    expect(screen.queryByLabelText('Delete role role-0000')).toBeNull();
    fireEvent.click(screen.getByLabelText('Delete role role-0001'));
    await waitFor(() => expect(said.said).toEqual(['Role role-0001 deleted.']));
    const deleted = seen.find(r => r.method === 'DELETE');
    expect(deleted?.path).toBe('roles/role-0001');
    expect(deleted?.headers.get('If-Match')).toBe('"1.1.1"');
  });

  it('does nothing when the deletion is not confirmed', async () => {
    const { client, seen } = rolesServer(3);
    renderView(client, feedback(false));
    await screen.findByRole('list', { name: 'Roles' });
    fireEvent.click(screen.getByLabelText('Delete role role-0001'));
    await act(async () => undefined);
    expect(seen.filter(r => r.method === 'DELETE')).toHaveLength(0);
  });

  it('duplicates a role into a new one with its scopes', async () => {
    const { client } = rolesServer(3);
    renderView(client, feedback(true));
    fireEvent.click(await screen.findByLabelText('Duplicate role role-0002'));
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe(
      'role-0002-copy'
    );
    expect(screen.getByRole('list', { name: 'Scopes' }).textContent).toContain(
      'read:contents'
    );
    const preview = screen.getByRole('list', { name: 'What it grants' });
    await waitFor(() =>
      expect(preview.getAttribute('aria-busy')).toBe('false')
    );
  });
});
