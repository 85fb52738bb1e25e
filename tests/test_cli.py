"""`jupyter rbac` from a shell (a real process on a real SQLite file): every command, its mistakes,
export and import, a second process seeing the changes. With a real server process:
test_cli_and_servers.py."""

from __future__ import annotations

import getpass
import json
import os
import re
import shlex
import shutil
from contextlib import contextmanager

import pytest

from jupyter_rbac.services.policy_file import dump
from jupyter_rbac.store import Store
from jupyter_rbac.store.import_export import export_policy

from .support.shell import cli

pytestmark = pytest.mark.slow  # a `jupyter rbac` process for each command, hundreds in all


def sh(db_url, line, **kwargs):
    """`cli` with the arguments written as in a shell."""
    return cli(db_url, *shlex.split(line), **kwargs)


def fails(db_url, *args, code=2, **kwargs):
    """Run a command that must fail: its exit code, and one line on stderr, never a traceback."""
    result = cli(db_url, *args, check=False, **kwargs)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


@contextmanager
def second_store(db_url):
    """The database as another process (the server, say) sees it."""
    store = Store.open(db_url)
    try:
        yield store
    finally:
        store.close()


def stored_role(db_url, name):
    with second_store(db_url) as store:
        return store.get_role(name)


def table(output):
    """The rows of a printed table, as lists of cells (split on runs of 2+ spaces)."""
    return [re.split(r"\s{2,}", line.strip()) for line in output.strip().splitlines()]


@pytest.fixture
def db_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    cli(url, "init", "--admin", "boss")
    return url


@pytest.fixture(scope="module")
def populated(tmp_path_factory):
    """A policy many tests only read (or fail to change): built once."""
    url = f"sqlite:///{tmp_path_factory.mktemp('populated') / 'cli.sqlite'}"
    cli(url, "init", "--admin", "boss")
    sh(
        url,
        "roles create reviewers --scope read:contents --scope 'write:contents!path=home/{user}/**'"
        " --description 'Review the course'",
    )
    cli(url, "groups", "create", "lab-a", "--description", "Lab A", "--member", "boss")
    sh(url, "users create vera --display-name 'Vera Rubin' --role viewer --group lab-a")
    cli(url, "grant", "reviewers", "--user", "vera", "--group", "lab-a")
    return url


def test_init_creates_the_first_admin_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'first.sqlite'}"
    first = cli(url, "init", "--admin", "boss").stdout
    assert "first administrator: boss" in first and "rbac_" in first
    assert "first administrator" not in cli(url, "init").stdout


# -- roles ---------------------------------------------------------------------------------------


def test_roles_list_and_show(populated):
    rows = table(cli(populated, "roles", "list").stdout)
    assert rows[0] == ["NAME", "KIND", "SCOPES", "USERS", "GROUPS", "DESCRIPTION"]
    assert ["reviewers", "custom", "2", "1", "1", "Review the course"] in rows
    admin = ["admin", "default", "1", "1", "1", "Everything, including administering jupyter-rbac."]
    assert admin in rows
    listed = json.loads(cli(populated, "roles", "list", "--json").stdout)
    names = {role["name"] for role in listed}
    assert names == {
        "admin", "analyst", "developer", "editor", "reviewers", "runner", "user", "viewer"
    }  # fmt: skip
    shown = cli(populated, "roles", "show", "reviewers").stdout
    assert "scopes:      read:contents\n             write:contents!path=home/{user}/**" in shown
    assert "users:       vera" in shown and "groups:      lab-a" in shown
    role = json.loads(cli(populated, "role", "show", "reviewers", "--json").stdout)
    assert (role["scopes"], role["users"], role["groups"]) == (
        ["read:contents", "write:contents!path=home/{user}/**"],
        ["vera"],
        ["lab-a"],
    )


