"""The policy as YAML: export, import (checked whole, applied in one transaction), and
`c.RBAC.policy_file`, on real SQLite files and a real PostgreSQL."""

from __future__ import annotations

import itertools

import pytest
import yaml

from jupyter_rbac.errors import Conflict, InvalidInput
from jupyter_rbac.model import Catalog
from jupyter_rbac.services import Actor, Changes, RBACService
from jupyter_rbac.services.policy_document import export_policy, import_policy, plan_import
from jupyter_rbac.services.policy_file import dump, load_policy_file, parse, read
from jupyter_rbac.store import Store

from .support.markers import POSTGRESQL

SOMEONE = Actor.system("test")
_databases = itertools.count()


@pytest.fixture
def open_service(request, tmp_path):
    """Opens fresh policy databases: SQLite files, or PostgreSQL when parametrized (indirect)."""
    backend = getattr(request, "param", "sqlite")
    stores: list[Store] = []

    def open_one(first_admin: str = "boss") -> RBACService:
        number = next(_databases)
        if backend == "postgresql":
            url = request.getfixturevalue("postgres").create_database(f"rbac_file_{number}")
        else:
            url = f"sqlite:///{tmp_path / f'policy{number}.sqlite'}"
        stores.append(Store.open(url))
        service = RBACService(stores[-1], Catalog())
        service.ensure_defaults()
        service.bootstrap_first_admin(first_admin)
        return service

    yield open_one
    for store in stores:
        store.close()


@pytest.fixture
def service(open_service) -> RBACService:
    return open_service()


def build_rich_policy(service: RBACService) -> None:
    """Every feature of the format: filtered and templated scopes, groups holding roles, display
    names, descriptions that need quoting, names YAML would otherwise read as numbers or booleans."""
    for name, display in (
        ("vera", "Vera Rubin"),
        ("ada", "Ada Lovelace: 'the first'"),
        ("1", ""),
        ("yes", "Ja"),
    ):
        service.create_user(SOMEONE, name, display_name=display)
    service.create_group(SOMEONE, "lab-a", "Lab A\nsecond line", members=["vera", "1"])
    service.create_group(SOMEONE, "null", "", members=["yes"])
    service.create_role(
        SOMEONE,
        "course-staff",
        [
            "write:contents!path=course/**",
            "read:contents",
            "write:contents!path=home/{user}/**",
            "write:contents!path=shared/{group}/**",
            "execute:kernels!user={user}",
            "read:users!group=lab-a",
        ],
        "Teaching assistants — ünïcode, # not a comment",
        users=["ada"],
        groups=["lab-a", "null"],
    )
    service.update_role(SOMEONE, "viewer", Changes(users=["vera"], groups=["null"]))
    service.store.create_token("vera")


def test_the_export_is_the_documented_format_sorted_and_without_tokens(service):
    build_rich_policy(service)
    document = export_policy(service.store)
    assert list(document) == ["version", "roles", "groups", "users", "shares"]
    assert document["version"] == 1 and document["shares"] == []
    for section in ("roles", "groups", "users"):
        names = [entry["name"] for entry in document[section]]
        assert names == sorted(names)
    roles = {role["name"]: role for role in document["roles"]}
    assert roles["course-staff"] == {
        "name": "course-staff",
        "description": "Teaching assistants — ünïcode, # not a comment",
        "scopes": [  # the role's own order
            "write:contents!path=course/**",
            "read:contents",
            "write:contents!path=home/{user}/**",
            "write:contents!path=shared/{group}/**",
            "execute:kernels!user={user}",
            "read:users!group=lab-a",
        ],
        "users": ["ada"],
        "groups": ["lab-a", "null"],
    }
    assert {
        "name": "lab-a",
        "description": "Lab A\nsecond line",
        "members": ["1", "vera"],
    } in document["groups"]
    assert {"name": "1", "display_name": "1"} in document["users"]
    text = dump(document)
    assert "token" not in text and "rbac_" not in text
    assert parse(text) == document  # "1", "yes" and "null" stay strings


