import { holds, mayAdminister } from '../permissions';
import { ALICE, NOTHING_BEYOND_SELF } from './fixtures';

describe('holds', () => {
  it("looks up the server's `beyond_self`, and reads no scope itself", () => {
    // Scopes that would grant everything, but the server says no: the panel believes it.
    const told = {
      ...ALICE,
      scopes: ['all'],
      beyond_self: NOTHING_BEYOND_SELF
    };
    expect(holds(told, 'read_roles')).toBe(false);
    expect(mayAdminister(told)).toBe(false);
    // No scope at all, but the server says yes.
    const allowed = {
      ...ALICE,
      scopes: [],
      scope_parts: [],
      beyond_self: {
        ...NOTHING_BEYOND_SELF,
        read_users: true,
        write_roles: true
      }
    };
    expect(mayAdminister(allowed)).toBe(true);
    expect(holds(allowed, 'write_roles')).toBe(true);
    expect(holds(allowed, 'read_roles')).toBe(false);
    expect(holds(allowed, 'read_audit')).toBe(false);
  });
});