def test_roles_create_edit_delete(db_url):
    assert (
        cli(db_url, "roles", "create", "r", "--scope", "read:lab", "--description", "R").stdout
        == "created role r\n"
    )
    cli(db_url, "roles", "edit", "r", "--add-scope", "read:contents", "--add-scope", "read:api")
    cli(db_url, "roles", "edit", "r", "--remove-scope", "read:lab", "--description", "Readers")
    r = stored_role(db_url, "r")
    assert (r.scopes, r.description) == (["read:contents", "read:api"], "Readers")
    cli(db_url, "roles", "edit", "r", "--scope", "read:nbconvert", "--scope", "read:lab")
    assert stored_role(db_url, "r").scopes == ["read:nbconvert", "read:lab"]
    assert cli(db_url, "roles", "delete", "r").stdout == "deleted role r\n"
    assert "no role named 'r'" in fails(db_url, "roles", "show", "r")


def test_grant_and_revoke_users_and_groups(db_url):
    cli(db_url, "users", "create", "ann")
    cli(db_url, "groups", "create", "team")
    granted = sh(db_url, "grant viewer --user ann --group team --group analyst").stdout
    assert granted == "granted role viewer\n"
    viewer = stored_role(db_url, "viewer")
    assert (viewer.users, viewer.groups) == (["ann"], ["analyst", "team"])
    assert cli(db_url, "revoke", "viewer", "--group", "team").stdout == "revoked role viewer\n"
    viewer = stored_role(db_url, "viewer")
    assert (viewer.users, viewer.groups) == (["ann"], ["analyst"])
    cli(db_url, "role", "assign", "editor", "--user", "ann")  # the older spelling
    assert stored_role(db_url, "editor").users == ["ann"]


# -- users and groups ----------------------------------------------------------------------------


def test_users_list_filters_and_show(populated):
    rows = table(cli(populated, "users", "list").stdout)
    assert rows == [
        ["NAME", "DISPLAY NAME", "ROLES", "GROUPS"],
        ["boss", "boss", "admin", "lab-a"],
        ["vera", "Vera Rubin", "reviewers, viewer", "lab-a"],
    ]

    def names(*filters):
        return [
            u["name"]
            for u in json.loads(cli(populated, "users", "list", "--json", *filters).stdout)
        ]

    assert names("--role", "viewer") == ["vera"]
    assert names("--group", "lab-a") == ["boss", "vera"]
    assert names("--search", "RUBIN") == ["vera"]
    assert "no group named 'nope'" in fails(populated, "users", "list", "--group", "nope")
    shown = cli(populated, "user", "show", "vera").stdout
    assert "display name: Vera Rubin" in shown
    assert "holds:        reviewers (direct, group:lab-a)\n              user (everyone)" in shown
    user = json.loads(cli(populated, "users", "show", "vera", "--json").stdout)
    assert {"name": "viewer", "via": ["direct"]} in user["effective_roles"]


def test_users_create_edit_delete(db_url):
    sh(db_url, "users create ann --display-name Ann --role editor --group analyst")
    cli(db_url, "token", "create", "ann")
    cli(db_url, "users", "edit", "ann", "--display-name", "Ann Smith")
    user = json.loads(cli(db_url, "users", "show", "ann", "--json").stdout)
    assert [user["display_name"], user["roles"], user["groups"]] == [
        "Ann Smith",
        ["editor"],
        ["analyst"],
    ]
    assert cli(db_url, "users", "delete", "ann").stdout == "deleted user ann and their tokens\n"
    assert "no user named 'ann'" in fails(db_url, "token", "list", "ann")


