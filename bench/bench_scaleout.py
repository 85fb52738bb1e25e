"""Many servers, one policy: what an idle server costs PostgreSQL, and how fast a change reaches
every server.

A private PostgreSQL cluster on loopback and N real `jupyter server` processes with jupyter-rbac
on one policy database, for each N of `--servers` (servers are added to those already running).
At each N, once every server is idle: the connections each holds (`pg_stat_activity`) and the
transactions each sends per second while idle (`pg_stat_database`, over `--idle-window`
seconds). Then `--changes` changes committed to the database as another process commits them
(a role taken from bob, then given back), each followed by every server being asked as bob, in
parallel, until it enforces it: change-to-enforcement p50 and p99 over all servers and changes.
Baselines, in the same run: the first N's figures (the curve should be flat), and one request's
round trip to a server.

With `--pooler`, the servers reach the database through PgBouncer in transaction mode (their
pooled connections) while each one's change listener connects directly (`c.RBAC.db_listen_url`):
the deployment README.md describes for a thousand servers; it adds PostgreSQL's connections in
all, right after the changes, against N listeners and the pooler's pool.

    python bench/bench_scaleout.py [--servers 5,10,20] [--changes 10] [--idle-window 20] [--pooler]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.pgbouncer import PgBouncer
from tests.support.postgres import PostgresCluster, server_bindir
from tests.support.servers import Server, admin_and_viewer, isolated_env, start_server

sys.path.insert(0, str(Path(__file__).parent))
from results import Report, percentile

from jupyter_rbac.store import Store
from jupyter_rbac.store.engine import IDLE_POOL_SECONDS

DATABASE = "rbac_scaleout"
PROBE = "/api/contents"  # bob reads it as a viewer (200), and not without the role (403)
# Each server is asked this often after a change: at N = 20 that is 800 requests a second, which
# two cores share with the servers (asking faster measures the asking more than the servers).
POLL_SECONDS = 0.025
POOL_SIZE = 10  # PgBouncer's connections to PostgreSQL, with --pooler


def observe(cluster: PostgresCluster, sql: str) -> list[tuple]:
    """A query on the cluster's own `postgres` database (not counted against the policy's)."""
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres", autocommit=True
    ) as connection:
        return connection.execute(sql).fetchall()


def connections(cluster: PostgresCluster) -> int:
    return observe(
        cluster,
        "SELECT count(*) FROM pg_stat_activity"
        f" WHERE datname = '{DATABASE}' AND application_name = 'jupyter-rbac'",
    )[0][0]


def all_connections(cluster: PostgresCluster) -> int:
    """Every connection to the policy database: the servers', the pooler's, the bench's."""
    return observe(cluster, f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{DATABASE}'")[
        0
    ][0]


def transactions(cluster: PostgresCluster) -> int:
    return observe(
        cluster,
        f"SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '{DATABASE}'",
    )[0][0]


class Asker:
    """Asks one server as bob over a kept-alive connection (one thread each)."""

    def __init__(self, server: Server, token: str):
        url = urlparse(server.url)
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        self.headers = {"Authorization": f"token {token}"}

    def status(self) -> int:
        self.connection.request("GET", PROBE, headers=self.headers)
        response = self.connection.getresponse()
        response.read()
        return response.status

    def until(self, expected: int, committed: float, give_up: float = 30) -> float:
        """Seconds from `committed` until this server answers `expected`."""
        while True:
            if self.status() == expected:
                return time.perf_counter() - committed
            if time.perf_counter() - committed > give_up:
                raise RuntimeError(f"a server never enforced the change ({expected})")
            time.sleep(POLL_SECONDS)


