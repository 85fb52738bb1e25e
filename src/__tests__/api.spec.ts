/**
 * @jest-environment node
 */
import { ServerConnection } from '@jupyterlab/services';

import { RBACClient, RBACError } from '../api';
import { ALICE } from './fixtures';

const BASE_URL = 'http://localhost:8888/lab-base/';

/**
 * A client whose every request is answered by `answer`, and the requests it saw.
 */
function fakeClient(answer: (request: Request) => Response): {
  client: RBACClient;
  requests: Request[];
} {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL): Promise<Response> => {
    const request = input as Request;
    requests.push(request);
    return answer(request);
  };
  const settings = ServerConnection.makeSettings({
    baseUrl: BASE_URL,
    wsUrl: 'ws://localhost:8888/lab-base/',
    token: 'secret',
    fetch
  });
  return { client: new RBACClient(settings), requests };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' }
  });
}

describe('RBACClient.me', () => {
  it('requests GET {baseUrl}api/rbac/me with the token', async () => {
    const { client, requests } = fakeClient(() => json(ALICE));

    await client.me();

    expect(requests).toHaveLength(1);
    expect(requests[0].method).toBe('GET');
    // ServerConnection adds a cache-busting query (`cache: 'no-store'`).
    const url = new URL(requests[0].url);
    expect(url.origin + url.pathname).toBe(`${BASE_URL}api/rbac/me`);
    expect(requests[0].headers.get('Authorization')).toBe('token secret');
  });

  it('returns the parsed user', async () => {
    const { client } = fakeClient(() => json(ALICE));

    await expect(client.me()).resolves.toEqual(ALICE);
  });

  it("raises an RBACError carrying the server's message and the missing scope", async () => {
    const { client } = fakeClient(() =>
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
    const { client } = fakeClient(
      () => new Response('<html>Bad gateway</html>', { status: 502 })
    );

    const error = (await client.me().catch((e: unknown) => e)) as RBACError;

    expect(error).toBeInstanceOf(RBACError);
    expect(error.message).toContain('502');
    expect(error.missingScope).toBeNull();
  });
});