def test_groups_list_show_create_edit_delete(db_url):
    cli(db_url, "users", "create", "ann")
    cli(db_url, "users", "create", "ben")
    cli(db_url, "groups", "create", "team", "--description", "The team", "--member", "ann")
    sh(db_url, "groups edit team --add-member ben --remove-member ann --description 'Team B'")
    group = json.loads(cli(db_url, "groups", "show", "team", "--json").stdout)
    assert (group["members"], group["description"]) == (["ben"], "Team B")
    assert "members:     ben" in cli(db_url, "group", "show", "team").stdout
    assert ["team", "1", "-", "Team B"] in table(cli(db_url, "groups", "list").stdout)
    assert "team" in [g["name"] for g in json.loads(cli(db_url, "groups", "list", "--json").stdout)]
    cli(db_url, "groups", "delete", "team")
    assert "no group named 'team'" in fails(db_url, "groups", "show", "team")


# -- tokens --------------------------------------------------------------------------------------


def test_tokens_create_list_revoke(db_url):
    secret = sh(
        db_url, "token create boss --scope read:contents --expires-in 3600 --note 'for CI'"
    ).stdout
    assert re.fullmatch(r"rbac_\S{40,}\n", secret)  # the secret, and nothing else
    header, *rows = table(cli(db_url, "token", "list", "boss").stdout)
    assert header == ["ID", "PREFIX", "SCOPES", "CREATED", "EXPIRES", "NOTE"]
    assert [secret[:9], "read:contents"] in [row[1:3] for row in rows if row[-1] == "for CI"]
    assert ["(all of the user's)", "one-time login link printed at first start (one-time)"] in [
        [row[2], row[-1]] for row in rows
    ]
    tokens = json.loads(cli(db_url, "token", "list", "boss", "--json").stdout)
    ids = [str(token["id"]) for token in tokens if token["note"] == "for CI"]
    assert secret.strip() not in json.dumps(tokens)
    cli(db_url, "token", "revoke", "boss", ids[0])
    assert "for CI" not in cli(db_url, "token", "list", "boss").stdout


def test_invite_prints_a_single_use_link(db_url):
    result = sh(
        db_url,
        "invite ann --display-name 'Ann Lee' --role viewer --group analyst --url http://lab.example:8888/",
    )
    assert re.fullmatch(
        r"http://lab\.example:8888/rbac/invite\?code=rbacinv_[0-9a-f]{16}_\S{40,}\n", result.stdout
    )
    assert "works once" in result.stderr
    [invitation] = json.loads(cli(db_url, "invitations", "list", "--json").stdout)
    assert (invitation["username"], invitation["roles"], invitation["groups"]) == (
        "ann",
        ["viewer"],
        ["analyst"],
    )
    assert invitation["created_by"].startswith("cli:") and invitation["state"] == "pending"
    code = result.stdout.strip().split("code=")[1]
    store = Store.open(db_url)
    try:
        found, _ = store.find_invitation(code)
        assert found.id == invitation["id"]
    finally:
        store.close()
    assert "already has a pending invitation" in fails(db_url, "invite", "ann")
    assert "already exists" in fails(db_url, "invite", "boss")
    result = sh(db_url, "invite boss --sign-in --url http://lab.example:8888/")
    assert "a sign-in link for boss" in result.stderr and "rbacinv_" in result.stdout
    assert "no user named" in fails(db_url, "invite", "nobody", "--sign-in")
    links = json.loads(cli(db_url, "invitations", "list", "--json").stdout)
    [link] = [i for i in links if i["sign_in"]]
    assert link["username"] == "boss" and link["roles"] == []
    cli(db_url, "invitations", "revoke", str(link["id"]))
    assert "no role named" in fails(db_url, "invite", "carl", "--role", "nope")
    cli(db_url, "invitations", "revoke", str(invitation["id"]))
    assert json.loads(cli(db_url, "invitations", "list", "--json").stdout) == []
    assert (
        len(json.loads(cli(db_url, "invitations", "list", "--all", "--json").stdout)) == 0
    )  # revoked: gone
    assert "no invitation with id" in fails(db_url, "invitations", "revoke", str(invitation["id"]))


