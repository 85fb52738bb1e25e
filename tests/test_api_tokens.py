"""/api/rbac/tokens: every token its reader may see, a page at a time (the Tokens tab of the
Access control page), and when each user was last seen and each token last used."""

from __future__ import annotations

import asyncio

TOKENS = ("api", "rbac", "tokens")


async def _wait_for(read, timeout: float = 10.0):
    """The first truthy value `read()` gives (the server writes activity on its timer)."""
    for _ in range(int(timeout / 0.1)):
        value = await read()
        if value:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError("never happened")


async def test_an_administrator_pages_through_everyones_tokens_newest_first(
    admin, viewer, nobody, rbac
):
    made = [rbac.store.create_token("vera", note=f"laptop {index}")[0] for index in range(3)]
    status, page = await admin.get(*TOKENS, params={"limit": "2"})
    assert status == 200 and page["limit"] == 2 and len(page["items"]) == 2
    everyone = page["total"]
    status, rest = await admin.get(*TOKENS, params={"limit": "1000", "offset": "2"})
    listed = page["items"] + rest["items"]
    assert len(listed) == everyone and {t["username"] for t in listed} == {"admin", "vera", "nora"}
    ids = [t["id"] for t in listed]
    assert ids == sorted(ids, reverse=True)  # made one after another: newest first
    newest = listed[0]
    assert (newest["id"], newest["note"], newest["created_by"]) == (made[-1], "laptop 2", "system")


async def test_tokens_are_found_by_owner_note_and_prefix_and_filtered_by_user(
    admin, viewer, nobody, rbac
):
    token_id, secret = rbac.store.create_token("nora", note="CI pipeline")
    for query in ("pipeline", "NORA", secret[:9]):
        status, page = await admin.get(*TOKENS, params={"q": query})
        assert status == 200 and token_id in [t["id"] for t in page["items"]], query
    status, page = await admin.get(*TOKENS, params={"user": "vera"})
    assert {t["username"] for t in page["items"]} == {"vera"}
    status, page = await admin.get(*TOKENS, params={"user": "no-such-user"})
    assert (status, page["total"]) == (200, 0)


async def test_everyone_sees_their_own_tokens_only(viewer, nobody, admin):
    status, page = await viewer.get(*TOKENS)
    assert status == 200 and {t["username"] for t in page["items"]} == {"vera"}
    status, page = await viewer.get(*TOKENS, params={"user": "admin"})
    assert (status, page["total"]) == (200, 0)


async def test_a_filtered_reader_sees_the_tokens_of_those_it_names(make_user, rbac):
    rbac.store.create_role("class-tokens", ["read:tokens!user=stu"])
    make_user("stu")
    make_user("outsider")
    tara = make_user("tara", roles=["class-tokens"])
    status, page = await tara.get(*TOKENS)
    assert status == 200 and {t["username"] for t in page["items"]} == {"stu", "tara"}


async def test_a_token_without_read_tokens_is_refused(viewer):
    status, answer = await viewer.post(
        "api", "rbac", "users", "vera", "tokens", body={"scopes": ["read:contents"]}
    )
    limited = viewer.as_token(answer["token"])
    status, answer = await limited.get(*TOKENS)
    assert status == 403 and answer["missing_scope"] == "read:tokens"


async def test_bad_paging_and_sorting_are_400s(admin):
    for params, message in (
        ({"sort": "secret"}, "cannot sort tokens by 'secret'"),
        ({"limit": "0"}, "limit: must be between 1 and 1000"),
    ):
        status, answer = await admin.get(*TOKENS, params=params)
        assert status == 400 and message in answer["message"], answer


async def test_a_token_used_and_its_user_seen_show_when_and_change_no_etag(admin, viewer):
    status, before = await admin.get("api", "rbac", "users", "vera")
    assert status == 200 and before["last_seen_at"] is None

    async def vera_token_used():
        page = (await admin.get(*TOKENS, params={"user": "vera"}))[1]
        return page["items"][0]["last_used_at"]

    assert await vera_token_used() is None
    assert (await viewer.get("api", "contents"))[0] == 200
    assert await _wait_for(vera_token_used)

    async def vera_seen():
        return (await admin.get("api", "rbac", "users", "vera"))[1]["last_seen_at"]

    await _wait_for(vera_seen)
    status, after = await admin.get("api", "rbac", "users", "vera")
    assert (after["etag"], after["revision"]) == (before["etag"], before["revision"])
    status, page = await admin.get("api", "rbac", "users", params={"sort": "-last_seen_at"})
    seen = [u["last_seen_at"] for u in page["items"]]
    assert seen[0] is not None and seen == sorted((s for s in seen if s), reverse=True) + [
        None
    ] * seen.count(None)
    status, page = await admin.get(*TOKENS, params={"sort": "last_used_at"})
    used = [t["last_used_at"] for t in page["items"]]
    assert used == sorted(u for u in used if u) + [None] * used.count(None)  # never used: last


async def test_a_user_filter_that_names_no_user_is_a_400(admin):
    for bad in ("", "../x", "a b"):
        status, answer = await admin.get(*TOKENS, params={"user": bad})
        assert status == 400 and "user" in answer["message"], (bad, answer)
