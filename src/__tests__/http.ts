/**
 * A client whose requests are answered by a function of the test, and the requests it saw:
 * the network is the only part replaced.
 */
import { ServerConnection } from '@jupyterlab/services';

import { RBACClient } from '../api';

export const BASE_URL = 'http://localhost:8888/lab-base/';

export interface ISeenRequest {
  method: string;
  /** Path under `{baseUrl}api/rbac/`, without the cache-busting parameter. */
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

export function answeringClient(
  answer: (request: ISeenRequest) => Response | Promise<Response>
): {
  client: RBACClient;
  seen: ISeenRequest[];
} {
  const seen: ISeenRequest[] = [];
  const fetch = async (
    input: RequestInfo | URL,
    init?: RequestInit
  ): Promise<Response> => {
    const request =
      input instanceof Request ? input : new Request(String(input), init);
    const url = new URL(request.url);
    const query = new URLSearchParams(url.search);
    // ServerConnection adds a numeric cache-busting parameter (`?1796...`); drop it.
    const cacheBusters: string[] = [];
    query.forEach((_, key) => /^\d+$/.test(key) && cacheBusters.push(key));
    cacheBusters.forEach(key => query.delete(key));
    const text = await request.text();
    const seenRequest: ISeenRequest = {
      method: request.method,
      path: url.pathname.replace(new URL(BASE_URL).pathname + 'api/rbac/', ''),
      query,
      headers: request.headers,
      body: text ? JSON.parse(text) : undefined
    };
    seen.push(seenRequest);
    return answer(seenRequest);
  };
  const settings = ServerConnection.makeSettings({
    baseUrl: BASE_URL,
    wsUrl: 'ws://localhost:8888/lab-base/',
    token: 'secret',
    fetch
  });
  return { client: new RBACClient(settings), seen };
}

export function json(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {}
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers }
  });
}

export function role(
  name: string,
  extra: Partial<Record<string, unknown>> = {}
) {
  return {
    name,
    description: '',
    scopes: ['read:contents'],
    builtin: false,
    managed_by: null,
    users: [],
    groups: [],
    editable: true,
    deletable: true,
    revision: 1,
    created_at: '2026-11-30T00:00:00Z',
    updated_at: '2026-11-30T00:00:00Z',
    etag: `"1.1.1"`,
    ...extra
  };
}
