import { nullTranslator } from '@jupyterlab/translation';
import {
  fireEvent,
  render,
  screen,
  waitFor,
  within
} from '@testing-library/react';
import * as React from 'react';

import { IDraftScopePart, IRole, IScopeEntry } from '../api';
import { IRoleFields, RoleEditor } from '../components/RoleEditor';
import { draftPart, refusedPart, scopePart } from './fixtures';
import { answeringClient, ISeenRequest, json } from './http';

const trans = nullTranslator.load('jupyter_rbac');

const CATALOG: IScopeEntry[] = [
  {
    scope: 'read:contents',
    description: 'List folders and open files and notebooks.',
    filters: ['path']
  },
  {
    scope: 'write:contents',
    description: 'Create, save and delete files.',
    filters: ['path']
  },
  {
    scope: 'execute:kernels',
    description: 'Run code in kernels.',
    filters: ['user', 'group']
  },
  { scope: 'all', description: 'Everything.', filters: [] }
];
const WORDS = new Map(CATALOG.map(entry => [entry.scope, entry.description]));

const CONFIG_ROLE: IRole = {
  name: 'teachers',
  description: 'From the config',
  scopes: ['read:contents'],
  builtin: false,
  managed_by: 'config',
  users: [],
  groups: ['staff'],
  editable: false,
  deletable: false,
  revision: 1,
  created_at: '2026-11-30T00:00:00Z',
  updated_at: '2026-11-30T00:00:00Z',
  etag: '"1.1.1"'
};

/** What the server's parser makes of the scopes these tests use. */
const PARTS: IDraftScopePart[] = [
  draftPart(scopePart('read', 'contents')),
  draftPart(
    scopePart('write', 'contents', {
      name: 'path',
      value: 'shared/developer/**'
    })
  ),
  draftPart(scopePart('execute', 'kernels', { name: 'user', value: '{user}' })),
  refusedPart(
    'write:gone',
    "invalid scope 'write:gone': unknown resource 'gone'"
  )
];

/** A server answering `GET scopes/parts` as the parser would, after `delay` if one is given. */
function partsServer(delay?: Promise<void>) {
  return answeringClient(async (request: ISeenRequest) => {
    await delay;
    return json({
      parts: request.query
        .getAll('scope')
        .map(scope => PARTS.find(part => part.scope === scope))
    });
  });
}

function renderEditor(
  onSave: (fields: IRoleFields) => Promise<void>,
  role: IRole | null = null,
  server = partsServer()
) {
  render(
    <RoleEditor
      role={role}
      client={server.client}
      catalog={CATALOG}
      words={WORDS}
      canWrite={true}
      onSave={onSave}
      onClose={() => undefined}
      trans={trans}
    />
  );
}

function addScope(scope: string, filter?: [string, string]) {
  fireEvent.change(screen.getByLabelText('Scope'), {
    target: { value: scope }
  });
  if (filter) {
    fireEvent.change(screen.getByLabelText('Narrow to'), {
      target: { value: filter[0] }
    });
    fireEvent.change(
      screen.getByLabelText(filter[0][0].toUpperCase() + filter[0].slice(1)),
      {
        target: { value: filter[1] }
      }
    );
  }
  fireEvent.click(screen.getByText('Add scope'));
}

function previewLines(): (string | null)[] {
  const preview = screen.getByRole('list', { name: 'What it grants' });
  return within(preview)
    .queryAllByRole('listitem')
    .map(item => item.textContent);
}

/** Wait until the server has read the preview's scopes. */
async function previewRead(): Promise<void> {
  const preview = screen.getByRole('list', { name: 'What it grants' });
  await waitFor(() => expect(preview.getAttribute('aria-busy')).toBe('false'));
}