@pytest.mark.parametrize("open_service", ["sqlite", POSTGRESQL], indirect=True)
def test_export_import_export_is_exact(open_service):
    source = open_service()
    build_rich_policy(source)
    exported = dump(export_policy(source.store))

    target = open_service(first_admin="someone-else")
    import_policy(target.store, parse(exported), "test", "a.yaml")
    assert dump(export_policy(target.store)) == exported

    again = import_policy(target.store, parse(exported), "test", "a.yaml")
    assert again.empty


def test_import_makes_the_policy_exactly_the_files(open_service):
    target = open_service(first_admin="boss")
    target.create_user(SOMEONE, "leaver", roles=["editor"], groups=["developer"])
    _, leavers_token = target.store.create_token("leaver")
    target.create_role(SOMEONE, "obsolete", ["read:contents"], users=["leaver"])
    target.create_group(SOMEONE, "old-team", members=["leaver"])

    document = {
        "version": 1,
        "roles": [
            {
                "name": "admin",
                "description": target.store.get_role("admin").description,
                "scopes": ["all"],
                "users": ["boss"],
            },
            {
                "name": "editor",
                "scopes": ["write:contents"],
                "users": ["newcomer"],
                "groups": ["team"],
            },
            {"name": "reader", "scopes": ["read:contents!path=docs/**"], "groups": ["team"]},
        ],
        "groups": [{"name": "team", "members": ["newcomer"]}],
        "users": [{"name": "boss"}, {"name": "newcomer", "display_name": "New Comer"}],
    }
    plan = import_policy(target.store, document, "test", "doc")

    assert plan.roles.added == ("reader",) and plan.roles.removed == ("obsolete",)
    assert plan.users.removed == ("leaver",) and plan.users.added == ("newcomer",)
    assert set(plan.groups.removed) == {"admin", "analyst", "developer", "old-team"}
    store = target.store
    assert [u.name for u in store.list_users()] == ["boss", "newcomer"]
    assert store.identify_token(leavers_token) is None  # users removed lose their tokens
    editor = store.get_role("editor")
    assert (editor.scopes, editor.users, editor.groups) == (
        ["write:contents"],
        ["newcomer"],
        ["team"],
    )
    assert store.get_user("newcomer").display_name == "New Comer"
    # default roles the file leaves out are kept, as they were, held by nobody
    roles = {role.name: role for role in store.list_roles()}
    assert set(roles) == {
        "admin", "analyst", "developer", "editor", "reader", "runner", "user", "viewer"
    }  # fmt: skip
    assert (
        roles["analyst"].builtin
        and roles["analyst"].groups == []
        and "execute:kernels!user={user}" in roles["analyst"].scopes
    )
    assert roles["admin"].users == ["boss"] and roles["admin"].groups == []


def etags(store: Store) -> dict[str, str]:
    """The ETags of the records the test below looks at."""
    users = {name: store.get_user(name).etag for name in ("ann", "bob")}
    roles = {name: store.get_role(name).etag for name in ("reader", "viewer")}
    return {**users, "team": store.get_group("team").etag, **roles}


def test_an_import_moves_on_the_etag_of_what_it_changes_and_of_nothing_else(open_service):
    """An administrator's form holds a record's ETag: an import that changed the record (its
    fields, or only who holds it) makes that ETag stale; one that left it alone does not."""
    service = open_service()
    service.create_user(SOMEONE, "ann", display_name="Ann")
    service.create_user(SOMEONE, "bob", display_name="Bob")
    service.create_group(SOMEONE, "team", members=["ann"])
    service.create_role(SOMEONE, "reader", ["read:contents"], users=["ann"])
    store = service.store
    before = etags(store)
    document = export_policy(store)
    for role in document["roles"]:
        if role["name"] == "reader":
            role["users"] = ["bob"]  # only who holds it: the role, ann and bob change
    for user in document["users"]:
        if user["name"] == "ann":
            user["display_name"] = "Ann Lee"
    plan = import_policy(store, document, "test", "doc")
    assert (plan.roles.changed, plan.users.changed, plan.groups.changed) == (
        ("reader",),
        ("ann", "bob"),
        (),
    )
    after = etags(store)
    assert {name for name in before if before[name] != after[name]} == {"ann", "bob", "reader"}
    assert store.get_user("ann").display_name == "Ann Lee"
    assert store.get_role("reader").users == ["bob"]


