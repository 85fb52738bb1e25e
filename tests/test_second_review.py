"""Attacks of the second outside review that cross path filters or tell what is hidden, through
a real server: exports through links, listings through `..`, sessions on unreadable paths, file
ids, link targets named in refusals, unknown rooms, bodies that are not JSON objects."""

from __future__ import annotations

import json
import os
import uuid

import nbformat
import pytest
from tornado.httpclient import AsyncHTTPClient

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

SECRET = "BOBSECRET"


@pytest.fixture
def tree(jp_root_dir):
    for folder in ("home/ann", "home/bob", "home/annx", "shared"):
        (jp_root_dir / folder).mkdir(parents=True)
    (jp_root_dir / "secret.txt").write_text("TOPSECRET")
    (jp_root_dir / "home" / "bob" / "secret.txt").write_text(SECRET)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(SECRET)])
    nbformat.write(notebook, jp_root_dir / "home" / "bob" / "nb.ipynb")
    nbformat.write(nbformat.v4.new_notebook(), jp_root_dir / "home" / "ann" / "mine.ipynb")
    os.symlink(jp_root_dir / "home" / "bob", jp_root_dir / "home" / "ann" / "lnkbob")
    os.symlink(jp_root_dir / "shared", jp_root_dir / "home" / "bob" / "toshared")
    os.symlink("/etc", jp_root_dir / "home" / "bob" / "toetc")
    return jp_root_dir


@pytest.fixture
def ann(rbac, make_user, tree):
    rbac.store.create_role(
        "own-home",
        [
            "read:contents!path=home/{user}/**",
            "write:contents!path=home/{user}/**",
            "execute:kernels!user={user}",
            "write:sessions!user={user}",
            "write:nbconvert",
        ],
    )
    return make_user("ann", roles=["own-home"])


@pytest.mark.parametrize("exporter", ["html", "markdown", "script"])
async def test_an_export_through_a_link_is_judged_where_the_link_leads(ann, exporter):
    status, body = await ann.get("nbconvert", exporter, "home", "ann", "lnkbob", "nb.ipynb")
    assert status == 403, (status, body)
    assert SECRET not in json.dumps(body)


@pytest.mark.parametrize("exporter", ["webpdf", "pdf", "qtpdf", "qtpng"])
async def test_an_export_through_a_browser_or_tex_needs_execute_server(ann, exporter):
    """These exporters run a browser or TeX on the notebook as the server's user, outside any
    sandbox: webpdf loads it as a file:// page, where an iframe reads any local file (an outside
    tester's finding). Only whoever may run anything as the server (`execute:server`) uses them."""
    for method, body in (("get", None), ("post", {"name": "nb", "content": {}})):
        kwargs = {} if body is None else {"body": body}
        path = ("nbconvert", exporter, "home", "ann", "nb.ipynb")[: 5 if body is None else 2]
        status, refused = await getattr(ann, method)(*path, **kwargs)
        assert (status, refused["missing_scope"]) == (403, "execute:server"), refused


async def test_an_export_tells_a_hidden_file_from_a_missing_one_nowhere(ann):
    hidden = await ann.get("nbconvert", "html", "home", "ann", "lnkbob", "secret.txt")
    missing = await ann.get("nbconvert", "html", "home", "ann", "lnkbob", "nonexistent.txt")
    assert hidden[0] == missing[0] == 403


@pytest.mark.parametrize(
    "path,shown",
    [
        ("home/ann/..", {"ann"}),  # home: only the way to her folder
        ("home/ann/../..", {"home"}),  # the root: only the way
        ("home/ann/../bob/..", {"ann"}),
        ("home/ann/mine.ipynb/..", {"mine.ipynb", "lnkbob"}),  # her own folder
    ],
)
async def test_a_listing_through_dot_dot_shows_only_what_leads_to_the_users_folder(
    ann, jp_http_port, jp_base_url, path, shown
):
    response = await AsyncHTTPClient().fetch(
        f"http://127.0.0.1:{jp_http_port}{jp_base_url}api/contents/{path}",
        headers=ann.headers,
        raise_error=False,
    )
    assert response.code == 200, response.code
    names = {entry["name"] for entry in json.loads(response.body)["content"]}
    assert names == shown


@pytest.mark.parametrize(
    "path",
    ["home/bob/secret.txt", "secret.txt", "home/ann/../bob/nb.ipynb", "home/ann/lnkbob/nb.ipynb"],
)
async def test_a_session_on_a_path_the_user_may_not_read_is_refused(ann, path):
    status, body = await ann.post(
        "api",
        "sessions",
        body={"path": path, "type": "notebook", "name": "x", "kernel": {"name": "python3"}},
    )
    assert status in (403, 404), (status, body)
    assert SECRET not in json.dumps(body)
    assert (await ann.get("api", "sessions"))[1] == []  # nothing was started


