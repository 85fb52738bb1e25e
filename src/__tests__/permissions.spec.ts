import { IScopeCatalog } from '../api';
import { holds, mayAdminister } from '../permissions';
import { ALICE, CATALOG } from './fixtures';

describe('holds', () => {
  it('counts filtered scopes, but not those about the user alone', () => {
    expect(
      holds(
        { ...ALICE, scopes: ['read:users!user=alice', 'tokens!user=alice'] },
        CATALOG,
        'read',
        'users'
      )
    ).toBe(false);
    expect(
      mayAdminister(
        { ...ALICE, scopes: ['read:users!group=students'] },
        CATALOG
      )
    ).toBe(true);
    const may = (scopes: string[], action: 'read' | 'write', on: string) =>
      holds({ ...ALICE, scopes }, CATALOG, action, on);
    expect(may(['write:roles'], 'read', 'roles')).toBe(true);
    expect(may(['read:roles'], 'write', 'roles')).toBe(false);
    expect(may(['all'], 'write', 'audit')).toBe(true);
    expect(may(['groups'], 'write', 'groups')).toBe(true);
    expect(
      may(['custom:jupyter_server:write:users!group=x'], 'read', 'users')
    ).toBe(true);
  });

  it('takes what a scope grants from the catalog, not from rules of its own', () => {
    // A server whose `write:roles` grants nothing more: the panel believes it.
    const catalog: IScopeCatalog = {
      ...CATALOG,
      scopes: CATALOG.scopes.map(entry =>
        entry.scope === 'write:roles' ? { ...entry, implies: [] } : entry
      )
    };
    expect(
      holds({ ...ALICE, scopes: ['write:roles'] }, catalog, 'read', 'roles')
    ).toBe(false);
    expect(
      holds({ ...ALICE, scopes: ['write:roles'] }, catalog, 'write', 'roles')
    ).toBe(true);
    // A scope the catalog does not know grants nothing.
    expect(
      holds({ ...ALICE, scopes: ['write:nothing'] }, CATALOG, 'read', 'nothing')
    ).toBe(false);
  });
});