def test_an_import_is_one_audited_change_that_other_processes_see(service, tmp_path):
    other = Store.open(service.store.engine.url.render_as_string(hide_password=False))
    try:
        other.changed()
        version = service.store.version()
        document = export_policy(service.store)
        document["users"].append({"name": "zoe", "display_name": "Zoe"})
        import_policy(service.store, document, "cli:tester", "/tmp/p.yaml")
        assert service.store.version() == version + 1
        assert other.changed() and other.user_exists("zoe")
        [event] = other.audit_events(1)
        assert (event["actor"], event["action"], event["target"]) == (
            "cli:tester",
            "policy.import",
            "/tmp/p.yaml",
        )
        assert event["detail"]["users"] == {"added": ["zoe"], "removed": [], "changed": []}
    finally:
        other.close()


def test_unchanged_records_keep_their_revision(service):
    build_rich_policy(service)
    before = {role.name: role.revision for role in service.store.list_roles()}
    document = export_policy(service.store)
    next(r for r in document["roles"] if r["name"] == "course-staff")["scopes"].append(
        "read:nbconvert"
    )
    plan = import_policy(service.store, document, "test", "doc")
    after = {role.name: role.revision for role in service.store.list_roles()}
    assert plan.roles.changed == ("course-staff",)
    assert after["course-staff"] > before["course-staff"]
    assert {k: v for k, v in after.items() if k != "course-staff"} == {
        k: v for k, v in before.items() if k != "course-staff"
    }


def test_a_dry_run_plans_without_writing(service):
    version = service.store.version()
    document = export_policy(service.store)
    document["roles"].append({"name": "new", "scopes": ["read:lab"], "users": ["boss"]})
    plan = plan_import(service.store, document)
    assert plan.roles.added == ("new",) and plan.users.changed == ("boss",)
    assert service.store.version() == version
    assert not any(role.name == "new" for role in service.store.list_roles())


def _unchanged(service: RBACService, act) -> None:
    """`act` fails and the database is as it was, to the byte and the version."""
    before, version = dump(export_policy(service.store)), service.store.version()
    act()
    assert (dump(export_policy(service.store)), service.store.version()) == (before, version)


def _without_holders(document: dict, role: str) -> dict:
    for entry in document["roles"]:
        if entry["name"] == role:
            entry["users"], entry["groups"] = [], []
    return document


@pytest.mark.parametrize("open_service", ["sqlite", POSTGRESQL], indirect=True)
def test_an_import_that_leaves_no_administrator_changes_nothing(open_service):
    service = open_service()
    build_rich_policy(service)
    document = _without_holders(export_policy(service.store), "admin")
    document["users"].append({"name": "would-be-added"})

    def attempt():
        with pytest.raises(Conflict, match="nobody with the 'admin' role"):
            import_policy(service.store, document, "test", "doc")
        with pytest.raises(Conflict, match="nobody with the 'admin' role"):
            plan_import(service.store, document)

    _unchanged(service, attempt)
    # leaving `admin` out of the file keeps the role, held by nobody: refused too
    document["roles"] = [role for role in document["roles"] if role["name"] != "admin"]
    _unchanged(
        service, lambda: pytest.raises(Conflict, import_policy, service.store, document, "t", "doc")
    )


def test_an_administrator_through_a_group_is_enough(service):
    document = _without_holders(export_policy(service.store), "admin")
    next(r for r in document["roles"] if r["name"] == "admin")["groups"] = ["admin"]
    next(g for g in document["groups"] if g["name"] == "admin")["members"] = ["boss"]
    import_policy(service.store, document, "test", "doc")
    assert service.store.get_group("admin").members == ["boss"]


