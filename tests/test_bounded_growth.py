"""What one low-privileged user can make grow is bounded (issue 16, item 10): refusals cost one
short audit row however many and however long, the trail is pruned by age and count, tokens and
their notes have limits, and guessing a token's secret costs the guesser, not the server."""

from __future__ import annotations

import asyncio
import secrets
import time
from datetime import timedelta

import pytest

from jupyter_rbac.limits import MAX_AUDIT_TEXT, MAX_TOKEN_NOTE, MAX_TOKENS_PER_USER
from jupyter_rbac.store import Store
from jupyter_rbac.store.models import AuditEvent, utcnow

from .support.openapi_check import validate_response

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

RBAC = ("api", "rbac")
AUDIT = (*RBAC, "audit")
LONG_NAME = "x" * 30_000


@pytest.fixture
def rbac_db_url(tmp_path) -> str:
    """A policy database whose audit trail already holds rows 100 days and 10 days old."""
    url = f"sqlite:///{tmp_path / 'rbac.sqlite'}"
    store = Store.open(url)
    try:
        with store._sessions.begin() as session:
            for days, actor in (
                (100, "ghost-old"),
                (100, "ghost-old"),
                (10, "ghost-recent"),
                (10, "ghost-recent"),
            ):
                session.add(
                    AuditEvent(
                        actor=actor,
                        action="request.denied",
                        target="GET /x",
                        detail={},
                        at=utcnow() - timedelta(days=days),
                    )
                )
    finally:
        store.close()
    return url


async def denials_of(admin, actor: str) -> dict:
    status, trail = await admin.get(*AUDIT, params={"kind": "request", "actor": actor})
    assert status == 200
    return trail


async def audit_total(admin, **params) -> int:
    status, trail = await admin.get(*AUDIT, params={"limit": "1", **params})
    assert status == 200
    return trail["total"]


# -- refusals ---------------------------------------------------------------------------------------


async def test_a_flood_of_refusals_with_long_paths_is_one_short_row(viewer, admin, jp_base_url):
    for _ in range(30):
        status, _ = await viewer.put(
            "api",
            "contents",
            f"{LONG_NAME}.txt",
            body={"type": "file", "format": "text", "content": ""},
        )
        assert status == 403
    trail = await denials_of(admin, "vera")
    assert trail["total"] == 1, [e["target"][:40] for e in trail["items"]]
    row = trail["items"][0]
    assert len(row["target"]) <= MAX_AUDIT_TEXT and row["target"].endswith("…")
    assert len(row["detail"]["missing_scope"]) <= MAX_AUDIT_TEXT
    assert row["detail"]["count"] == 30
    validate_response("GET", f"{jp_base_url}api/rbac/audit", 200, trail, None, jp_base_url)


async def test_a_coalesced_row_names_the_other_targets(viewer, admin, jp_base_url):
    """A harmless first refusal must not cover the probes after it (an outside attack saw 300
    refused deletes of different paths kept as the first one's row): the row names the first
    20 other targets and counts the requests naming yet others."""
    from jupyter_rbac.store.audit import MAX_OTHER_TARGETS

    paths = ["harmless.txt", *(f"probe-{index}.txt" for index in range(MAX_OTHER_TARGETS + 5))]
    for path in [*paths, "probe-0.txt"]:
        status, _ = await viewer.delete("api", "contents", path)
        assert status == 403
    trail = await denials_of(admin, "vera")
    (row,) = trail["items"]
    assert row["target"].endswith("/api/contents/harmless.txt")
    others = row["detail"]["other_targets"]
    assert [other.rsplit("/", 1)[1] for other in others] == paths[1 : MAX_OTHER_TARGETS + 1]
    assert row["detail"]["more_targets"] == 5 and row["detail"]["count"] == len(paths) + 1
    validate_response("GET", f"{jp_base_url}api/rbac/audit", 200, trail, None, jp_base_url)


async def test_refusals_of_different_users_are_rows_of_their_own(viewer, nobody, admin):
    for client in (viewer, nobody, viewer, nobody):
        status, _ = await client.post(*RBAC, "roles", body={"name": "mine", "scopes": ["all"]})
        assert status == 403
    for name in ("vera", "nora"):
        trail = await denials_of(admin, name)
        assert trail["total"] == 1 and trail["items"][0]["detail"]["count"] == 2


async def test_a_refusal_of_another_kind_is_a_row_of_its_own(viewer, admin, jp_base_url):
    """A refused save of a file is not hidden behind the refused kernel starts around it."""
    kernel = {"name": "python3"}
    for _ in range(3):
        assert (await viewer.post("api", "kernels", body=kernel))[0] == 403
    file = {"type": "file", "format": "text", "content": "x"}
    assert (await viewer.put("api", "contents", "other.txt", body=file))[0] == 403
    assert (await viewer.post("api", "kernels", body=kernel))[0] == 403
    rows = {
        row["target"]: row["detail"].get("count", 1)
        for row in (await denials_of(admin, "vera"))["items"]
    }
    base = jp_base_url.rstrip("/")
    assert rows == {
        f"POST {base}/api/kernels": 4,
        f"PUT {base}/api/contents/other.txt": 1,
    }, rows


