"""Does a user feel jupyter-rbac? Whole requests through two real servers, side by side.

Starts two `jupyter server` processes on loopback: a baseline with jupyter-rbac disabled
(jupyter_server's AllowAllAuthorizer and its shared token) and one with jupyter-rbac (an
`editor` user's own token). Requests alternate between them, in alternating order, over
keep-alive connections; the figures are median latencies and their ratio.

    python bench/bench_requests.py [--rounds 2000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# (label, path, which jupyter-rbac user): "editor" holds unfiltered scopes, "filtered" holds
# `read:contents!path=notes/**`, so every check and every listed entry goes through a glob.
REQUESTS = [
    ("GET /api/contents/notes/a.txt, editor", "/api/contents/notes/a.txt", "editor"),
    ("GET /api/contents/notes/a.txt, path filter", "/api/contents/notes/a.txt", "filtered"),
    ("GET /api/kernelspecs, editor", "/api/kernelspecs", "editor"),
    ("GET /api/contents/notes (20 entries), editor", "/api/contents/notes", "editor"),
    ("GET /api/contents/notes (20 entries), path filter", "/api/contents/notes", "filtered"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVER_CPUS = {1} if (os.cpu_count() or 1) > 1 else None  # servers on one core, the client on another
CLIENT_CPUS = {0} if SERVER_CPUS else None


def start_server(root: Path, port: int, extra: list[str], env: dict) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "jupyter_server", "--allow-root", "--no-browser",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={root}", "--ServerApp.log_level=WARN", *extra,
    ]
    pin = (lambda: os.sched_setaffinity(0, SERVER_CPUS)) if SERVER_CPUS else None
    return subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=pin
    )


def wait_ready(port: int, token: str, deadline: float = 60) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/kernelspecs", headers={"Authorization": f"token {token}"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server on port {port} did not become ready")


def timed_get(connection: http.client.HTTPConnection, path: str, headers: dict) -> float:
    start = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="rbac-bench-req-"))
    root = work / "root"
    (root / "notes").mkdir(parents=True)
    for i in range(20):
        (root / "notes" / f"{'a' if i == 0 else i}.txt").write_text("x" * 200)
    db_url = f"sqlite:///{work / 'policy.sqlite'}"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(work / "config"), "JUPYTER_DATA_DIR": str(work / "data")}
    (work / "config").mkdir()
    (work / "config" / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": {"jupyter_rbac": False}}})
    )

    cli = [sys.executable, "-m", "jupyter_rbac.cli", "--db-url", db_url]
    subprocess.run([*cli, "init", "--admin", "boss"], check=True, capture_output=True, env=env)
    subprocess.run([*cli, "user", "create", "ed", "--role", "editor"], check=True, capture_output=True, env=env)
    subprocess.run(
        [*cli, "role", "create", "notes-reader", "--scope", "read:contents!path=notes/**", "--scope", "read:kernelspecs"],
        check=True, capture_output=True, env=env,
    )
    subprocess.run([*cli, "user", "create", "fil", "--role", "notes-reader"], check=True, capture_output=True, env=env)

    def token_for(name: str) -> str:
        return subprocess.run(
            [*cli, "token", "create", name], check=True, capture_output=True, text=True, env=env
        ).stdout.strip()

    rbac_tokens = {"editor": token_for("ed"), "filtered": token_for("fil")}
    base_token = "baseline-shared-token"

    base_port, rbac_port = free_port(), free_port()
    baseline = start_server(root, base_port, [f"--IdentityProvider.token={base_token}"], env)
    rbac = start_server(
        root, rbac_port,
        ["--ServerApp.jpserver_extensions=jupyter_rbac=True", f"--RBAC.db_url={db_url}"],
        env,
    )
    try:
        wait_ready(base_port, base_token)
        wait_ready(rbac_port, rbac_tokens["editor"])
        base_conn = http.client.HTTPConnection("127.0.0.1", base_port)
        rbac_conn = http.client.HTTPConnection("127.0.0.1", rbac_port)
        base_headers = {"Authorization": f"token {base_token}"}
        if CLIENT_CPUS:
            os.sched_setaffinity(0, CLIENT_CPUS)
        blocks = 5
        print(
            f"{args.rounds} rounds per request in {blocks} blocks, alternating servers; "
            "median latency over all rounds; ratio = median over blocks of each block's ratio "
            "(min-max across blocks)"
        )
        worst = 0.0
        for name, path, who in REQUESTS:
            rbac_headers = {"Authorization": f"token {rbac_tokens[who]}"}
            base_times, rbac_times = [], []
            for _ in range(100):  # warm both up
                timed_get(base_conn, path, base_headers)
                timed_get(rbac_conn, path, rbac_headers)
            ratios = []
            for _ in range(blocks):
                block_base, block_rbac = [], []
                for i in range(args.rounds // blocks):
                    if i % 2:
                        block_base.append(timed_get(base_conn, path, base_headers))
                        block_rbac.append(timed_get(rbac_conn, path, rbac_headers))
                    else:
                        block_rbac.append(timed_get(rbac_conn, path, rbac_headers))
                        block_base.append(timed_get(base_conn, path, base_headers))
                ratios.append(statistics.median(block_rbac) / statistics.median(block_base))
                base_times += block_base
                rbac_times += block_rbac
            base_ms = statistics.median(base_times) * 1e3
            rbac_ms = statistics.median(rbac_times) * 1e3
            ratio = statistics.median(ratios)
            worst = max(worst, ratio)
            print(
                f"  {name:50s} AllowAll {base_ms:6.3f} ms   jupyter-rbac {rbac_ms:6.3f} ms   "
                f"ratio {ratio:5.3f} ({min(ratios):.3f}-{max(ratios):.3f})"
            )
        print(f"worst ratio: {worst:.3f} (target: within 1.02)")
    finally:
        for process in (baseline, rbac):
            process.terminate()
        for process in (baseline, rbac):
            process.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
