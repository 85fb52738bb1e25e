import { nullTranslator } from '@jupyterlab/translation';
import { render, screen } from '@testing-library/react';
import * as React from 'react';

import { IMe, IScopeCatalog } from '../api';
import { MyPermissions } from '../components/MyPermissions';
import { catalogWords, describeScope, describeSource } from '../plainWords';
import { ALICE } from './fixtures';

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
  it('describes a scope with what its filter narrows it to', () => {
    expect(describeScope('read:lab', WORDS, 'alice', trans)).toBe(
      'Open JupyterLab.'
    );
    expect(
      describeScope('read:contents!path=shared/dev/**', WORDS, 'alice', trans)
    ).toBe('List folders and open files and notebooks. (under shared/dev/)');
    expect(
      describeScope('execute:kernels!user=alice', WORDS, 'alice', trans)
    ).toBe('Run code in kernels. (yours)');
    expect(
      describeScope('execute:kernels!group=lab-a', WORDS, 'alice', trans)
    ).toBe('Run code in kernels. (those of group lab-a)');
  });

  it("reads JupyterHub's custom scopes as ours", () => {
    expect(
      describeScope('custom:jupyter_server:read:lab', WORDS, 'alice', trans)
    ).toBe('Open JupyterLab.');
  });

  it('falls back to the scope itself when the catalog does not know it', () => {
    expect(describeScope('read:my-extension', WORDS, 'alice', trans)).toBe(
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
    scopes: ['read:contents!path=shared/**', 'read:lab']
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
        me={{ ...me, scopes: [], groups: [] }}
        words={WORDS}
        trans={trans}
      />
    );
    expect(
      screen.getByText('Nothing yet: ask an administrator for a role.')
    ).toBeTruthy();
    expect(screen.getByText('You are in no group.')).toBeTruthy();
  });
});
