"""Propagation: how long after a change is committed through server A does server B enforce it?

Two real `jupyter server` processes share one policy database, SQLite then PostgreSQL (a private
cluster on loopback, as the tests start it). Each sample revokes (or grants back) a user's role
through A's API, then asks B as that user until B answers accordingly; the time from A's answer
to B's first right answer is the propagation latency. The baseline is one request round trip to
B in the same run: a change can never be seen sooner than the request that sees it.

    python bench/bench_propagation.py [--samples 40]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.postgres import PostgresCluster, server_bindir
from tests.support.servers import admin_and_viewer, isolated_env, start_server

sys.path.insert(0, str(Path(__file__).parent))
from results import Report, percentile


def measure(backend: str, db_url: str, samples: int, report: Report) -> None:
    work = Path(tempfile.mkdtemp(prefix=f"rbac-bench-prop-{backend}-"))
    tokens = admin_and_viewer(db_url)
    env = isolated_env(work)
    a = start_server(work, "a", db_url, tokens["boss"], env)
    b = start_server(work, "b", db_url, tokens["boss"], env)
    try:
        latencies, round_trips, polls = [], [], []
        for sample in range(samples):
            revoke = sample % 2 == 0
            expected = 403 if revoke else 200
            status, _ = a.request(
                "PATCH",
                "/api/rbac/roles/viewer",
                tokens["boss"],
                {"users": [] if revoke else ["bob"]},
            )
            committed = time.perf_counter()
            assert status == 200, status
            tries = 0
            while True:
                tries += 1
                started = time.perf_counter()
                status, _ = b.request("GET", "/api/contents", tokens["bob"])
                round_trips.append(time.perf_counter() - started)
                if status == expected:
                    break
                if time.perf_counter() - committed > 10:
                    raise RuntimeError(f"{backend}: B never saw the change")
            latencies.append(time.perf_counter() - committed)
            polls.append(tries)
        base = statistics.median(round_trips)
        median, p95 = statistics.median(latencies), percentile(latencies, 0.95)
        first = sum(1 for tries in polls if tries == 1)
        report.add(
            f"{backend}: change on A enforced by B, p50",
            median * 1e3,
            "ms",
            baseline="a request to B",
            baseline_value=base * 1e3,
        )
        report.add(
            f"{backend}: change on A enforced by B, p95",
            p95 * 1e3,
            "ms",
            baseline="a request to B",
            baseline_value=base * 1e3,
        )
        report.add(
            f"{backend}: first request to B after the commit already enforced it",
            first / samples * 100,
            "%",
            note=f"{first} of {samples}",
        )
    finally:
        a.stop()
        b.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--json", help="save the figures here (for bench/suite.py)")
    args = parser.parse_args()
    print(
        f"{args.samples} changes through server A, each followed by requests to server B until it enforces it"
    )
    report = Report("propagation")
    measure(
        "sqlite",
        f"sqlite:///{tempfile.mkdtemp(prefix='rbac-bench-prop-db-')}/policy.sqlite",
        args.samples,
        report,
    )
    bindir = server_bindir()
    if bindir is None:
        print("  postgresql skipped: no server binaries (apt-get install -y postgresql)")
    else:
        cluster = PostgresCluster(bindir).start()
        try:
            measure("postgresql", cluster.create_database("rbac_bench"), args.samples, report)
        finally:
            cluster.stop()
    report.save(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
