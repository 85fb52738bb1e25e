/**
 * @jest-environment node
 */
import { ServerConnection } from '@jupyterlab/services';

import { RBACError } from '../api';
import { ALICE, draftPart, scopePart } from './fixtures';
import { answeringClient, json } from './http';

describe('RBACClient.me', () => {
  it('requests GET {baseUrl}api/rbac/me with the token', async () => {
    const { client, seen } = answeringClient(() => json(ALICE));

    await client.me();

    expect(seen).toHaveLength(1);
    expect(seen[0].method).toBe('GET');
    expect(seen[0].path).toBe('me'); // under {baseUrl}api/rbac/
    expect(seen[0].headers.get('Authorization')).toBe('token secret');
  });

  it('returns the parsed user', async () => {
    const { client } = answeringClient(() => json(ALICE));

    await expect(client.me()).resolves.toEqual(ALICE);
  });

  it("raises an RBACError carrying the server's message and the missing scope", async () => {
    const { client } = answeringClient(() =>
      json(
        {
          message: 'Forbidden: you need read:users to do this',
          missing_scope: 'read:users'
        },
        403
      )
    );

    const error = await client.me().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RBACError);
    expect(error).toBeInstanceOf(ServerConnection.ResponseError);
    const rbacError = error as RBACError;
    expect(rbacError.message).toContain(
      'Forbidden: you need read:users to do this'
    );
    expect(rbacError.missingScope).toBe('read:users');
    expect(rbacError.status).toBe(403);
  });

  it('falls back to the status when the error body is not JSON', async () => {
    const { client } = answeringClient(
      () => new Response('<html>Bad gateway</html>', { status: 502 })
    );

    const error = (await client.me().catch((e: unknown) => e)) as RBACError;

    expect(error).toBeInstanceOf(RBACError);
    expect(error.message).toContain('502');
    expect(error.missingScope).toBeNull();
  });
});

describe('RBACClient.scopeParts', () => {
  it('asks for each scope in order, one `scope` argument each, and returns the parts', async () => {
    const part = draftPart(
      scopePart('read', 'contents', { name: 'path', value: 'a&b?/**' })
    );
    const { client, seen } = answeringClient(() =>
      json({ parts: [part, part] })
    );

    await expect(
      client.scopeParts(['read:contents!path=a&b?/**', 'read:lab'])
    ).resolves.toEqual([part, part]);

    expect(seen.map(request => [request.path, request.method])).toEqual([
      ['scopes/parts', 'GET']
    ]);
    expect(seen[0].query.getAll('scope')).toEqual([
      'read:contents!path=a&b?/**',
      'read:lab'
    ]);
  });

  it('asks nothing for no scopes', async () => {
    const { client, seen } = answeringClient(() => json({ parts: [] }));

    await expect(client.scopeParts([])).resolves.toEqual([]);
    expect(seen).toHaveLength(0);
  });
});
