/**
 * Shared test data: the current user as `GET /api/rbac/me` describes them.
 */
import { IMe } from '../api';

export const ALICE: IMe = {
  name: 'alice',
  display_name: 'Alice',
  roles: ['user', 'viewer'],
  groups: ['analyst'],
  scopes: ['read:contents', 'read:lab'],
  can: { start_kernels: false }
};
