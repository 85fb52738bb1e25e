"""Every route of the running server is public by list, or guarded by a scope: none is forgotten."""

from __future__ import annotations

import json

import pytest

from jupyter_rbac.enforcement.route_report import route_report
from jupyter_rbac.enforcement.routes import DEFAULT_RULE


def test_every_route_is_public_or_guarded(jp_serverapp, rbac):
    entries = route_report(jp_serverapp.web_app, rbac.route_table)
    handlers = {entry.handler for entry in entries}
    # the server we walk really has JupyterLab, jupyter-collaboration and jupyter-rbac in it
    assert "jupyterlab_server.handlers.LabHandler" in handlers
    assert "jupyter_server_ydoc.handlers.YDocWebSocketHandler" in handlers
    assert "jupyter_rbac.handlers.me.MeHandler" in handlers
    unmapped = [f"{e.pattern} [{e.handler}]" for e in entries if not e.covered]
    assert unmapped == [], "routes neither public nor guarded:\n" + "\n".join(unmapped)
    assert len(entries) > 60


def test_unmapped_routes_are_denied_to_all_but_all(rbac):
    assert (
        rbac.route_table.rule_for_path(rbac.route_table.base_url + "some/new/extension")
        is DEFAULT_RULE
    )


@pytest.fixture
def rbac_config():
    return {
        "extra_routes": [
            {"pattern": r"/rbac-test-ext/.*", "resource": "lab"},
            {"pattern": r"/rbac-quirk/.*", "resource": "contents", "authorizer": True},
            {"pattern": r"/rbac-kernel-thing/.*", "resource": "kernels", "authorizer": True},
            {"pattern": r"/rbac-file-thing/.*", "resource": "contents", "authorizer": True},
        ]
    }


async def test_an_extension_route_without_authorizer_is_guarded(jp_serverapp, make_user, admin):
    """A handler that checks nothing itself still gets the route's scope, or `all` if unmapped."""
    from jupyter_server.base.handlers import JupyterHandler
    from tornado import web

    class Unchecked(JupyterHandler):
        @web.authenticated
        def get(self):
            self.finish("secret")

    base = jp_serverapp.base_url
    jp_serverapp.web_app.add_handlers(
        ".*$", [(f"{base}rbac-test-ext/page", Unchecked), (f"{base}unlisted-ext/page", Unchecked)]
    )
    nobody = make_user("nobody-at-all")
    lab_reader = make_user("reader", roles=["viewer"])
    assert (await nobody.get("unlisted-ext", "page"))[0] == 403
    assert (await lab_reader.get("unlisted-ext", "page"))[0] == 403
    assert (await admin.get("unlisted-ext", "page"))[0] == 200
    assert (await lab_reader.get("rbac-test-ext", "page"))[0] == 200  # read:lab, from extra_routes
    status, error = await lab_reader.post("rbac-test-ext", "page")
    assert status == 403 and error["missing_scope"] == "write:lab"


async def test_public_routes_need_no_login(jp_fetch):
    response = await jp_fetch("api", headers={"Authorization": ""})
    assert response.code == 200 and "version" in json.loads(response.body)
    response = await jp_fetch("login", headers={"Authorization": ""})
    assert response.code == 200 and b'name="password"' in response.body


async def test_guarded_routes_need_a_login(jp_fetch):
    from tornado.httpclient import HTTPClientError

    for parts in (("api", "contents"), ("lab", "api", "settings"), ("api", "rbac", "me")):
        with pytest.raises(HTTPClientError) as refused:
            await jp_fetch(*parts, headers={"Authorization": ""})
        assert refused.value.code == 403, parts


async def test_lab_page_redirects_a_stranger_to_login(jp_fetch):
    from tornado.httpclient import HTTPClientError

    with pytest.raises(HTTPClientError) as redirected:
        await jp_fetch("lab", headers={"Authorization": ""}, follow_redirects=False)
    assert redirected.value.code == 302
    assert "/login" in redirected.value.response.headers["Location"]


async def test_a_decorated_method_shared_by_get_and_put_is_judged_by_the_method(
    jp_serverapp, make_user, rbac
):
    """@authorized caches the action of its first call: a PUT after a GET must still be a write."""
    from jupyter_server.auth import authorized
    from jupyter_server.base.handlers import APIHandler
    from tornado import web

    class SharedMethod(APIHandler):
        auth_resource = "contents"

        @web.authenticated
        @authorized
        def get(self, path):
            self.finish(f"{self.request.method} {path}")

        put = get

    jp_serverapp.web_app.add_handlers(
        ".*$", [(f"{jp_serverapp.base_url}rbac-quirk/(.*)", SharedMethod)]
    )
    rbac.store.create_role(
        "reads-all-writes-mine", ["read:contents", "write:contents!path=mine/**"]
    )
    user = make_user("quinn", roles=["reads-all-writes-mine"])
    assert (await user.get("rbac-quirk", "notes.txt"))[0] == 200
    status, error = await user.put("rbac-quirk", "notes.txt", body="{}")
    assert status == 403 and error["missing_scope"] == "write:contents!path=notes.txt"
    assert (await user.put("rbac-quirk", "mine", "notes.txt", body="{}"))[0] == 200


def test_extension_resources_join_the_catalog(jp_serverapp, rbac):
    from jupyter_server.base.handlers import APIHandler

    class WidgetHandler(APIHandler):
        auth_resource = "widgets"

    jp_serverapp.web_app.add_handlers(
        ".*$", [(f"{jp_serverapp.base_url}my-widgets", WidgetHandler)]
    )
    rbac.register_extension_resources()
    assert rbac.catalog.parse("execute:widgets").resources == ("widgets",)
    described = {entry["scope"]: entry["description"] for entry in rbac.catalog.describe()}
    assert described["read:widgets"] == "Read widgets (what tests calls read)."


async def test_a_decorated_method_inherited_under_another_resource_is_judged_by_its_own(
    jp_serverapp, make_user, rbac
):
    """@authorized fixes its resource at its first call: a subclass with another auth_resource,
    called after its parent, must still be judged for its own resource."""
    from jupyter_server.auth import authorized
    from jupyter_server.base.handlers import APIHandler
    from tornado import web

    class KernelThing(APIHandler):
        auth_resource = "kernels"

        @web.authenticated
        @authorized
        def get(self, name):
            self.finish(f"{self.auth_resource} {name}")

    class FileThing(KernelThing):  # the same decorated function, another resource
        auth_resource = "contents"

    base = jp_serverapp.base_url
    jp_serverapp.web_app.add_handlers(
        ".*$",
        [
            (f"{base}rbac-kernel-thing/(.*)", KernelThing),
            (f"{base}rbac-file-thing/(.*)", FileThing),
        ],
    )
    # kim reads kernels, and files under mine/ only: the route lets her through to the handler
    rbac.store.create_role("kernel-reader", ["read:kernels", "read:contents!path=mine/**"])
    kim = make_user("kim", roles=["kernel-reader"])
    assert (await kim.get("rbac-kernel-thing", "k1"))[0] == 200  # the first call fixes "kernels"
    status, error = await kim.get("rbac-file-thing", "secret.txt")
    assert status == 403 and error["missing_scope"] == "read:contents!path=secret.txt", (
        status,
        error,
    )
    assert (await kim.get("rbac-file-thing", "mine", "notes.txt"))[0] == 200
    # and a user who may read that file gets it, through the same function
    reader = make_user("rhea", roles=["viewer"])
    assert (await reader.get("rbac-file-thing", "secret.txt"))[0] == 200
