"""A change to the policy takes effect on the next request: in this process, and from another."""

from __future__ import annotations

import json
import subprocess
import sys

from jupyter_rbac.store import Store

from .support.client import forbidden, refusal

TEXT = {"type": "file", "format": "text", "content": "x"}


def rbac_cli(db_url: str, *args: str) -> str:
    """`jupyter rbac ...` in a separate process, on the same database."""
    result = subprocess.run(
        [sys.executable, "-m", "jupyter_rbac.cli", "--db-url", db_url, *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


async def test_granting_a_role_applies_on_the_next_request(rbac, viewer):
    assert refusal(await viewer.put("api", "contents", "x.txt", body=TEXT)) == forbidden(
        "write:contents"
    )
    rbac.store.assign_role("editor", users=["vera"])
    status, model = await viewer.put("api", "contents", "x.txt", body=TEXT)
    assert (status, model["path"]) == (201, "x.txt")
    assert (await viewer.get("api", "contents", "x.txt"))[1]["content"] == "x"


async def test_revoking_a_role_applies_on_the_next_request(rbac, editor, jp_root_dir):
    assert (await editor.put("api", "contents", "x.txt", body=TEXT))[0] == 201
    rbac.store.unassign_role("editor", users=["eddie"])
    changed = {**TEXT, "content": "changed"}
    assert refusal(await editor.put("api", "contents", "x.txt", body=changed)) == forbidden(
        "write:contents"
    )
    assert (jp_root_dir / "x.txt").read_text() == "x"  # unchanged


async def test_a_read_allowed_again_and_again_is_refused_right_after_a_revocation(
    rbac, admin, make_user
):
    """The authorizer remembers the reads it allowed; a policy change forgets them at once."""
    await admin.put("api", "contents", "shared", body={"type": "directory"})
    await admin.put("api", "contents", "shared", "a.txt", body=TEXT)
    rbac.store.create_role("shared-reader", scopes=["read:contents!path=shared/**"])
    reader = make_user("rhea", roles=["shared-reader"])
    for _ in range(3):
        assert (await reader.get("api", "contents", "shared", "a.txt"))[0] == 200
    assert (await reader.get("files", "shared", "a.txt"))[0] == 200
    rbac.store.update_role("shared-reader", scopes=["read:contents!path=other/**"])
    status, refused = await reader.get("api", "contents", "shared", "a.txt")
    assert status == 403 and refused["missing_scope"] == "read:contents!path=shared/a.txt"
    assert (await reader.get("files", "shared", "a.txt"))[0] == 403


async def test_editing_a_role_applies_to_every_holder(rbac, viewer, make_user):
    other = make_user("olga", roles=["viewer"])
    rbac.store.update_role("viewer", scopes=["read:lab"])
    assert refusal(await viewer.get("api", "contents")) == forbidden("read:contents")
    assert refusal(await other.get("api", "contents")) == forbidden("read:contents")
    assert (await other.get("lab"))[0] == 200  # what the role still grants


async def test_group_membership_applies_on_the_next_request(rbac, nobody):
    assert refusal(await nobody.get("api", "contents")) == forbidden("read:contents")
    rbac.store.add_members("analyst", ["nora"])
    status, listing = await nobody.get("api", "contents")
    assert (status, listing["type"]) == (200, "directory")
    rbac.store.remove_members("analyst", ["nora"])
    assert refusal(await nobody.get("api", "contents")) == forbidden("read:contents")


async def test_a_change_from_another_process_applies_on_the_next_request(rbac_db_url, viewer):
    assert refusal(await viewer.put("api", "contents", "y.txt", body=TEXT)) == forbidden(
        "write:contents"
    )
    rbac_cli(rbac_db_url, "role", "assign", "editor", "--user", "vera")
    assert (await viewer.put("api", "contents", "y.txt", body=TEXT))[0] == 201
    assert (await viewer.get("api", "contents", "y.txt"))[1]["content"] == "x"


async def test_a_token_created_by_another_process_works_at_once(rbac_db_url, make_user, jp_fetch):
    make_user("tom", roles=["viewer"])
    token = rbac_cli(rbac_db_url, "token", "create", "tom").strip()
    response = await jp_fetch("api", "contents", headers={"Authorization": f"token {token}"})
    assert response.code == 200 and json.loads(response.body)["type"] == "directory"


async def test_a_second_store_on_the_same_file_sees_the_change(rbac, rbac_db_url, editor):
    other = Store.open(rbac_db_url)  # another connection pool, as another server would have
    try:
        other.unassign_role("editor", users=["eddie"])
    finally:
        other.close()
    assert refusal(await editor.put("api", "contents", "z.txt", body=TEXT)) == forbidden(
        "write:contents"
    )


async def test_the_policy_survives_a_restart(rbac_db_url, rbac):
    rbac.store.create_role("kept", ["read:contents"], "survives restarts")
    reopened = Store.open(rbac_db_url)
    try:
        assert reopened.get_role("kept").scopes == ["read:contents"]
    finally:
        reopened.close()


async def test_a_revoked_token_stops_working_on_the_next_request(rbac, make_user, jp_fetch):
    import pytest
    from tornado.httpclient import HTTPClientError

    make_user("rev", roles=["viewer"])
    token_id, token = rbac.store.create_token("rev")
    headers = {"Authorization": f"token {token}"}
    assert (await jp_fetch("api", "contents", headers=headers)).code == 200
    rbac.store.delete_token(token_id)
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch("api", "contents", headers=headers)
    assert refused.value.code == 403
