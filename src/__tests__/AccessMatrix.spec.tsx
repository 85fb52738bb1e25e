import { nullTranslator } from '@jupyterlab/translation';
import { fireEvent, render, screen, within } from '@testing-library/react';
import * as React from 'react';

import { AccessMatrix, accessTo } from '../components/AccessMatrix';
import { ALL_PART, scopePart } from './fixtures';
import { answeringClient, json } from './http';

const HIERARCHY = { read: [], write: ['read'], execute: ['write', 'read'] };

describe('accessTo', () => {
  it('takes the strongest unfiltered action, and filtered grants stronger than it', () => {
    expect(
      accessTo(
        'contents',
        [
          scopePart('read', 'contents'),
          scopePart('write', 'contents', { name: 'path', value: 'shared/**' }),
          scopePart('read', 'kernels')
        ],
        HIERARCHY
      )
    ).toEqual({
      everywhere: 'read',
      filtered: [{ action: 'write', filter: 'path=shared/**' }]
    });
  });

  it('takes what `all` and a bare resource cover from the server', () => {
    expect(accessTo('kernels', [ALL_PART], HIERARCHY).everywhere).toBe(
      'execute'
    );
    expect(
      accessTo('kernels', [scopePart(null, 'kernels')], HIERARCHY).everywhere
    ).toBe('execute');
    expect(
      accessTo(
        'kernels',
        [scopePart(null, 'kernels', { name: 'user', value: 'bob' })],
        HIERARCHY
      ).filtered
    ).toEqual([{ action: 'execute', filter: 'user=bob' }]);
    // `custom:jupyter_server:read:*`: the resources it covers are the server's list.
    const wildcard = {
      ...scopePart('read', '*'),
      scope: 'read:*',
      resources: ['contents', 'kernels']
    };
    expect(accessTo('kernels', [wildcard], HIERARCHY).everywhere).toBe('read');
    expect(accessTo('users', [wildcard], HIERARCHY).everywhere).toBe('');
    // A scope that no longer parses covers nothing.
    const gone = {
      ...scopePart('write', 'gone'),
      base: null,
      action: null,
      resource: null,
      actions: [],
      resources: []
    };
    expect(accessTo('gone', [gone], HIERARCHY).everywhere).toBe('');
    expect(
      accessTo('kernels', [scopePart('write', 'contents')], HIERARCHY)
    ).toEqual({
      everywhere: '',
      filtered: []
    });
  });

  it('drops filtered grants that the unfiltered one already covers', () => {
    expect(
      accessTo(
        'contents',
        [
          scopePart('write', 'contents'),
          scopePart('read', 'contents', { name: 'path', value: 'a/**' })
        ],
        HIERARCHY
      ).filtered
    ).toEqual([]);
  });
});

describe('AccessMatrix', () => {
  it('shows the holders of the chosen roles against the resources', async () => {
    const { client, seen } = answeringClient(request => {
      if (request.path === 'users') {
        return json({
          items: [{ username: 'vera', name: 'vera' }],
          total: 1,
          limit: 50,
          offset: 0
        });
      }
      return json({
        name: 'vera',
        groups: [],
        roles: [],
        scopes: [],
        effective: ['read:contents', 'write:contents!path=shared/**'],
        effective_parts: [
          scopePart('read', 'contents'),
          scopePart('write', 'contents', { name: 'path', value: 'shared/**' })
        ]
      });
    });
    render(
      <AccessMatrix
        client={client}
        searchRoles={async text =>
          ['viewer', 'editor'].filter(role => role.includes(text))
        }
        resources={['contents', 'kernels']}
        hierarchy={HIERARCHY}
        trans={nullTranslator.load('x')}
      />
    );
    const field = screen.getByRole('combobox', {
      name: 'Add to Users holding any of these roles'
    });
    fireEvent.change(field, { target: { value: 'viewer' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await screen.findByRole('button', {
      name: 'Remove viewer from Users holding any of these roles'
    });
    fireEvent.click(screen.getByText('Show'));
    const table = await screen.findByRole('table');
    const row = within(table).getByRole('row', { name: /vera/ });
    expect(
      within(row)
        .getAllByRole('cell')
        .map(cell => cell.textContent)
    ).toEqual(['read, write (path=shared/**)', '—']);
    expect(seen.map(r => `${r.path}?${r.query}`)).toEqual([
      'users?role=viewer&limit=50',
      'users/vera/permissions?'
    ]);
  });
});
