"""Does a user feel jupyter-rbac? Whole requests through two real servers, side by side.

Starts two `jupyter server` processes on loopback (pinned to one core, the client on the other):
a baseline with jupyter-rbac disabled (jupyter_server's AllowAllAuthorizer and its shared token)
and one with jupyter-rbac (an `editor` user's own token, or a user whose only contents scope is
filtered to some paths). A load generator (several keep-alive connections) drives one server at
a time for a short block, alternating servers block by block; the figure is requests per second
(median over blocks) and its ratio to the baseline. A folder of 1,000 files gives the cost of a
filtered listing per entry.

    python bench/bench_requests.py [--seconds 2 --blocks 3 --connections 4] [--json F]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# (label, path, which jupyter-rbac user): "editor" holds unfiltered scopes, "filtered" holds
# `read:contents!path=notes/**`, so every check and every listed entry goes through a glob.
REQUESTS = [
    ("GET /api/status, editor", "/api/status", "editor"),
    ("GET /api/kernels, editor", "/api/kernels", "editor"),
    ("GET /api/kernelspecs, editor", "/api/kernelspecs", "editor"),
    ("GET /api/contents/notes/a.txt, editor", "/api/contents/notes/a.txt", "editor"),
    ("GET /api/contents/notes/a.txt, path filter", "/api/contents/notes/a.txt", "filtered"),
    ("GET /api/contents/big (1,000 files), editor", "/api/contents/big?content=1", "editor"),
    ("GET /api/contents/big (1,000 files), path filter", "/api/contents/big?content=1", "filtered"),
]
BIG_FOLDER = 1_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVER_CPUS = (
    {1} if (os.cpu_count() or 1) > 1 else None
)  # servers on one core, the client on another
CLIENT_CPUS = {0} if SERVER_CPUS else None


def start_server(root: Path, port: int, extra: list[str], env: dict) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "jupyter_server",
        "--allow-root",
        "--no-browser",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.log_level=WARN",
        *extra,
    ]
    pin = (lambda: os.sched_setaffinity(0, SERVER_CPUS)) if SERVER_CPUS else None
    return subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=pin,  # noqa: PLW1509  # started before any thread of the benchmark's own
    )


def wait_ready(port: int, token: str, deadline: float = 60) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request(
                "GET", "/api/kernelspecs", headers={"Authorization": f"token {token}"}
            )
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


MIN_REQUESTS = 40  # per block: slow requests (a 1,000-file listing) run longer than `seconds`


def throughput(port: int, path: str, headers: dict, seconds: float, connections: int) -> float:
    """Requests per second that `connections` keep-alive clients get from one server."""
    done = [0] * connections
    stop = time.monotonic() + seconds

    def client(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port)
        while time.monotonic() < stop or sum(done) < MIN_REQUESTS:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")
            done[slot] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(slot,)) for slot in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one block")
    parser.add_argument("--blocks", type=int, default=3, help="blocks per server and request")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--json", help="save the figures here (for bench/suite.py)")
    args = parser.parse_args()
    from results import Report, median

    work = Path(tempfile.mkdtemp(prefix="rbac-bench-req-"))
    root = work / "root"
    (root / "notes").mkdir(parents=True)
    for i in range(20):
        (root / "notes" / f"{'a' if i == 0 else i}.txt").write_text("x" * 200)
    (root / "big").mkdir()
    for i in range(BIG_FOLDER):
        (root / "big" / f"f{i:04d}.txt").write_text("x")
    db_url = f"sqlite:///{work / 'policy.sqlite'}"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(work / "config"),
        "JUPYTER_DATA_DIR": str(work / "data"),
    }
    (work / "config").mkdir()
    (work / "config" / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": {"jupyter_rbac": False}}})
    )

    cli = [sys.executable, "-m", "jupyter_rbac.cli", "--db-url", db_url]
    subprocess.run([*cli, "init", "--admin", "boss"], check=True, capture_output=True, env=env)
    subprocess.run(
        [*cli, "user", "create", "ed", "--role", "editor"], check=True, capture_output=True, env=env
    )
    # The filtered user reads notes/ and a tenth of big/ (f00**-f09**): the listing is filtered.
    subprocess.run(
        [
            *cli,
            "role",
            "create",
            "notes-reader",
            "--scope",
            "read:contents!path=notes/**",
            "--scope",
            "read:contents!path=big/f00*",
            "--scope",
            "read:kernelspecs",
            "--scope",
            "read:kernels",
            "--scope",
            "read:api",
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    subprocess.run(
        [*cli, "user", "create", "fil", "--role", "notes-reader"],
        check=True,
        capture_output=True,
        env=env,
    )

    def token_for(name: str) -> str:
        return subprocess.run(
            [*cli, "token", "create", name], check=True, capture_output=True, text=True, env=env
        ).stdout.strip()

    rbac_tokens = {"editor": token_for("ed"), "filtered": token_for("fil")}
    base_token = "baseline-shared-token"

    base_port, rbac_port = free_port(), free_port()
    baseline = start_server(root, base_port, [f"--IdentityProvider.token={base_token}"], env)
    rbac = start_server(
        root,
        rbac_port,
        ["--ServerApp.jpserver_extensions=jupyter_rbac=True", f"--RBAC.db_url={db_url}"],
        env,
    )
    report = Report("whole requests")
    try:
        wait_ready(base_port, base_token)
        wait_ready(rbac_port, rbac_tokens["editor"])
        if CLIENT_CPUS:
            os.sched_setaffinity(0, CLIENT_CPUS)
        base_headers = {"Authorization": f"token {base_token}"}
        print(
            f"{args.connections} keep-alive connections; {args.blocks} blocks of {args.seconds} s per "
            "server, alternating; requests per second, median over blocks"
        )
        rates: dict[str, tuple[float, float]] = {}
        for name, path, who in REQUESTS:
            rbac_headers = {"Authorization": f"token {rbac_tokens[who]}"}
            throughput(base_port, path, base_headers, 0.3, args.connections)  # warm both up
            throughput(rbac_port, path, rbac_headers, 0.3, args.connections)
            base_rates, rbac_rates = [], []
            for block in range(args.blocks):
                order = [
                    (base_port, base_headers, base_rates),
                    (rbac_port, rbac_headers, rbac_rates),
                ]
                for port, headers, rates_of in order if block % 2 == 0 else reversed(order):
                    rates_of.append(throughput(port, path, headers, args.seconds, args.connections))
            base_rate, rbac_rate = median(base_rates), median(rbac_rates)
            rates[name] = (base_rate, rbac_rate)
            report.add(
                f"{name}, jupyter-rbac",
                rbac_rate,
                "req/s",
                baseline="AllowAll req/s",
                baseline_value=base_rate,
                target=">= 0.98x",
                met=rbac_rate >= 0.98 * base_rate,
            )
        for who in ("editor", "path filter"):
            base_rate, rbac_rate = rates[f"GET /api/contents/big (1,000 files), {who}"]
            extra_us = (1 / rbac_rate - 1 / base_rate) * 1e6
            report.add(f"listing 1,000 files, {who}: cost per entry", extra_us / BIG_FOLDER, "us")
    finally:
        for process in (baseline, rbac):
            process.terminate()
        for process in (baseline, rbac):
            process.wait(timeout=30)
    report.save(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
