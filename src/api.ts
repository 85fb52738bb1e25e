/**
 * The typed client for the jupyter-rbac REST API (`/api/rbac/*`), its errors and wire types:
 * what the rest of the extension imports (the parts live in `api/`).
 */
export * from './api/types';
export { RBACError } from './api/errors';
export { RBACClient } from './api/client';
