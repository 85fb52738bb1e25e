import { nullTranslator } from '@jupyterlab/translation';
import { fireEvent, render, screen, within } from '@testing-library/react';
import * as React from 'react';

import { ICollaborator } from '../api';
import { CollaboratorsView } from '../components/CollaboratorsView';

const trans = nullTranslator.load('jupyter_rbac');

function person(
  name: string,
  extra: Partial<ICollaborator> = {}
): ICollaborator {
  return {
    username: name,
    name,
    display_name: name[0].toUpperCase() + name.slice(1),
    initials: name.slice(0, 2).toUpperCase(),
    color: 'rgb(1, 2, 3)',
    avatar_url: null,
    roles: ['user', 'viewer'],
    since: '2026-11-30T08:00:00+00:00',
    last_seen: '2026-11-30T08:01:00+00:00',
    connections: {},
    documents: [],
    ...extra
  };
}

describe('CollaboratorsView', () => {
  it('shows each person with their color, roles and open documents as editor or viewer', () => {
    const opened: string[] = [];
    render(
      <CollaboratorsView
        collaborators={[
          person('eddie', {
            roles: ['editor', 'user'],
            documents: [{ path: 'work/a.ipynb', mode: 'editor', since: '' }]
          }),
          person('vera', {
            documents: [{ path: 'work/a.ipynb', mode: 'viewer', since: '' }]
          })
        ]}
        me="vera"
        onOpen={path => opened.push(path)}
        trans={trans}
      />
    );
    const vera = screen.getByRole('listitem', { name: 'Vera' });
    expect(within(vera).getByText('vera (you)')).toBeTruthy(); // display name Vera, name vera
    expect(
      (vera.querySelector('.jp-RBAC-Avatar') as HTMLElement).style
        .backgroundColor
    ).toBe('rgb(1, 2, 3)');
    expect(
      within(vera).getByRole('list', { name: 'Documents vera has open' })
        .textContent
    ).toBe('work/a.ipynb viewer');
    const eddie = screen.getByRole('listitem', { name: 'Eddie' });
    expect(within(eddie).getByLabelText('Roles of eddie').textContent).toBe(
      'editor'
    ); // not `user`
    fireEvent.click(within(eddie).getByText('work/a.ipynb'));
    expect(opened).toEqual(['work/a.ipynb']);
    expect(screen.queryByText(/Manage roles of/)).toBeNull(); // not an administrator
  });

  it('lets administrators go on to a person in Members', () => {
    const shown: string[] = [];
    render(
      <CollaboratorsView
        collaborators={[person('vera')]}
        me="boss"
        onOpen={() => undefined}
        onShowUser={name => shown.push(name)}
        trans={trans}
      />
    );
    fireEvent.click(screen.getByText('Manage roles of vera'));
    expect(shown).toEqual(['vera']);
  });
});