describe('RoleEditor', () => {
  it('builds a path-filtered scope and previews it in plain words', async () => {
    const saved: IRoleFields[] = [];
    renderEditor(async fields => {
      saved.push(fields);
    });
    fireEvent.change(screen.getByLabelText('Name'), {
      target: { value: 'developer-files' }
    });
    addScope('write:contents', ['path', 'shared/developer/**']);
    addScope('execute:kernels', ['user', '{user}']);

    await waitFor(() =>
      expect(previewLines()).toEqual([
        'Create, save and delete files. (under shared/developer/)',
        'Run code in kernels. (their own)'
      ])
    );
    fireEvent.click(screen.getByText('Create role'));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toEqual({
      name: 'developer-files',
      description: '',
      scopes: [
        'write:contents!path=shared/developer/**',
        'execute:kernels!user={user}'
      ]
    });
  });

  it('explains the filter templates and offers only the filters a scope takes', () => {
    renderEditor(async () => undefined);
    fireEvent.change(screen.getByLabelText('Scope'), {
      target: { value: 'execute:kernels' }
    });
    const options = within(screen.getByLabelText('Narrow to')).getAllByRole(
      'option'
    );
    expect(options.map(option => option.getAttribute('value'))).toEqual([
      '',
      'user',
      'group'
    ]);
    fireEvent.change(screen.getByLabelText('Narrow to'), {
      target: { value: 'group' }
    });
    expect(screen.getByText(/\{group\} stands for each group/)).toBeTruthy();
  });

  it('refuses a scope the catalog does not know, and a filter without a value', () => {
    renderEditor(async () => undefined);
    addScope('write:everything');
    expect(screen.getByRole('alert').textContent).toBe(
      'Unknown scope write:everything: pick one of the suggestions.'
    );
    addScope('read:contents', ['path', '']);
    expect(screen.getByRole('alert').textContent).toBe(
      'Say which path the scope is narrowed to.'
    );
    expect(screen.queryAllByRole('listitem')).toHaveLength(0);
  });

  it("shows the server's refusal inline and keeps what was typed", async () => {
    renderEditor(async () => {
      throw new Error("role 'viewer' already exists");
    });
    fireEvent.change(screen.getByLabelText('Name'), {
      target: { value: 'viewer' }
    });
    addScope('read:contents');
    fireEvent.click(screen.getByText('Create role'));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe(
        "role 'viewer' already exists"
      )
    );
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe(
      'viewer'
    );
    expect(screen.getByRole('list', { name: 'Scopes' }).textContent).toContain(
      'read:contents'
    );
  });

  it('asks the server once per change of the scopes, showing them as written meanwhile', async () => {
    let answer = (): void => undefined;
    const server = partsServer(new Promise(resolve => (answer = resolve)));
    renderEditor(async () => undefined, null, server);
    addScope('read:contents');
    expect(previewLines()).toEqual(['read:contents']);
    answer();
    await waitFor(() =>
      expect(previewLines()).toEqual([
        'List folders and open files and notebooks.'
      ])
    );
    const asked = server.seen.filter(
      request => request.path === 'scopes/parts'
    );
    expect(asked.map(request => request.query.getAll('scope'))).toEqual([
      ['read:contents']
    ]);
  });

  it("shows the server's refusal of a scope in its preview line", async () => {
    const role = {
      ...CONFIG_ROLE,
      name: 'legacy',
      scopes: ['read:contents', 'write:gone'],
      managed_by: null,
      editable: true
    };
    renderEditor(async () => undefined, role);
    await waitFor(() =>
      expect(previewLines()).toEqual([
        'List folders and open files and notebooks.',
        "invalid scope 'write:gone': unknown resource 'gone'"
      ])
    );
  });

  it('shows a configuration-managed role read-only, with its badge', async () => {
    renderEditor(async () => undefined, CONFIG_ROLE);
    await previewRead();
    expect(screen.getByText('config')).toBeTruthy();
    expect(screen.getByText(/set in the server's configuration/)).toBeTruthy();
    expect(screen.queryByLabelText('Scope')).toBeNull();
    expect(screen.queryByText('Save')).toBeNull();
    expect(
      (screen.getByLabelText('Description') as HTMLTextAreaElement).readOnly
    ).toBe(true);
  });
});
