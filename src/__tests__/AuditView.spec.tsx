import { nullTranslator } from '@jupyterlab/translation';
import {
  fireEvent,
  render,
  screen,
  waitFor,
  within
} from '@testing-library/react';
import * as React from 'react';

import { IAuditEvent } from '../api';
import { AuditView, detailWords } from '../components/AuditView';
import { answeringClient, json } from './http';
import { auditSentence } from '../auditWords';

const trans = nullTranslator.load('jupyter_rbac');

function event(
  id: number,
  action: IAuditEvent['action'],
  target: string
): IAuditEvent {
  return {
    id,
    at: '2026-11-30T08:00:00Z',
    actor: 'boss',
    kind: action.split('.')[0] as IAuditEvent['kind'],
    action,
    target,
    detail: {}
  };
}

describe('AuditView', () => {
  it('lists events newest first and pages older ones with the cursor', async () => {
    const { client, seen } = answeringClient(request =>
      request.query.get('before')
        ? json({
            items: [event(1, 'role.create', 'old')],
            total: 3,
            limit: 2,
            offset: 0,
            next_cursor: null
          })
        : json(
            {
              items: [
                event(3, 'group.create', 'dev'),
                event(2, 'role.create', 'dev')
              ],
              total: 3,
              limit: 2,
              offset: 0,
              next_cursor: 2
            },
            200,
            { ETag: '"a"' }
          )
    );
    render(
      <AuditView
        client={client}
        refreshSeconds={0}
        pageSize={2}
        trans={trans}
      />
    );
    const list = await screen.findByRole('list', { name: 'Audit events' });
    fireEvent.click(screen.getByText('Older events'));
    await waitFor(() =>
      expect(within(list).getAllByRole('listitem')).toHaveLength(3)
    );
    expect(
      within(list)
        .getAllByRole('listitem')
        .map(item => item.textContent?.split('M')[1])
    ).toEqual([
      'boss created group dev group.create',
      'boss created role dev role.create',
      'boss created role old role.create'
    ]);
    expect(seen[1].query.get('before')).toBe('2');
  });

  it('asks the server with the filters', async () => {
    const { client, seen } = answeringClient(() =>
      json({ items: [], total: 0, limit: 50, offset: 0, next_cursor: null })
    );
    render(
      <AuditView
        client={client}
        refreshSeconds={0}
        pageSize={50}
        trans={trans}
      />
    );
    await screen.findByText('No event matches.');
    fireEvent.change(screen.getByLabelText('Kind'), {
      target: { value: 'role' }
    });
    fireEvent.change(screen.getByLabelText('By user'), {
      target: { value: ' boss ' }
    });
    fireEvent.click(screen.getByText('Filter'));
    await waitFor(() =>
      expect(seen[seen.length - 1]?.query.toString()).toBe(
        'kind=role&actor=boss&limit=50'
      )
    );
  });

  it('looks again with If-None-Match and shows new events without a reload', async () => {
    let newest = [event(1, 'role.create', 'a')];
    const { client, seen } = answeringClient(async request => {
      const etag = `"${newest[0].id}"`;
      if (request.headers.get('If-None-Match') === etag) {
        return new Response(null, { status: 304 });
      }
      if (seen.length === 1) {
        // a slow first answer: nothing may ask for the same page meanwhile
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      return json(
        {
          items: newest,
          total: newest.length,
          limit: 50,
          offset: 0,
          next_cursor: null
        },
        200,
        { ETag: etag }
      );
    });
    render(
      <AuditView
        client={client}
        refreshSeconds={0.05}
        pageSize={50}
        trans={trans}
      />
    );
    await screen.findByText('role.create');
    await waitFor(() => expect(seen.length).toBeGreaterThan(1)); // looked again: 304
    newest = [event(2, 'request.denied', 'PUT /api/contents/x'), ...newest];
    await screen.findByText('request.denied');
    expect(seen.some(r => r.headers.get('If-None-Match') === '"1"')).toBe(true);
    // the first page was asked once: every later look carried the tag of an answer
    expect(
      seen.filter(r => !r.headers.get('If-None-Match')).map(r => r.path)
    ).toEqual(['audit']);
  });
});

describe('detailWords', () => {
  it('puts the detail on one line, without empty fields', () => {
    expect(
      detailWords({
        ...event(1, 'role.create', 'r'),
        detail: { scopes: ['a', 'b'], users: [], note: '', id: 4 }
      })
    ).toBe('scopes: a, b; id: 4');
  });
});

describe('auditSentence', () => {
  const at = '2026-12-02T10:00:00+00:00';
  const say = (
    action: string,
    actor: string,
    target: string,
    detail: Record<string, unknown> = {}
  ) =>
    auditSentence(
      {
        id: 1,
        at,
        actor,
        kind: action.split('.')[0],
        action,
        target,
        detail
      } as IAuditEvent,
      nullTranslator.load('x')
    );

  it('reads each event as a sentence', () => {
    expect(say('invitation.accept', 'ann', 'ann', { invited_by: 'boss' })).toBe(
      'ann accepted the invitation of boss'
    );
    expect(say('invitation.create', 'boss', 'vera', { sign_in: true })).toBe(
      'boss made a sign-in link for vera'
    );
    expect(
      say('invitation.accept', 'vera', 'vera', {
        invited_by: 'boss',
        sign_in: true,
        password_changed: true
      })
    ).toBe('vera signed in with a link from boss and chose a new password');
    expect(
      say('role.assign', 'boss', 'dev', { users: ['vera'], groups: ['team'] })
    ).toBe('boss gave role dev to vera and groups team');
    expect(
      say('request.denied', 'vera', 'PUT /api/contents/x', {
        missing_scope: 'write:contents'
      })
    ).toBe('vera was refused PUT /api/contents/x: it needs write:contents');
    expect(say('user.password', 'ann', 'ann')).toBe(
      'ann changed their password'
    );
    expect(say('token.create', 'boss', 'vera')).toBe(
      'boss made a token for vera'
    );
    expect(
      say('share.create', 'ann', 'home/ann', { user: 'bob', role: 'editor' })
    ).toBe('ann shared home/ann with bob as editor');
    expect(say('share.delete', 'ann', 'home/ann', { group: 'class' })).toBe(
      'ann stopped sharing home/ann with group class'
    );
    expect(say('something.new', 'boss', 'x')).toBe('boss something.new x');
  });
});