def test_users_passwd_and_sign_out(db_url):
    from jupyter_rbac.store import verify_password

    cli(db_url, "users", "passwd", "boss", stdin="correct horse\n")
    store = Store.open(db_url)
    try:
        assert verify_password(store.password_hash_of("boss"), "correct horse")
        epoch = store.user_record("boss").session_epoch
        cli(db_url, "users", "sign-out", "boss")
        assert store.user_record("boss").session_epoch == epoch + 1
        assert "between 8" in fails(db_url, "users", "passwd", "boss", stdin="short\n")
        cli(db_url, "users", "passwd", "boss", "--remove")
        assert store.password_hash_of("boss") is None
    finally:
        store.close()
    assert "no user named" in fails(db_url, "users", "sign-out", "nobody")


# -- check ---------------------------------------------------------------------------------------


def test_check_explains_and_exits_0_when_allowed(populated):
    result = cli(populated, "check", "vera", "write", "contents", "home/vera/notes.ipynb")
    assert result.stdout == (
        "allowed: vera may write contents at home/vera/notes.ipynb\n"
        "  role:  reviewers\n"
        "  scope: write:contents!path=home/{user}/**\n"
        "  via:   direct, group:lab-a\n"
    )
    decision = json.loads(
        cli(populated, "check", "vera", "read", "kernels", "--owner", "boss", "--json").stdout
    )
    assert decision == {
        "allowed": True,
        "granted_by": {"scope": "read:kernels", "role": "viewer", "via": ["direct"]},
        "missing_scope": None,
    }


def test_check_names_the_missing_scope_and_exits_1_when_denied(populated):
    result = cli(populated, "check", "vera", "write", "contents", "home/boss/x.py", check=False)
    assert result.returncode == 1
    assert result.stdout == (
        "denied: vera may not write contents at home/boss/x.py\n  missing scope: write:contents!path=home/boss/x.py\n"
    )
    result = cli(
        populated, "check", "vera", "execute", "kernels", "--owner", "boss", "--json", check=False
    )
    assert result.returncode == 1
    assert json.loads(result.stdout)["missing_scope"] == "execute:kernels!user=boss"


def test_check_says_where_the_code_of_a_kernel_may_reach(db_url, tmp_path):
    cli(db_url, "groups", "create", "team")
    cli(db_url, "users", "create", "rita", "--role", "runner", "--group", "team")
    result = cli(db_url, "check", "rita", "execute", "kernels")
    assert (
        "  code:  runs in a Landlock sandbox: writes in home/rita, shared/team; reads the whole"
        " served folder" in result.stdout
    )
    answer = json.loads(cli(db_url, "check", "rita", "execute", "kernels", "--json").stdout)
    assert (answer["code"]["write"], answer["code"]["read"]) == (["home/rita", "shared/team"], [""])
    assert "code" not in json.loads(
        cli(db_url, "check", "rita", "read", "kernels", "--json").stdout
    )
    config = tmp_path / "config"
    config.mkdir()
    (config / "jupyter_server_config.py").write_text('c.RBAC.sandbox = "off"\n')
    environment = {**os.environ, "JUPYTER_CONFIG_DIR": str(config)}
    result = cli(db_url, "check", "rita", "execute", "kernels", env=environment)
    assert "runs unconfined (c.RBAC.sandbox = 'off'): it can do everything" in result.stdout


# -- audit ---------------------------------------------------------------------------------------


def test_audit_filters(populated):
    rows = table(cli(populated, "audit", "--target", "vera").stdout)
    assert rows[0] == ["ID", "AT", "ACTOR", "ACTION", "TARGET", "DETAIL"]
    assert [row[3] for row in rows[1:]] == ["user.create"]
    assert rows[1][2] == f"cli:{getpass.getuser()}"
    events = json.loads(cli(populated, "audit", "--kind", "role", "--limit", "1", "--json").stdout)
    assert [(e["action"], e["target"]) for e in events] == [("role.update", "reviewers")]
    assert json.loads(cli(populated, "audit", "--actor", "nobody", "--json").stdout) == []


