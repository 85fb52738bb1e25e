import { nullTranslator } from '@jupyterlab/translation';
import { render, screen } from '@testing-library/react';
import * as React from 'react';

import { IMe } from '../api';
import { MeStatus, meLabel, meTooltip } from '../components/MeStatus';
import { ALICE } from './fixtures';

const trans = nullTranslator.load('jupyter_rbac');

describe('MeStatus', () => {
  it('shows the display name and their roles', () => {
    render(<MeStatus me={ALICE} trans={trans} />);

    expect(screen.getByText('Alice · user, viewer')).toBeTruthy();
  });

  it('falls back to the user name without a display name', () => {
    render(<MeStatus me={{ ...ALICE, display_name: '' }} trans={trans} />);

    expect(screen.getByText('alice · user, viewer')).toBeTruthy();
  });

  it('lists the effective scopes in its tooltip', () => {
    render(<MeStatus me={ALICE} trans={trans} />);

    const title = screen.getByText(/Alice/).getAttribute('title') ?? '';
    expect(title).toContain('Signed in as Alice (alice)');
    expect(title).toContain('Groups: analyst');
    expect(title).toContain('read:contents');
    expect(title).toContain('read:lab');
  });

  it('shows the name alone when the user has no role', () => {
    const nobody: IMe = { ...ALICE, roles: [], scopes: [], scope_parts: [] };

    expect(meLabel(nobody, trans)).toBe('Alice');
    expect(meTooltip(nobody, trans)).toContain('Roles: (none)');
  });
});