async def test_a_session_moved_to_a_path_the_user_may_not_read_is_refused(ann):
    status, session = await ann.post(
        "api",
        "sessions",
        body={
            "path": "home/ann/mine.ipynb",
            "type": "notebook",
            "name": "mine",
            "kernel": {"name": "python3"},
        },
    )
    assert status == 201, (status, session)
    try:
        for path in ("home/bob/nb.ipynb", "../../../../etc/passwd", "home/ann/lnkbob/nb.ipynb"):
            status, body = await ann.patch("api", "sessions", session["id"], body={"path": path})
            assert status in (400, 403, 404), (path, status, body)
            assert (await ann.get("api", "sessions", session["id"]))[1][
                "path"
            ] == "home/ann/mine.ipynb"
        status, body = await ann.patch(
            "api", "sessions", session["id"], body={"path": "home/ann/renamed.ipynb"}
        )
        assert (status, body["path"]) == (200, "home/ann/renamed.ipynb"), (status, body)
    finally:
        await ann.delete("api", "sessions", session["id"])


async def test_a_file_id_of_a_hidden_file_is_answered_as_an_unknown_one(ann, jp_serverapp, tree):
    manager = jp_serverapp.web_app.settings["file_id_manager"]
    bobs = manager.index("home/bob/nb.ipynb")
    hidden = await ann.get("api", "fileid", "path", params={"id": bobs})
    missing = await ann.get("api", "fileid", "path", params={"id": str(uuid.uuid4())})
    assert hidden[0] == missing[0] == 404, (hidden, missing)
    assert "home/bob" not in json.dumps(hidden[1])


async def test_a_refusal_never_names_where_a_hidden_link_leads(ann):
    answers = []
    for parts in (("toshared", "x"), ("toetc", "passwd"), ("nolink", "x")):
        status, body = await ann.get("api", "contents", "home", "ann", "lnkbob", *parts)
        assert status == 403
        answers.append(body["missing_scope"])
    assert answers == [
        "read:contents!path=home/ann/lnkbob/toshared/x",
        "read:contents!path=home/ann/lnkbob/toetc/passwd",
        "read:contents!path=home/ann/lnkbob/nolink/x",
    ]


@pytest.mark.parametrize("room", ["json:notebook:zzz", f"json:notebook:{uuid.uuid4()}"])
async def test_an_unknown_room_is_a_404_not_a_500(ann, admin, room):
    for who in (ann, admin):
        status, body = await who.get("api", "collaboration", "room", room)
        assert status == 404, (who.name, status, body)
        assert "404" in body and "Traceback" not in body, who.name  # jupyter_server's own page


@pytest.mark.parametrize(
    "method,parts,body",
    [
        ("PUT", ("api", "contents", "home", "ann", "n.txt"), '"x"'),
        ("PUT", ("api", "contents", "home", "ann", "n.txt"), "1e999999"),
        ("PUT", ("api", "contents", "home", "ann", "n.txt"), "NaN"),
        ("PUT", ("api", "contents", "home", "ann", "n.txt"), b"\xff\xfe{"),
        ("POST", ("api", "kernels"), "[]"),
        ("POST", ("api", "kernels"), '"x"'),
        ("PUT", ("api", "collaboration", "session", "home", "ann", "mine.ipynb"), "null"),
        ("PUT", ("api", "collaboration", "session", "home", "ann", "mine.ipynb"), "[]"),
        ("PATCH", ("api", "me"), "1"),
        ("PATCH", ("api", "me"), b"\xff"),
    ],
)
async def test_a_body_that_is_not_a_json_object_is_a_400(ann, admin, method, parts, body):
    for who in (ann, admin):
        status, payload = await who.request(method, *parts, body=body)
        assert status == 400, (who.name, status, payload)
        assert isinstance(payload, dict) and payload.get("message"), payload


async def test_an_undecodable_path_is_a_400_with_a_message(ann, jp_http_port, jp_base_url, caplog):
    for route in ("files", "view", "api/contents", "nbconvert/html"):
        response = await AsyncHTTPClient().fetch(
            f"http://127.0.0.1:{jp_http_port}{jp_base_url}{route}/%c0%ae",
            headers=ann.headers,
            raise_error=False,
        )
        assert response.code == 400, (route, response.code)
        assert response.body, route  # says why
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