# -- mistakes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args,message",
    [
        (("users", "create", "x", "--role", "no-such-role"), "roles: no role named 'no-such-role'"),
        (("users", "create", "vera"), "user 'vera' already exists"),
        (("user", "create", "../x"), "invalid user name"),
        (("users", "edit", "vera"), "nothing to change: give --display-name"),
        (("users", "show", "nobody"), "no user named 'nobody'"),
        (("users", "list", "--role", "nope"), "no role named 'nope'"),
        (("token", "create", "nobody"), "no user named 'nobody'"),
        (("token", "create", "boss", "--expires-in", "-5"), "expires_in: between 1 and"),
        (("token", "create", "boss", "--scope", "read:nope"), "unknown resource 'nope'"),
        (("token", "revoke", "boss", "999"), "no token with id 999 for user 'boss'"),
        (("token", "revoke", "boss", "first"), "argument id: invalid int value: 'first'"),
        (("roles", "create", "bad", "--scope", "read:nope"), "unknown resource 'nope'"),
        (("roles", "create", "bad"), "the following arguments are required: --scope"),
        (("roles", "create", "viewer", "--scope", "read:lab"), "role 'viewer' already exists"),
        (("roles", "edit", "reviewers"), "nothing to change"),
        (
            ("roles", "edit", "reviewers", "--remove-scope", "read:lab"),
            "role 'reviewers' has no scope 'read:lab'",
        ),
        (("roles", "edit", "admin", "--scope", "read:lab"), "the 'admin' role cannot be edited"),
        (("roles", "delete", "viewer"), "the default role 'viewer' cannot be deleted"),
        (("roles", "delete", "nope"), "no role named 'nope'"),
        (("grant", "viewer"), "give --user or --group"),
        (("grant", "viewer", "--user", "ghost"), "users: no user named 'ghost'"),
        (
            ("revoke", "viewer", "--user", "boss"),
            "user 'boss' does not hold role 'viewer' directly",
        ),
        (("revoke", "admin", "--user", "boss"), "it would leave nobody with the 'admin' role"),
        (("groups", "create", "lab-a"), "group 'lab-a' already exists"),
        (
            ("groups", "edit", "lab-a", "--remove-member", "ghost"),
            "'ghost' is not a member of group 'lab-a'",
        ),
        (("groups", "edit", "lab-a"), "nothing to change"),
        (("groups", "delete", "nope"), "no group named 'nope'"),
        (("check", "nobody", "read", "contents"), "no user named 'nobody'"),
        (
            ("check", "vera", "destroy", "contents"),
            "action: 'destroy' is not one of read, write, execute",
        ),
        (("check", "vera", "read", "nope"), "resource: unknown resource 'nope'"),
        (("check", "vera", "read", "contents", "../etc"), "path:"),
        (("audit", "--limit", "0"), "argument --limit: '0' is not a positive number"),
        (("import", "/nowhere/policy.yaml"), "/nowhere/policy.yaml: no such file"),
        (("export", "--output", "/nowhere/policy.yaml"), "cannot write /nowhere/policy.yaml"),
        (("frobnicate",), "invalid choice: 'frobnicate'"),
        (("roles",), "the following arguments are required: action"),
    ],
)
def test_mistakes_exit_2_with_one_line_and_change_nothing(populated, args, message):
    with second_store(populated) as store:
        before = store.version()
        assert message in fails(populated, *args)
        assert store.version() == before


def test_a_database_that_cannot_be_used_is_one_line(tmp_path):
    assert "database error: Can't load plugin: sqlalchemy.dialects:nosuchdialect" in fails(
        "nosuchdialect://nowhere", "roles", "list"
    )
    (tmp_path / "not-a-database").write_text("plain text")
    assert "database error" in fails(f"sqlite:///{tmp_path / 'not-a-database'}", "roles", "list")


