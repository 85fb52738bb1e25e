"""The first request with a new token, beside a steady one: what verifying a token costs.

A real `jupyter server` with jupyter-rbac on loopback; editors' tokens made in its SQLite policy
beforehand, each editor seen once before through another token (what is timed is the token, not
a user's first compile). Each new token's first request (GET /api/status: jupyter_server's
cheapest JSON answer) comes between two requests by a token the server already knows, on the
same kept-alive connection: p50 of each, and of the difference. The same for tokens hashed with
argon2 by an earlier version (their first use verifies argon2 once and writes the fast hash).

    python bench/bench_tokens.py [--tokens 200] [--json F]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).parent))
from bench_requests import free_port, start_server, wait_ready

from jupyter_rbac.store import Store
from jupyter_rbac.store.hashing import SLOW_RANDOM_SECRETS

PATH = "/api/status"


def timed(connection: http.client.HTTPConnection, token: str) -> float:
    started = time.perf_counter()
    connection.request("GET", PATH, headers={"Authorization": f"token {token}"})
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"GET {PATH} answered {response.status}")
    return elapsed


def first_uses(
    port: int, fresh: list[str], steady: str
) -> tuple[list[float], list[float], list[float]]:
    """(first requests, steady requests, their differences), in seconds."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(20):
        timed(connection, steady)  # warm: the connection, the steady token, the policy
    firsts, steadies, differences = [], [], []
    for token in fresh:
        before = timed(connection, steady)
        first = timed(connection, token)
        after = timed(connection, steady)
        firsts.append(first)
        steadies.append((before + after) / 2)
        differences.append(first - (before + after) / 2)
    connection.close()
    return firsts, steadies, differences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=200, help="new tokens of each kind")
    parser.add_argument("--json", help="save the figures here (for bench/suite.py)")
    args = parser.parse_args()
    from results import Report, median

    work = Path(tempfile.mkdtemp(prefix="rbac-bench-tokens-"))
    (work / "root").mkdir()
    (work / "config").mkdir()
    (work / "config" / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": {"jupyter_rbac": False}}})
    )
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(work / "config"),
        "JUPYTER_DATA_DIR": str(work / "data"),
    }
    db_url = f"sqlite:///{work / 'policy.sqlite'}"
    cli = [sys.executable, "-m", "jupyter_rbac.cli", "--db-url", db_url]
    subprocess.run([*cli, "init", "--admin", "boss"], check=True, capture_output=True, env=env)
    subprocess.run(
        [*cli, "user", "create", "ed", "--role", "editor"], check=True, capture_output=True, env=env
    )
    store = Store.open(db_url)
    try:
        steady = store.create_token("ed", note="steady")[1]
        for i in range(args.tokens):  # a user may hold 100 tokens: one user per new token
            store.create_user(f"e{i}", roles=["editor"])
        known = [store.create_token(f"e{i}", note="known")[1] for i in range(args.tokens)]
        fast = [store.create_token(f"e{i}", note="new")[1] for i in range(args.tokens)]
        made_before = [store.create_token(f"e{i}", note="old") for i in range(args.tokens)]
        with store.engine.begin() as connection:
            for token_id, secret in made_before:  # as the previous version stored them
                connection.execute(
                    text("UPDATE rbac_tokens SET hashed = :hashed WHERE id = :id"),
                    {"hashed": SLOW_RANDOM_SECRETS.hash(secret), "id": token_id},
                )
    finally:
        store.close()

    port = free_port()
    server = start_server(
        work / "root",
        port,
        ["--ServerApp.jpserver_extensions=jupyter_rbac=True", f"--RBAC.db_url={db_url}"],
        env,
    )
    report = Report("tokens")
    try:
        wait_ready(port, steady)
        # each user is known first (their permissions compiled), through another token: what
        # is timed below is the token, not the user
        first_uses(port, known, steady)
        for label, tokens, target in (
            ("a new token (fast hash)", fast, 1.0),
            ("a token hashed with argon2 before", [secret for _, secret in made_before], None),
        ):
            firsts, steadies, differences = first_uses(port, tokens, steady)
            slower = median(differences) * 1e3
            extra = {} if target is None else {"target": f"<= {target} ms", "met": slower <= target}
            report.add(
                f"first request with {label}, p50",
                median(firsts) * 1e3,
                "ms",
                baseline="steady request p50",
                baseline_value=median(steadies) * 1e3,
            )
            report.add(
                f"first request with {label}: slower than steady, p50",
                slower,
                "ms",
                **extra,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    report.save(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
