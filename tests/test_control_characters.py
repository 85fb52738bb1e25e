"""Text that reaches an administrator's terminal cannot act on it (issue 16, item 11): names,
display names and token notes with control characters are refused (400, or the shell's one-line
error), wherever they are set; other user-given text is printed escaped by `jupyter rbac`.

Refused: C0 and C1 controls (ESC starts terminal escape sequences), line and paragraph
separators, and the bidirectional overrides and isolates that reorder what is shown. Other
format characters (the zero-width joiners of emoji and of many scripts) are text."""

from __future__ import annotations

import json

import pytest
import yaml
from sqlalchemy import update

from jupyter_rbac.store import Store
from jupyter_rbac.store.models import Role, User

from .support import shell

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

RBAC = ("api", "rbac")
CLEAR_SCREEN = "\x1b[2J\x1b[H"
RIGHT_TO_LEFT_OVERRIDE = "\u202e"
BAD_TEXTS = [
    CLEAR_SCREEN + "boss",
    "ann" + RIGHT_TO_LEFT_OVERRIDE + "nimda",
    "a\u0085b",
    "line\u2028break",
    "bell\x07",
]


def refused(status: int, error, field: str) -> bool:
    return status == 400 and field in error["message"] and "control characters" in error["message"]


# -- REST -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", BAD_TEXTS)
async def test_display_names_with_control_characters_are_refused(admin, viewer, text):
    status, error = await admin.post(*RBAC, "users", body={"name": "mallory", "display_name": text})
    assert refused(status, error, "display_name")
    status, error = await admin.patch(*RBAC, "users", "vera", body={"display_name": text})
    assert refused(status, error, "display_name")
    status, error = await viewer.patch(*RBAC, "me", body={"display_name": text})
    assert refused(status, error, "display_name")
    status, error = await admin.post(
        *RBAC, "invitations", body={"username": "mallory", "display_name": text}
    )
    assert refused(status, error, "display_name")


@pytest.mark.parametrize("text", BAD_TEXTS)
async def test_token_notes_with_control_characters_are_refused(viewer, text):
    status, error = await viewer.post(*RBAC, "users", "vera", "tokens", body={"note": text})
    assert refused(status, error, "note")


@pytest.mark.parametrize("kind", ["users", "groups", "roles", "invitations"])
@pytest.mark.parametrize("name", ["bob\n", "bob\x1b", "b\u202eob"])
async def test_names_with_control_characters_are_refused(admin, kind, name):
    body = {"username": name} if kind == "invitations" else {"name": name}
    if kind == "roles":
        body["scopes"] = ["read:contents"]
    status, error = await admin.post(*RBAC, kind, body=body)
    assert status == 400 and "name" in error["message"], (status, error)


@pytest.mark.parametrize("value", ["a\x00b/**", "shared/\u202etxt.exe/**", "a\x7f/**"])
async def test_scopes_with_control_characters_are_refused(admin, value):
    scope = f"read:contents!path={value}"
    status, error = await admin.post(*RBAC, "roles", body={"name": "r", "scopes": [scope]})
    assert refused(status, error, "scopes"), (status, error)
    status, answer = await admin.get(*RBAC, "scopes", "parts", params={"scope": scope})
    assert status == 200 and "control characters" in answer["parts"][0]["error"], answer


async def test_emoji_and_joiners_are_text(admin):
    family = "Ann \U0001f468\u200d\U0001f469\u200d\U0001f467 \u0645\u06cc\u200c\u0634\u0648\u062f"
    status, user = await admin.post(*RBAC, "users", body={"name": "ann", "display_name": family})
    assert status == 201 and user["display_name"] == family


# -- the shell --------------------------------------------------------------------------------------


def cli(db_url, *args, stdin=None):
    """`jupyter rbac`, whose refusals the tests read (its exit status is not checked)."""
    return shell.cli(db_url, *args, check=False, stdin=stdin)


@pytest.fixture
def shell_db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'shell.sqlite'}"
    result = cli(url, "init", "--admin", "boss")
    assert result.returncode == 0, result.stderr
    return url


def test_the_shell_refuses_control_characters_where_it_sets_text(shell_db):
    for args in (
        ["users", "create", "mallory", "--display-name", CLEAR_SCREEN],
        ["users", "edit", "boss", "--display-name", CLEAR_SCREEN],
        ["users", "create", "mallory\n"],
        ["groups", "create", "team\x1b"],
        ["invite", "mallory", "--display-name", CLEAR_SCREEN],
        ["token", "create", "boss", "--note", CLEAR_SCREEN],
    ):
        result = cli(shell_db, *args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "\x1b" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, (
            result.stderr
        )


def test_an_import_with_control_characters_is_refused(shell_db, tmp_path):
    exported = yaml.safe_load(cli(shell_db, "export").stdout)
    exported["users"][0]["display_name"] = CLEAR_SCREEN + "boss"
    policy = tmp_path / "policy.yaml"
    policy.write_text(yaml.safe_dump(exported), encoding="utf-8")
    result = cli(shell_db, "import", str(policy))
    assert result.returncode == 2 and "display_name" in result.stderr, (
        result.stdout,
        result.stderr,
    )
    assert "\x1b" not in result.stderr


def written_before_the_rule(db_url: str) -> None:
    """Text a database may hold from before control characters were refused."""
    store = Store.open(db_url)
    try:
        with store._sessions.begin() as session:
            session.execute(
                update(User).where(User.name == "boss").values(display_name=CLEAR_SCREEN + "Boss")
            )
            session.execute(
                update(Role)
                .where(Role.name == "viewer")
                .values(description="fine\x1b]0;pwned\x07" + RIGHT_TO_LEFT_OVERRIDE)
            )
    finally:
        store.close()


def test_the_shell_prints_user_given_text_escaped(shell_db):
    written_before_the_rule(shell_db)
    for args in (
        ["users", "list"],
        ["users", "show", "boss"],
        ["roles", "list"],
        ["roles", "show", "viewer"],
    ):
        out = cli(shell_db, *args).stdout
        assert "\x1b" not in out and "\x07" not in out and RIGHT_TO_LEFT_OVERRIDE not in out, (
            args,
            out,
        )
    assert "\\x1b[2J\\x1b[HBoss" in cli(shell_db, "users", "list").stdout
    assert "fine\\x1b]0;pwned\\x07\\u202e" in cli(shell_db, "roles", "show", "viewer").stdout
    listed = json.loads(cli(shell_db, "users", "list", "--json").stdout)  # JSON: escaped by json
    assert {user["name"]: user["display_name"] for user in listed}["boss"] == CLEAR_SCREEN + "Boss"
