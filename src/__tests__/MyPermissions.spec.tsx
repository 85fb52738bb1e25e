import { nullTranslator } from '@jupyterlab/translation';
import { render, screen, within } from '@testing-library/react';
import * as React from 'react';

import { IMe, IScopeCatalog } from '../api';
import { MyPermissions } from '../components/MyPermissions';
import { catalogWords, describeScope, describeSource } from '../plainWords';
import { ALICE, draftPart, scopePart } from './fixtures';

const trans = nullTranslator.load('jupyter_rbac');

const CATALOG: IScopeCatalog = {
  scopes: [
    {
      scope: 'read:contents',
      description: 'List folders and open files and notebooks.',
      filters: ['path']
    },
    {
      scope: 'execute:kernels',
      description: 'Run code in kernels.',
      filters: ['user', 'group']
    },
    { scope: 'read:lab', description: 'Open JupyterLab.', filters: [] }
  ],
  hierarchy: { read: [], write: ['read'], execute: ['write', 'read'] }
};
const WORDS = catalogWords(CATALOG);

describe('plain words', () => {
  const words = (part: Parameters<typeof describeScope>[0]): string =>
    describeScope(part, WORDS, 'alice', trans);

  it('describes a scope, in the parts the server gives, with what its filter narrows it to', () => {
    expect(words(scopePart('read', 'lab'))).toBe('Open JupyterLab.');
    expect(
      words(
        scopePart('read', 'contents', { name: 'path', value: 'shared/dev/**' })
      )
    ).toBe('List folders and open files and notebooks. (under shared/dev/)');
    expect(
      words(scopePart('execute', 'kernels', { name: 'user', value: 'alice' }))
    ).toBe('Run code in kernels. (yours)');
    expect(
      words(scopePart('execute', 'kernels', { name: 'group', value: 'lab-a' }))
    ).toBe('Run code in kernels. (those of group lab-a)');
  });

  it("takes the catalog entry from the server's `base` (aliases resolved there)", () => {
    const custom = {
      ...scopePart('read', 'lab'),
      scope: 'custom:jupyter_server:read:lab'
    };
    expect(words(custom)).toBe('Open JupyterLab.');
  });

  it('falls back to the scope itself when the catalog does not know it', () => {
    expect(words(scopePart('read', 'my-extension'))).toBe('read:my-extension');
    const gone = { scope: 'write:gone', base: null, filter: null };
    expect(words(gone)).toBe('write:gone');
  });

  it("describes a role's scopes not saved yet, in the parts the server gives them", () => {
    const alias = draftPart({
      ...scopePart('read', 'lab'),
      scope: 'custom:jupyter_server:read:lab'
    });
    expect(words(alias)).toBe('Open JupyterLab.');
    const home = draftPart(
      scopePart('read', 'contents', {
        name: 'path',
        value: 'home/{user}/**'
      })
    );
    expect(describeScope(home, WORDS, '{user}', trans)).toBe(
      "List folders and open files and notebooks. (under home/{user}/: each user's own)"
    );
    expect(words(draftPart(scopePart('read', 'my-extension')))).toBe(
      'read:my-extension'
    );
  });

  it('says how a role is held', () => {
    expect(describeSource('direct', trans)).toBe('given to you');
    expect(describeSource('group:analyst', trans)).toBe(
      'through group analyst'
    );
    expect(describeSource('hub', trans)).toBe('from JupyterHub');
  });
});

describe('MyPermissions', () => {
  const me: IMe = {
    ...ALICE,
    initials: 'AL',
    color: '#336699',
    role_sources: { user: ['everyone'], viewer: ['group:analyst'] },
    scopes: ['read:contents!path=shared/**', 'read:lab'],
    scope_parts: [
      scopePart('read', 'contents', { name: 'path', value: 'shared/**' }),
      scopePart('read', 'lab')
    ]
  };

  it('shows who I am, my groups, roles and abilities', () => {
    render(<MyPermissions me={me} words={WORDS} trans={trans} />);
    expect(screen.getByText('Alice')).toBeTruthy();
    expect(screen.getByText('AL')).toBeTruthy();
    expect(
      screen.getByRole('list', { name: 'My groups' }).textContent
    ).toContain('analyst');
    const roles = screen.getByRole('list', { name: 'My roles' });
    expect(roles.textContent).toContain('viewer (through group analyst)');
    expect(roles.textContent).toContain('user (everyone has it)');
    const abilities = screen.getByRole('list', { name: 'What I may do' });
    expect(abilities.textContent).toContain(
      'List folders and open files and notebooks. (under shared/)'
    );
  });

  it('says when a token limits what I may do', () => {
    render(
      <MyPermissions
        me={{ ...me, token_limited: true }}
        words={WORDS}
        trans={trans}
      />
    );
    expect(screen.getByRole('note').textContent).toContain('limited');
  });

  it('says so when I may do nothing yet', () => {
    render(
      <MyPermissions
        me={{ ...me, scopes: [], scope_parts: [], groups: [] }}
        words={WORDS}
        trans={trans}
      />
    );
    expect(
      screen.getByText('Nothing yet: ask an administrator for a role.')
    ).toBeTruthy();
    expect(screen.getByText('You are in no group.')).toBeTruthy();
  });

  it('shows a name once when the display name is the user name', () => {
    render(
      <MyPermissions
        me={{ ...ALICE, display_name: 'alice' }}
        words={new Map()}
        trans={trans}
      />
    );
    expect(screen.getByRole('banner').textContent).toBe('Aalice');
  });

  it("lists only Everything for a holder of all, not what all's companions add", () => {
    const parts = [scopePart(null, 'all'), scopePart('read', 'tokens')];
    render(
      <MyPermissions
        me={{ ...ALICE, scopes: ['all', 'read:tokens'], scope_parts: parts }}
        words={new Map([['all', 'Everything']])}
        trans={trans}
      />
    );
    const list = screen.getByRole('list', { name: 'What I may do' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(1);
  });
});
