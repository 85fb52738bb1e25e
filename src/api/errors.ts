/**
 * The errors of the jupyter-rbac API, as the client throws them.
 */
import { ServerConnection } from '@jupyterlab/services';

import type { IErrorBody } from './types';

/**
 * An error answered by the jupyter-rbac API.
 *
 * `message` is the server's message; `missingScope` names the scope that was
 * missing when the server answered 403, and is `null` otherwise.
 */
export class RBACError extends ServerConnection.ResponseError {
  constructor(
    response: Response,
    message: string,
    readonly missingScope: string | null = null
  ) {
    super(response, message);
    this.name = 'RBACError';
  }

  /** The HTTP status of the response. */
  get status(): number {
    return this.response.status;
  }
}

/**
 * Build an `RBACError` from an error response, keeping the server's message.
 */
export async function errorFromResponse(
  response: Response
): Promise<RBACError> {
  let body: IErrorBody = {};
  try {
    body = (await response.json()) as IErrorBody;
  } catch {
    // Not JSON (e.g. a proxy's HTML page): fall back to the status text.
  }
  const message =
    body.message ||
    `${response.status} ${response.statusText || 'Error'}`.trim();
  return new RBACError(response, message, body.missing_scope ?? null);
}