@pytest.mark.parametrize("rbac_config", [{"audit_coalesce_seconds": 0.3}])
async def test_a_refusal_after_the_window_is_a_new_row(viewer, admin):
    for _ in range(2):
        assert (await viewer.post(*RBAC, "roles", body={"name": "mine", "scopes": ["all"]}))[
            0
        ] == 403
    await asyncio.sleep(0.4)  # the window of the first refusal ends
    assert (await viewer.post(*RBAC, "roles", body={"name": "mine", "scopes": ["all"]}))[0] == 403
    trail = await denials_of(admin, "vera")
    assert [item["detail"].get("count", 1) for item in trail["items"]] == [1, 2]


# -- retention ----------------------------------------------------------------------------------------


async def test_rows_older_than_the_retention_are_pruned_at_start(admin):
    assert await audit_total(admin, actor="ghost-old") == 0
    assert await audit_total(admin, actor="ghost-recent") == 2  # within the default 90 days


@pytest.mark.parametrize("rbac_config", [{"audit_max_age_days": 0, "audit_max_rows": 1}])
async def test_only_the_newest_rows_are_kept_at_start(admin):
    assert await audit_total(admin, actor="ghost-old") == 0  # the oldest ids go first
    assert await audit_total(admin, actor="ghost-recent") == 1


@pytest.mark.parametrize("rbac_config", [{"audit_prune_seconds": 0.2, "audit_max_rows": 5}])
async def test_the_trail_is_pruned_while_the_server_runs(rbac, admin):
    with rbac.store._sessions.begin() as session:  # a row from a server that ran long ago
        session.add(
            AuditEvent(
                actor="ghost-late",
                action="request.denied",
                target="GET /y",
                detail={},
                at=utcnow() - timedelta(days=91),
            )
        )
    for index in range(8):
        assert (await admin.post(*RBAC, "groups", body={"name": f"team{index}"}))[0] == 201
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (await audit_total(admin)) > 5:
        await asyncio.sleep(0.1)  # waiting for the timer
    assert await audit_total(admin) <= 5
    assert await audit_total(admin, actor="ghost-late") == 0
    assert await audit_total(admin, action="group.create", target="team7") == 1  # the newest stay


# -- tokens -------------------------------------------------------------------------------------------


async def test_a_long_token_note_is_refused_naming_the_limit(viewer):
    status, error = await viewer.post(*RBAC, "users", "vera", "tokens", body={"note": "n" * 2_000})
    assert status == 400 and str(MAX_TOKEN_NOTE) in error["message"] and "note" in error["message"]
    status, _ = await viewer.post(
        *RBAC, "users", "vera", "tokens", body={"note": "n" * MAX_TOKEN_NOTE}
    )
    assert status == 201


async def test_one_user_has_a_bounded_number_of_tokens(viewer, admin):
    _, tokens = await viewer.get(*RBAC, "users", "vera", "tokens")
    for _ in range(MAX_TOKENS_PER_USER - tokens["total"]):
        assert (await viewer.post(*RBAC, "users", "vera", "tokens", body={"note": "one more"}))[
            0
        ] == 201
    status, error = await viewer.post(
        *RBAC, "users", "vera", "tokens", body={"note": "one too many"}
    )
    assert status == 400 and str(MAX_TOKENS_PER_USER) in error["message"]
    # an administrator cannot exceed it for them either; revoking one makes room
    assert (await admin.post(*RBAC, "users", "vera", "tokens", body={}))[0] == 400
    _, tokens = await viewer.get(*RBAC, "users", "vera", "tokens")
    assert (await admin.delete(*RBAC, "users", "vera", "tokens", str(tokens["items"][-1]["id"])))[
        0
    ] == 204
    assert (await viewer.post(*RBAC, "users", "vera", "tokens", body={}))[0] == 201


# -- guessing a token's secret ------------------------------------------------------------------------


def wrong_secret_for(token: str) -> str:
    """A secret of the right shape with the real token's look-up key and a wrong rest."""
    lookup = token.removeprefix("rbac_")[:16]
    return f"rbac_{lookup}_{secrets.token_urlsafe(32)}"


async def guess(client, secret: str) -> int:
    status, _ = await client.request(
        "GET", *RBAC, "me", headers={"Authorization": f"token {secret}"}
    )
    return status


@pytest.mark.parametrize("rbac_config", [{"token_guesses_per_key": 3, "token_guess_window": 2.0}])
async def test_wrong_secrets_for_a_real_key_do_not_each_cost_a_verification(rbac, viewer):
    before = rbac.store.guesses.verifications
    for _ in range(20):
        assert await guess(viewer, wrong_secret_for(viewer.token)) != 200
    assert rbac.store.guesses.verifications - before == 3
    await asyncio.sleep(2.1)  # the window ends
    assert (await viewer.get(*RBAC, "me"))[0] == 200  # the real token, verified once now
    assert rbac.store.guesses.verifications - before == 4


@pytest.mark.parametrize("rbac_config", [{"token_guesses_per_key": 3}])
async def test_the_same_wrong_secret_is_verified_once_and_a_known_token_keeps_working(rbac, viewer):
    assert (await viewer.get(*RBAC, "me"))[0] == 200  # verified before the guessing starts
    before = rbac.store.guesses.verifications
    wrong = wrong_secret_for(viewer.token)
    for _ in range(10):
        assert await guess(viewer, wrong) != 200
    assert rbac.store.guesses.verifications - before == 1
    for _ in range(10):
        assert await guess(viewer, wrong_secret_for(viewer.token)) != 200
    assert (await viewer.get(*RBAC, "me"))[
        0
    ] == 200  # throttled guesses lock its holder out of nothing
    assert rbac.store.guesses.verifications - before == 3
