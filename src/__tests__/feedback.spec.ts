/**
 * @jest-environment node
 */
import { saveWithRetry, IFeedback } from '../feedback';
import { answeringClient, json, role } from './http';

function feedbackAnswering(retry: boolean): IFeedback & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    success: () => undefined,
    error: () => undefined,
    confirm: async () => true,
    retryAfterConflict: async what => {
      asked.push(what);
      return retry;
    }
  };
}

describe('saveWithRetry', () => {
  it('after a 412, reloads and sends the change computed from the new version', async () => {
    let version = 1;
    const { client, seen } = answeringClient(request => {
      if (request.method === 'GET') {
        return json(
          role('dev', {
            etag: `"1.1.${version}"`,
            scopes: ['read:contents', 'read:kernels']
          })
        );
      }
      if (request.headers.get('If-Match') !== `"1.1.${version}"`) {
        return json({ message: 'The role changed since you read it' }, 412);
      }
      return json(
        role('dev', { scopes: (request.body as { scopes: string[] }).scopes })
      );
    });
    version = 2; // somebody else saved meanwhile
    const feedback = feedbackAnswering(true);
    const start = role('dev');

    const saved = await saveWithRetry(
      'Role dev',
      start,
      current =>
        client.updateRole(
          'dev',
          { scopes: [...current.scopes, 'write:contents'] },
          current.etag
        ),
      () => client.role('dev'),
      feedback
    );

    expect(feedback.asked).toEqual(['Role dev']);
    expect(
      seen.map(r => `${r.method} ${r.headers.get('If-Match') ?? ''}`)
    ).toEqual(['PATCH "1.1.1"', 'GET ', 'PATCH "1.1.2"']);
    // their change (read:kernels) is kept, ours added on top
    expect(saved?.scopes).toEqual([
      'read:contents',
      'read:kernels',
      'write:contents'
    ]);
  });

  it('gives up without saving when the person declines', async () => {
    const { client, seen } = answeringClient(() =>
      json({ message: 'stale' }, 412)
    );
    const saved = await saveWithRetry(
      'Role dev',
      role('dev'),
      current => client.updateRole('dev', { description: 'x' }, current.etag),
      () => client.role('dev'),
      feedbackAnswering(false)
    );
    expect(saved).toBeNull();
    expect(seen).toHaveLength(1);
  });

  it('lets other refusals through to the caller', async () => {
    const { client } = answeringClient(() =>
      json(
        {
          message: 'you need the scope write:roles',
          missing_scope: 'write:roles'
        },
        403
      )
    );
    await expect(
      saveWithRetry(
        'Role dev',
        role('dev'),
        current => client.updateRole('dev', {}, current.etag),
        () => client.role('dev'),
        feedbackAnswering(true)
      )
    ).rejects.toThrow('you need the scope write:roles');
  });
});
