import { nullTranslator } from '@jupyterlab/translation';
import { render, screen } from '@testing-library/react';
import * as React from 'react';

import { IMe } from '../api';
import { MeStatus, meLabel, meTooltip } from '../components/MeStatus';
import { ALICE } from './fixtures';

const trans = nullTranslator.load('jupyter_rbac');

describe('MeStatus', () => {
  it('shows the user name and their roles', () => {
    render(<MeStatus me={ALICE} trans={trans} />);

    expect(screen.getByText('alice · user, viewer')).toBeTruthy();
  });

  it('lists the effective scopes in its tooltip', () => {
    render(<MeStatus me={ALICE} trans={trans} />);

    const title = screen.getByText(/alice/).getAttribute('title') ?? '';
    expect(title).toContain('Signed in as Alice (alice)');
    expect(title).toContain('Groups: analyst');
    expect(title).toContain('read:contents');
    expect(title).toContain('read:lab');
  });

  it('shows the name alone when the user has no role', () => {
    const nobody: IMe = { ...ALICE, roles: [], scopes: [] };

    expect(meLabel(nobody, trans)).toBe('alice');
    expect(meTooltip(nobody, trans)).toContain('Roles: (none)');
  });
});
