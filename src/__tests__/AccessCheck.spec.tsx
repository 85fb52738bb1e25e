import { nullTranslator } from '@jupyterlab/translation';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import * as React from 'react';

import { ICheckQuestion, IDecision } from '../api';
import { AccessCheck, checkableResources } from '../components/AccessCheck';

const trans = nullTranslator.load('jupyter_rbac');

function renderWith(answer: (q: ICheckQuestion) => Promise<IDecision>) {
  const asked: ICheckQuestion[] = [];
  render(
    <AccessCheck
      defaultUser="alice"
      resources={['contents', 'kernels']}
      onCheck={q => {
        asked.push(q);
        return answer(q);
      }}
      trans={trans}
    />
  );
  return asked;
}

describe('AccessCheck', () => {
  it('asks the question as typed and says why it is allowed', async () => {
    const asked = renderWith(async () => ({
      allowed: true,
      granted_by: {
        scope: 'write:contents!path=shared/**',
        role: 'dev',
        via: ['group:developer']
      },
      missing_scope: null
    }));
    fireEvent.change(screen.getByLabelText('User'), {
      target: { value: 'bob' }
    });
    fireEvent.change(screen.getByLabelText('Action'), {
      target: { value: 'write' }
    });
    fireEvent.change(screen.getByLabelText('Path (optional)'), {
      target: { value: 'shared/a.py' }
    });
    fireEvent.click(screen.getByText('Check'));
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toContain('Allowed')
    );
    expect(asked).toEqual([
      {
        user: 'bob',
        action: 'write',
        resource: 'contents',
        path: 'shared/a.py'
      }
    ]);
    expect(screen.getByRole('status').textContent).toBe(
      'Allowed: role dev grants write:contents!path=shared/** (through group developer).'
    );
  });

  it('says when the scope that answers a read question is a write scope', async () => {
    renderWith(async () => ({
      allowed: true,
      granted_by: { scope: 'write:contents', role: 'editor', via: ['direct'] },
      missing_scope: null
    }));
    fireEvent.click(screen.getByText('Check')); // the question: read, contents
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe(
        'Allowed: role editor grants write:contents (given directly). write includes read.'
      )
    );
  });

  it('names the missing scope when refused', async () => {
    renderWith(async () => ({
      allowed: false,
      granted_by: null,
      missing_scope: 'write:contents!path=a.py'
    }));
    fireEvent.click(screen.getByText('Check'));
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe(
        'Refused: it needs the scope write:contents!path=a.py.'
      )
    );
  });

  it("shows the server's message when the question itself is refused", async () => {
    renderWith(async () => {
      throw new Error('Forbidden: you need the scope read:users!user=bob');
    });
    fireEvent.click(screen.getByText('Check'));
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toContain(
        'read:users!user=bob'
      )
    );
  });
});

describe('checkableResources', () => {
  it('lists the resources of the catalog that take an action', () => {
    expect(
      checkableResources([
        { scope: 'all' },
        { scope: 'read:contents' },
        { scope: 'write:contents' },
        { scope: 'execute:kernels' },
        { scope: 'kernels' }
      ])
    ).toEqual(['contents', 'kernels']);
  });
});