# -- export and import ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rich_file(tmp_path_factory):
    """A policy with filtered and templated scopes, groups and display names: built once."""
    path = tmp_path_factory.mktemp("rich") / "rich.sqlite"
    url = f"sqlite:///{path}"
    cli(url, "init", "--admin", "boss")
    cli(url, "users", "create", "vera", "--display-name", "Vera Rubin")
    cli(url, "users", "create", "1", "--display-name", "Number One")
    sh(url, "groups create lab-a --description 'Lab: A' --member vera --member 1")
    sh(
        url,
        "roles create course --description 'Course staff' --scope 'write:contents!path=shared/{group}/**'"
        " --scope 'read:contents!path=course/**' --scope 'execute:kernels!user={user}'",
    )
    cli(url, "grant", "course", "--group", "lab-a", "--user", "vera")
    cli(url, "token", "create", "vera")
    served = path.parent / "served"
    (served / "course" / "week 1").mkdir(parents=True)
    shared = cli(url, "share", "course/week 1", "--group", "lab-a", "--role", "viewer",
                 "--root-dir", str(served)).stdout  # fmt: skip
    assert shared.startswith("shared course/week 1/ with group lab-a as viewer (share ")
    return path


@pytest.fixture
def rich(rich_file, tmp_path):
    """A copy of the rich policy for one test to change (every process using it has exited)."""
    copy = tmp_path / "rich.sqlite"
    shutil.copyfile(rich_file, copy)
    return f"sqlite:///{copy}"


def test_share_changes_and_takes_back_a_role_on_a_folder(rich, tmp_path):
    served = tmp_path / "served"
    (served / "projects" / "x").mkdir(parents=True)
    where = ("--root-dir", str(served))
    out = cli(rich, "share", "projects/x", "--user", "vera", "--role", "editor", *where).stdout
    assert out.startswith("shared projects/x/ with user vera as editor")
    out = cli(rich, "share", "projects/x", "--user", "vera", *where).stdout  # again: viewer
    assert out.startswith("user vera now has viewer on projects/x/")
    listed = json.loads(cli(rich, "shares", "--path", "projects/x", "--json").stdout)
    assert [(s["user"], s["role"], s["shared_by"]) for s in listed] == [
        ("vera", "viewer", f"cli:{getpass.getuser()}")
    ]
    checked = cli(rich, "check", "vera", "read", "contents", "projects/x/a.txt").stdout
    assert "shared by cli:" in checked
    assert "no folder or file" in fails(rich, "share", "projects/none", "--user", "vera", *where)
    assert cli(rich, "unshare", "projects/x", "--user", "vera").stdout.startswith("unshared")
    assert "has no share" in fails(rich, "unshare", "projects/x", "--user", "vera")
    denied = cli(rich, "check", "vera", "read", "contents", "projects/x/a.txt", check=False)
    assert denied.returncode == 1 and denied.stdout.startswith("denied")


def exported(db_url):
    with second_store(db_url) as store:
        return dump(export_policy(store))


def test_export_import_round_trip_is_exact(rich, tmp_path):
    text = cli(rich, "export").stdout
    assert text == exported(rich)
    assert text.startswith("version: 1\nroles:\n") and "rbac_" not in text
    assert (
        "  - write:contents!path=shared/{group}/**\n" in text and "display_name: Number One" in text
    )
    output = cli(rich, "export", "--output", str(tmp_path / "a.yaml")).stdout
    assert output == f"exported the policy to {tmp_path / 'a.yaml'}\n"
    assert (tmp_path / "a.yaml").read_text() == text

    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    cli(fresh, "init", "--admin", "someone-else")
    dry = cli(fresh, "import", str(tmp_path / "a.yaml"), "--dry-run").stdout
    assert dry.splitlines() == [
        f"importing {tmp_path / 'a.yaml'} would change (nothing written):",
        "  roles: 1 added (course); 1 changed (admin)",
        "  groups: 1 added (lab-a)",
        "  users: 3 added (1, boss, vera); 1 removed (someone-else)",
        "  shares: 1 added (course/week 1 -> group:lab-a)",
    ]
    assert "someone-else" in exported(fresh)
    imported = cli(fresh, "import", str(tmp_path / "a.yaml")).stdout
    assert imported.splitlines() == [f"imported {tmp_path / 'a.yaml'}:", *dry.splitlines()[1:]]
    assert cli(fresh, "export").stdout == text  # byte for byte
    again = cli(fresh, "import", "-", stdin=text).stdout  # from stdin
    assert again.splitlines()[1:] == [
        "  roles: unchanged",
        "  groups: unchanged",
        "  users: unchanged",
        "  shares: unchanged",
    ]
    with second_store(fresh) as store:
        [event, first] = store.page_audit(kind="policy").items
    assert (event.target, first.target) == ("stdin", str(tmp_path / "a.yaml"))
    assert event.actor == f"cli:{getpass.getuser()}"