def measure(
    cluster: PostgresCluster,
    store: Store,
    servers: list[Server],
    token: str,
    args: argparse.Namespace,
    report: Report,
    first: dict,
) -> None:
    n = len(servers)
    store.engine.dispose()  # the bench's own connection is not a server's (it reopens to write)
    time.sleep(IDLE_POOL_SECONDS + 12)  # the pools close, and what they did is counted
    held = connections(cluster) / n
    before = transactions(cluster)
    time.sleep(args.idle_window)
    idle = (transactions(cluster) - before) / args.idle_window / n

    askers = [Asker(server, token) for server in servers]
    round_trips = []
    for asker in askers:
        started = time.perf_counter()
        asker.status()
        round_trips.append(time.perf_counter() - started)
    latencies: list[float] = []
    with ThreadPoolExecutor(max_workers=n) as pool:
        for change in range(args.changes):
            revoke = change % 2 == 0
            store.update_role("viewer", users=[] if revoke else ["bob"], actor="bench")
            committed = time.perf_counter()
            expected = 403 if revoke else 200
            latencies += pool.map(Asker.until, askers, [expected] * n, [committed] * n)
        in_all = all_connections(cluster)
        if args.changes % 2:  # bob is a viewer again for the next N
            store.update_role("viewer", users=["bob"], actor="bench")
    for asker in askers:
        asker.connection.close()

    first.setdefault("held", held)
    first.setdefault("idle", idle)
    first.setdefault("p50", statistics.median(latencies))
    report.add(
        f"N={n}: connections per idle server",
        held,
        "",
        baseline=f"N={first['n']}",
        baseline_value=first["held"],
        target="<= 1",
        met=held <= 1,
    )
    report.add(
        f"N={n}: transactions per idle server per second",
        idle,
        "/s",
        target="0",
        met=idle == 0,
        note=f"over {args.idle_window:.0f} s",
    )
    if args.pooler:
        report.add(
            f"N={n}: PostgreSQL connections in all, through PgBouncer",
            in_all,
            "",
            baseline="N listeners + the pool + the bench's 1",
            baseline_value=n + POOL_SIZE + 1,
            target="<= baseline",
            met=in_all <= n + POOL_SIZE + 1,
        )
    p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
    report.add(
        f"N={n}: change to enforcement on every server, p50",
        p50 * 1e3,
        "ms",
        baseline="a request's round trip",
        baseline_value=statistics.median(round_trips) * 1e3,
    )
    report.add(
        f"N={n}: change to enforcement on every server, p99",
        p99 * 1e3,
        "ms",
        target="<= 1,000 ms",
        met=p99 <= 1.0,
        note=f"{len(latencies)} answers ({args.changes} changes x {n} servers)",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", default="5,10,20", help="the N to measure, ascending")
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--idle-window", type=float, default=20.0)
    parser.add_argument("--json", help="save the figures here (for bench/suite.py)")
    parser.add_argument(
        "--pooler", action="store_true", help="servers through PgBouncer, listeners direct"
    )
    args = parser.parse_args()
    counts = [int(n) for n in args.servers.split(",")]
    bindir = server_bindir()
    if bindir is None:
        print("no PostgreSQL server binaries (apt-get install -y postgresql)")
        return 1
    report = Report("many servers, one policy")
    cluster = PostgresCluster(bindir).start(max_connections=max(counts) * 3 + 20)
    work = Path(tempfile.mkdtemp(prefix="rbac-bench-scaleout-"))
    servers: list[Server] = []
    bouncer = None
    try:
        db_url = cluster.create_database(DATABASE)
        tokens = admin_and_viewer(db_url)
        env = isolated_env(work)
        store = Store.open(db_url)
        server_url, options = db_url, []
        if args.pooler:
            bouncer = PgBouncer(cluster, DATABASE, pool_size=POOL_SIZE).start()
            server_url, options = bouncer.url, [f"--RBAC.db_listen_url={db_url}"]
        first: dict = {"n": counts[0]}
        for n in counts:
            while len(servers) < n:
                name = f"s{len(servers)}"
                servers.append(start_server(work, name, server_url, tokens["boss"], env, options))
            print(f"  {n} servers running", flush=True)
            measure(cluster, store, servers, tokens["bob"], args, report, first)
        store.close()
    finally:
        for server in servers:
            server.stop()
        if bouncer is not None:
            bouncer.stop()
        cluster.stop()
    report.save(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