def _edit(document: dict, section: str, name: str, **fields) -> dict:
    next(entry for entry in document[section] if entry["name"] == name).update(fields)
    return document


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda d: {**d, "version": 2}, "version: 2 is not a version"),
        (lambda d: {**d, "tokens": []}, "unknown keys ['tokens']"),
        (lambda d: {**d, "roles": {"x": {}}}, "roles: a list of entries"),
        (lambda d: {**d, "roles": [*d["roles"], "reader"]}, "roles[8]: an entry is a mapping"),
        (
            lambda d: {**d, "roles": [*d["roles"], {"name": "x", "scope": []}]},
            "roles[x]: unknown fields ['scope']",
        ),
        (
            lambda d: {**d, "roles": [*d["roles"], {"scopes": []}]},
            "roles[8].name: invalid role name None",
        ),
        (
            lambda d: {**d, "users": [*d["users"], {"name": "../x"}]},
            "users[../x].name: invalid user name",
        ),
        (lambda d: {**d, "users": [*d["users"], {"name": "boss"}]}, "users[boss]: declared twice"),
        (
            lambda d: _edit(d, "roles", "viewer", scopes=["read:nope"]),
            "roles[viewer].scopes: invalid scope 'read:nope': unknown resource 'nope'",
        ),
        (lambda d: _edit(d, "roles", "viewer", scopes="read:lab"), "roles[viewer].scopes: a list"),
        (
            lambda d: _edit(d, "roles", "viewer", scopes=["read:lab", "read:lab"]),
            "roles[viewer].scopes: listed twice",
        ),
        (
            lambda d: _edit(d, "roles", "viewer", users=["ghost"]),
            "roles[viewer].users: 'ghost' is not declared under users:",
        ),
        (
            lambda d: _edit(d, "roles", "viewer", groups=["ghosts"]),
            "roles[viewer].groups: 'ghosts' is not declared under groups:",
        ),
        (
            lambda d: _edit(d, "groups", "lab-a", members=["ghost"]),
            "groups[lab-a].members: 'ghost' is not declared under users:",
        ),
        (
            lambda d: _edit(d, "groups", "lab-a", description=["x"]),
            "groups[lab-a].description: a string",
        ),
        (
            lambda d: _edit(d, "users", "vera", display_name="two\nlines"),
            "users[vera].display_name: a single line",
        ),
        (
            lambda d: _edit(d, "roles", "course-staff", description="x" * 2001),
            "at most 2000 characters",
        ),
    ],
)
def test_a_bad_document_is_refused_whole_naming_entry_and_field(service, change, message):
    build_rich_policy(service)
    valid = export_policy(service.store)
    valid["users"].insert(0, {"name": "first-in-file"})  # fine alone: it must not be applied either
    document = change(valid)

    def attempt():
        with pytest.raises(InvalidInput) as raised:
            import_policy(service.store, document, "test", "doc")
        assert message in raised.value.message

    _unchanged(service, attempt)


@pytest.mark.parametrize(
    "field,value", [("scopes", ["read:lab"]), ("description", "Runs the place.")]
)
def test_what_the_admin_role_means_cannot_change(service, field, value):
    """The one rule of `admin`, as the API and `load_roles` apply it: only who holds it changes."""
    document = _edit(export_policy(service.store), "roles", "admin", **{field: value})

    def attempt():
        with pytest.raises(
            Conflict, match=rf"roles\[admin\].{field}: the 'admin' role's {field} cannot change"
        ):
            import_policy(service.store, document, "t", "doc")

    _unchanged(service, attempt)
    holders = _edit(export_policy(service.store), "roles", "admin", users=["ann", "boss"])
    holders["users"].append({"name": "ann", "display_name": "Ann"})
    import_policy(service.store, holders, "t", "doc")
    assert service.store.get_role("admin").users == ["ann", "boss"]


def test_config_managed_roles_stay_as_config_declares_them(service):
    service.load_roles([{"name": "course", "scopes": ["read:contents"], "users": ["ta"]}])
    changed = _edit(export_policy(service.store), "roles", "course", scopes=["write:contents"])
    with pytest.raises(Conflict, match=r"roles\[course\]: managed by the server's configuration"):
        import_policy(service.store, changed, "t", "doc")
    left_out = export_policy(service.store)
    left_out["roles"] = [role for role in left_out["roles"] if role["name"] != "course"]
    import_policy(service.store, left_out, "t", "doc")
    course = service.store.get_role("course")
    assert (course.managed_by, course.scopes, course.users) == ("config", ["read:contents"], [])


