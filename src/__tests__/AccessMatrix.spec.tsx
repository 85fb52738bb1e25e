import { nullTranslator } from '@jupyterlab/translation';
import { fireEvent, render, screen, within } from '@testing-library/react';
import * as React from 'react';

import { AccessMatrix, accessTo } from '../components/AccessMatrix';
import { answeringClient, json } from './http';

const HIERARCHY = { read: [], write: ['read'], execute: ['write', 'read'] };

describe('accessTo', () => {
  it('takes the strongest unfiltered action, and filtered grants stronger than it', () => {
    expect(
      accessTo(
        'contents',
        ['read:contents', 'write:contents!path=shared/**', 'read:kernels'],
        HIERARCHY
      )
    ).toEqual({
      everywhere: 'read',
      filtered: [{ action: 'write', filter: 'path=shared/**' }]
    });
  });

  it('reads `all` and a bare resource as every action', () => {
    expect(accessTo('kernels', ['all'], HIERARCHY).everywhere).toBe('execute');
    expect(accessTo('kernels', ['kernels'], HIERARCHY).everywhere).toBe(
      'execute'
    );
    expect(accessTo('kernels', ['write:contents'], HIERARCHY)).toEqual({
      everywhere: '',
      filtered: []
    });
  });

  it('drops filtered grants that the unfiltered one already covers', () => {
    expect(
      accessTo(
        'contents',
        ['write:contents', 'read:contents!path=a/**'],
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
          items: [{ name: 'vera' }],
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
        effective: ['read:contents', 'write:contents!path=shared/**']
      });
    });
    render(
      <AccessMatrix
        client={client}
        roles={['viewer', 'editor']}
        resources={['contents', 'kernels']}
        hierarchy={HIERARCHY}
        trans={nullTranslator.load('x')}
      />
    );
    fireEvent.click(screen.getByLabelText('viewer'));
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