@pytest.mark.parametrize(
    "edit,message",
    [
        (
            lambda text: text.replace("read:contents!path=course/**", "read:nope"),
            "roles[course].scopes: invalid scope 'read:nope'",
        ),
        (lambda text: text.replace("  - vera\n", "  - ghost\n", 1), "is not declared under users:"),
        (
            lambda text: text.replace("users:\n  - boss\n", "users: []\n", 1),
            "nobody with the 'admin' role",
        ),
        (lambda text: text + "users: []\n", "the key 'users' is written twice"),
    ],
)
def test_a_refused_import_changes_nothing(rich, tmp_path, edit, message):
    before = exported(rich)
    changed = edit(before)
    assert changed != before
    # and a change that is fine in itself, which must not be applied either
    (tmp_path / "b.yaml").write_text(
        changed.replace("display_name: Vera Rubin", "display_name: Changed")
    )
    assert message in fails(rich, "import", str(tmp_path / "b.yaml"))
    assert message in fails(rich, "import", str(tmp_path / "b.yaml"), "--dry-run")
    assert exported(rich) == before


# -- sharing the database with other processes ---------------------------------------------------


def test_a_second_store_on_the_file_sees_cli_changes(db_url):
    other = Store.open(db_url)
    try:
        other.changed()
        version = other.version()
        cli(db_url, "roles", "create", "seen", "--scope", "read:lab")
        cli(db_url, "grant", "seen", "--user", "boss")
        assert other.changed() and other.version() == version + 2
        assert other.get_role("seen").users == ["boss"]
        assert other.page_audit(limit=1).items[0].actor == f"cli:{getpass.getuser()}"
    finally:
        other.close()


def test_init_applies_the_policy_file(tmp_path):
    config = tmp_path / "config"
    config.mkdir()
    (tmp_path / "roles.yaml").write_text(
        "roles:\n- name: course\n  scopes: [read:contents]\n  users: [ta1]\n"
    )
    (config / "jupyter_server_config.py").write_text(
        f"c.RBAC.policy_file = {str(tmp_path / 'roles.yaml')!r}\n"
    )
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config)}
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    cli(url, "init", "--admin", "boss", env=env)
    course = stored_role(url, "course")
    assert (course.managed_by, course.users) == ("config", ["ta1"])
    assert "managed by the server's configuration" in fails(
        url, "roles", "edit", "course", "--add-scope", "read:lab"
    )

    (tmp_path / "roles.yaml").write_text("roles:\n- name: course\n  scopes: [read:nope]\n")
    message = fails(url, "init", env=env)
    assert (
        f"c.RBAC.policy_file {tmp_path / 'roles.yaml'}: roles[course].scopes: invalid scope 'read:nope'"
        in message
    )


def test_routes_prints_every_route_with_its_scope(db_url):
    output = cli(db_url, "routes").stdout
    assert "/api/contents" in output and "read:contents" in output
    assert "/lab/api/settings" in output and "PUT write:lab" in output
    assert "/login$" in output and "public" in output
    assert "not in the table" not in output