# -- YAML --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,message",
    [
        ("roles: [\n", "not valid YAML at line 2, column 1"),
        ("roles: []\nroles: []\n", "at line 2, column 1: the key 'roles' is written twice"),
        ("roles:\n- name: x\n  name: y\n", "the key 'name' is written twice"),
        ("a: !!python/object:os.system x\n", "not valid YAML"),
    ],
)
def test_yaml_mistakes_are_reported_with_their_line(text, message):
    with pytest.raises(InvalidInput, match=message):
        parse(text)


def test_reading_a_file_names_it(tmp_path):
    with pytest.raises(InvalidInput, match="nowhere.yaml: no such file"):
        read(str(tmp_path / "nowhere.yaml"))
    (tmp_path / "bad.yaml").write_text("version: [")
    with pytest.raises(InvalidInput, match=r"bad\.yaml: not valid YAML"):
        read(str(tmp_path / "bad.yaml"))


# -- c.RBAC.policy_file --------------------------------------------------------------------------

POLICY_FILE = """\
roles:
- name: course-staff
  description: Teaching assistants
  scopes: [read:contents, "write:contents!path=course/**"]
  users: [ta1]
  groups: [tas]
- name: auditors
  scopes: [read:audit]
users:
- name: ta1
"""


def test_a_policy_file_gives_load_roles_entries(tmp_path):
    path = tmp_path / "roles.yaml"
    path.write_text(POLICY_FILE)
    assert load_policy_file(str(path)) == [
        {
            "name": "auditors",
            "description": "",
            "scopes": ["read:audit"],
            "users": [],
            "groups": [],
        },
        {
            "name": "course-staff",
            "description": "Teaching assistants",
            "scopes": ["read:contents", "write:contents!path=course/**"],
            "users": ["ta1"],
            "groups": ["tas"],  # no `groups:` section: not checked against one
        },
    ]
    assert load_policy_file("") == []


def test_policy_file_roles_are_managed_by_config(service, tmp_path):
    path = tmp_path / "roles.yaml"
    path.write_text(POLICY_FILE)
    service.load_roles(load_policy_file(str(path)))
    staff = service.store.get_role("course-staff")
    assert (staff.managed_by, staff.users, staff.groups) == ("config", ["ta1"], ["tas"])
    with pytest.raises(Conflict, match="managed by the server's configuration"):
        service.update_role(SOMEONE, "course-staff", Changes(scopes=["read:lab"]))


@pytest.mark.parametrize(
    "text,message",
    [
        ("roles: [", "not valid YAML"),
        (
            "roles:\n- name: x\n  scopes: [read:nope]\n",
            "roles[x].scopes: invalid scope 'read:nope': unknown resource 'nope'",
        ),
        (
            "roles:\n- name: admin\n  scopes: [all]\n",
            "roles[admin]: the 'admin' role cannot be redefined",
        ),
        (
            "roles:\n- name: x\n  users: [u]\nusers: []\n",
            "roles[x].users: 'u' is not declared under users:",
        ),
        (
            "roles: []\ngroups:\n- name: g\n  members: [u]\nusers: [{name: u}]\n",
            "groups[g].members: is only applied by",
        ),
        (
            "roles: []\nusers:\n- {name: u, display_name: You}\n",
            "users[u].display_name: is only applied by",
        ),
        ("version: 2\nroles: []\n", "version: 2"),
    ],
)
def test_a_bad_policy_file_says_which_file_and_entry(tmp_path, text, message):
    path = tmp_path / "roles.yaml"
    path.write_text(text)
    with pytest.raises(InvalidInput) as raised:
        load_policy_file(str(path))
    assert raised.value.message.startswith(f"c.RBAC.policy_file {path}: ")
    assert message in raised.value.message


def test_a_missing_policy_file_is_an_error(tmp_path):
    with pytest.raises(InvalidInput, match=r"c\.RBAC\.policy_file .*missing\.yaml: no such file"):
        load_policy_file(str(tmp_path / "missing.yaml"))


def test_dump_is_plain_yaml(service):
    text = dump(export_policy(service.store))
    assert text.startswith("version: 1\nroles:\n- name: admin\n")
    assert yaml.safe_load(text) == export_policy(service.store)
