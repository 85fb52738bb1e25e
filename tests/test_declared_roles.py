"""What configuration declares, reconciled through the import's one-transaction replace, on real
SQLite files and a real PostgreSQL: the database records which holdings configuration gave (so a
later start takes back exactly those), a start that changes nothing writes nothing, and the
upgrade that brought the record reads what earlier versions' starts gave from the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from jupyter_rbac.errors import Conflict
from jupyter_rbac.model import Catalog
from jupyter_rbac.services import RBACService
from jupyter_rbac.services.policy_document import export_policy, import_policy
from jupyter_rbac.store import Store, open_engine

from .support.migrations import migrate


@pytest.fixture
def service(db_url):
    store = Store.open(db_url)
    service = RBACService(store, Catalog())
    service.ensure_defaults()
    service.bootstrap_first_admin("boss")
    yield service
    store.close()


def audit_by_config(service: RBACService) -> list:
    return service.store.page_audit(actor="config", limit=100).items


def test_a_later_start_takes_back_only_what_configuration_gave(service):
    service.store.create_user("rex")
    service.store.assign_role("viewer", users=["rex"], actor="boss")  # given at runtime
    service.load_roles([{"name": "viewer", "users": ["val", "rex"], "groups": ["readers"]}])
    assert service.store.get_role("viewer").users == ["rex", "val"]
    (start,) = audit_by_config(service)
    assert (start.action, start.target) == ("policy.import", "c.RBAC.load_roles")
    assert start.detail["users"]["added"] == ["val"]  # created, as JupyterHub's load_roles does
    given = start.detail["holdings"]["given"]
    assert given == [{"role": "viewer", "group": "readers"}, {"role": "viewer", "user": "val"}]

    taken = service.load_roles([])
    assert {(t.role, t.kind, t.name) for t in taken} == {
        ("viewer", "group", "readers"),
        ("viewer", "user", "val"),
    }
    viewer = service.store.get_role("viewer")
    assert (viewer.users, viewer.groups) == (["rex"], [])  # rex was the administrator's grant
    assert service.store.user_exists("val") and service.store.group_exists("readers")


def test_a_holding_granted_again_at_runtime_is_not_configurations_to_take(service):
    service.load_roles([{"name": "viewer", "users": ["val"]}])
    service.store.assign_role("viewer", users=["val"], actor="boss")  # held already: now boss's
    assert service.load_roles([]) == []
    assert service.store.get_role("viewer").users == ["val"]


def test_an_import_makes_every_holding_the_importers(service):
    service.load_roles([{"name": "course", "scopes": ["read:contents"], "users": ["ta"]}])
    import_policy(service.store, export_policy(service.store), "boss", "policy.yaml")
    assert service.load_roles([]) == []  # course is no longer defined: an ordinary role
    course = service.store.get_role("course")
    assert (course.users, course.managed_by) == (["ta"], None)


def test_a_start_that_changes_nothing_writes_nothing(service):
    declared = [{"name": "course", "scopes": ["read:contents"], "users": ["ta"], "groups": ["tas"]}]
    service.load_roles(declared)
    version, rows = service.store.version(), len(audit_by_config(service))
    assert service.load_roles(declared) == []
    assert (service.store.version(), len(audit_by_config(service))) == (version, rows)


def test_configuration_never_takes_the_last_administrator(service):
    service.load_roles([{"name": "admin", "users": ["ann"]}])
    service.store.unassign_role("admin", users=["boss"], actor="ann")
    with pytest.raises(Conflict, match="would leave nobody with the 'admin' role"):
        service.load_roles([])
    assert service.store.get_role("admin").users == ["ann"]  # nothing was written


# -- the upgrade that brought the record (migration 0006) -----------------------------------------


# An earlier version's database: config gave viewer to val, ned and group readers; an administrator
# then gave it to ned again (now theirs); an import came before all of it (the trail starts over).
_AT_0005 = (
    (
        "INSERT INTO rbac_roles (id, name, description, scopes, builtin, created_at, updated_at)"
        " VALUES (1, 'viewer', '', '[\"read:contents\"]', true, CURRENT_TIMESTAMP,"
        " CURRENT_TIMESTAMP), (2, 'admin', '', '[\"all\"]', true, CURRENT_TIMESTAMP,"
        " CURRENT_TIMESTAMP)"
    ),
    (
        "INSERT INTO rbac_users (id, name, display_name, created_at, record_key) VALUES"
        " (1, 'boss', '', CURRENT_TIMESTAMP, 'k1'), (2, 'val', '', CURRENT_TIMESTAMP, 'k2'),"
        " (3, 'ned', '', CURRENT_TIMESTAMP, 'k3')"
    ),
    "INSERT INTO rbac_groups (id, name, description, created_at) VALUES (1, 'readers', '', CURRENT_TIMESTAMP)",
    "INSERT INTO rbac_role_users (role_id, user_id) VALUES (2, 1), (1, 2), (1, 3)",
    "INSERT INTO rbac_role_groups (role_id, group_id) VALUES (1, 1)",
    (
        "INSERT INTO rbac_audit (at, actor, action, target, detail) VALUES"
        " (CURRENT_TIMESTAMP, 'config', 'role.assign', 'viewer', '{\"users\": [\"boss\"]}'),"
        " (CURRENT_TIMESTAMP, 'boss', 'policy.import', 'p.yaml', '{}'),"
        " (CURRENT_TIMESTAMP, 'config', 'role.assign', 'viewer',"
        ' \'{"users": ["val", "ned"], "groups": ["readers"]}\'),'
        " (CURRENT_TIMESTAMP, 'boss', 'role.assign', 'viewer', '{\"users\": [\"ned\"]}')"
    ),
)


def test_the_upgrade_reads_what_earlier_starts_gave_from_the_trail(db_url):
    migrate(db_url, "0005")
    engine = open_engine(db_url)
    with engine.begin() as connection:
        for statement in _AT_0005:
            connection.execute(text(statement))
    engine.dispose()
    store = Store.open(db_url)  # to the newest revision
    try:
        taken = RBACService(store, Catalog()).load_roles([])
        assert {(t.role, t.kind, t.name) for t in taken} == {
            ("viewer", "user", "val"),
            ("viewer", "group", "readers"),
        }
        viewer = store.get_role("viewer")
        assert (viewer.users, viewer.groups) == (["ned"], [])
        assert store.get_role("admin").users == ["boss"]
    finally:
        store.close()
