"""schemathesis drives jupyter_rbac/openapi.yaml against a real server: generated requests (valid
and invalid, every operation, undeclared methods, no credentials) as an administrator and as an
unprivileged user. No answer is a 5xx, every answer matches the spec (status, content type,
headers, body), invalid input is refused, and the unprivileged user changes nothing but their own corner.

Each user gets a server of their own, so what the administrator's requests create cannot make the
unprivileged run pass. The collaborators stream is a websocket: tests/test_openapi.py checks it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

import jupyter_rbac

from .support.servers import Server, admin_and_viewer, isolated_env, start_server

pytestmark = pytest.mark.slow  # real server processes, fuzzed with many examples

SPEC = Path(jupyter_rbac.__file__).parent / "openapi.yaml"
EXAMPLES_PER_OPERATION = 40  # per operation and user; about 2 x 31 x 40 generated requests in all

# Two of schemathesis's checks are told what this API does on purpose:
# - valid by the schema yet refused for what only the server knows (a name that must exist, a scope
#   outside the catalog, a role renamed by PUT) is a 400 naming the problem, which
#   tests/test_openapi.py meets one by one: `positive_data_acceptance` is off;
# - a stale If-Match is judged before the body (RFC 9110, 13.2.1: preconditions are evaluated
#   before the request content is processed), so a 412 refuses invalid data too.
REFUSALS = SchemathesisConfig().projects.default.checks.negative_data_rejection.expected_statuses
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {"enabled": False},
            "negative_data_rejection": {"expected-statuses": [*REFUSALS, "412"]},
        }
    }
)
schema = schemathesis.openapi.from_path(SPEC, config=CONFIG).exclude(
    path="/api/rbac/collaborators/stream"
)

answers: dict[str, Counter] = {"boss": Counter(), "bob": Counter()}


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("schemathesis")


def _server(work: Path, user: str) -> tuple[Server, dict[str, str]]:
    db_url = f"sqlite:///{work}/{user}.db"
    tokens = admin_and_viewer(db_url)  # boss: admin, bob: viewer
    return start_server(work, user, db_url, tokens["boss"], isolated_env(work / user)), tokens


@pytest.fixture(scope="module")
def admin_server(work):
    server, tokens = _server(work, "boss")
    try:
        yield server, tokens["boss"]
    finally:
        server.stop()


@pytest.fixture(scope="module")
def unprivileged_server(work):
    server, tokens = _server(work, "bob")
    try:
        yield server, tokens, _policy(server, tokens["boss"])
    finally:
        server.stop()


def _policy(server: Server, admin_token: str) -> dict:
    """Everything bob may not change, as the administrator reads it: all but bob's profile,
    activity and own tokens."""
    policy = {}
    for kind in ("roles", "groups", "users", "invitations"):
        status, page = server.request("GET", f"/api/rbac/{kind}?limit=1000", admin_token)
        assert status == 200, page
        policy[kind] = page["items"]
    policy["users"] = [
        {key: user[key] for key in ("name", "roles", "groups")}
        if user["name"] == "bob"
        else {key: value for key, value in user.items() if key != "last_seen_at"}  # use
        for user in policy["users"]
    ]
    status, tokens = server.request("GET", "/api/rbac/users/boss/tokens", admin_token)
    policy["boss's tokens"] = [
        {key: value for key, value in token.items() if key != "last_used_at"}
        for token in tokens["items"]
    ]
    return policy


def _call(case, server: Server, token: str, user: str) -> None:
    response = case.call_and_validate(
        base_url=server.url,
        headers={"Authorization": f"token {token}"},
    )
    answers[user][f"{response.status_code // 100}xx"] += 1


def _generated(test):
    return schema.parametrize()(
        settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,  # the same examples on every machine and run
            derandomize=True,
        )(test)
    )


@_generated
def test_as_an_administrator(case, admin_server) -> None:
    server, token = admin_server
    _call(case, server, token, "boss")


@_generated
def test_as_an_unprivileged_user(case, unprivileged_server) -> None:
    server, tokens, _ = unprivileged_server
    _call(case, server, tokens["bob"], "bob")


def test_the_unprivileged_user_changed_nothing_but_their_own_corner(unprivileged_server) -> None:
    if not answers["bob"]:
        pytest.skip("test_as_an_unprivileged_user did not run")
    server, tokens, before = unprivileged_server
    assert _policy(server, tokens["boss"]) == before
    assert answers["bob"]["2xx"] > 0 and answers["bob"]["4xx"] > 0, answers["bob"]


def test_the_administrator_run_reached_the_api() -> None:
    if not answers["boss"]:
        pytest.skip("test_as_an_administrator did not run")
    print(f"schemathesis answers: {dict(answers)}")
    assert answers["boss"]["2xx"] > 0 and answers["boss"]["4xx"] > 0, answers["boss"]
