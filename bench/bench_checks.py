"""How much does a check cost? `is_authorized` on a real server app, beside a frozenset floor.

A policy of N users, 1,000 roles and 100 groups goes into a SQLite file; a real ServerApp with
jupyter-rbac is initialised on it (not listening), and real handlers are made for real request
objects. Hot checks (the user's permissions compiled) and the floor, a plain `frozenset`
membership test in the same process, are timed in batches of 10 calls: p50 and p99 of the
per-call times. Cold checks: the first check after a committed change of a role's scopes (the
next request's refresh, the part of the policy it touched read again, and a recompile if the
role is the user's), one sample per change; the reload alone beside reading the whole policy
again. `--memory` adds the process's
resident memory with every user's permissions compiled.

    python bench/bench_checks.py [--users 10000 --roles 1000 --groups 100] [--memory] [--json F]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert
from tornado.httputil import HTTPHeaders, HTTPServerRequest

from jupyter_rbac.enforcement.context import RequestContext


def fill_policy(db_url: str, users: int, roles: int, groups: int) -> None:
    """Bulk-load a large policy through the real schema (the store's own migrations)."""
    from jupyter_rbac.store import Store
    from jupyter_rbac.store.models import Group, Role, User, group_members, role_groups, role_users

    store = Store.open(db_url)
    rng = random.Random(7)
    scope_pool = [
        "read:contents!path=projects/{group}/**",
        "write:contents!path=home/{user}/**",
        "execute:kernels!user={user}",
        "read:kernelspecs",
        "read:lab",
        "read:sessions",
        "write:contents!path=shared/team-*/docs/**",
    ]
    with store.engine.begin() as db:
        db.execute(
            insert(Role),
            [
                {
                    "name": f"role{i}",
                    "description": "",
                    "scopes": rng.sample(scope_pool, 3),
                    "builtin": False,
                }
                for i in range(roles)
            ],
        )
        db.execute(
            insert(User), [{"name": f"user{i}", "display_name": f"User {i}"} for i in range(users)]
        )
        db.execute(insert(Group), [{"name": f"group{i}", "description": ""} for i in range(groups)])
        role_ids = [r for (r,) in db.execute(Role.__table__.select().with_only_columns(Role.id))]
        user_ids = [u for (u,) in db.execute(User.__table__.select().with_only_columns(User.id))]
        group_ids = [g for (g,) in db.execute(Group.__table__.select().with_only_columns(Group.id))]
        db.execute(
            insert(role_users), [{"role_id": rng.choice(role_ids), "user_id": u} for u in user_ids]
        )
        db.execute(
            insert(group_members),
            [{"group_id": g, "user_id": u} for u in user_ids for g in rng.sample(group_ids, 2)],
        )
        db.execute(
            insert(role_groups),
            [{"role_id": r, "group_id": g} for g in group_ids for r in rng.sample(role_ids, 5)],
        )
    store.close()


def make_server(root: Path, db_url: str, cached_users: int = 1000):
    from jupyter_server.serverapp import ServerApp
    from traitlets.config import Config

    config = Config()
    config.ServerApp.jpserver_extensions = {"jupyter_rbac": True}
    config.RBAC.db_url = db_url
    config.RBAC.initial_admin = "user0"
    config.RBAC.permissions_cache_size = cached_users
    server = ServerApp(config=config)
    server.initialize(
        argv=["--allow-root", "--ServerApp.open_browser=False", f"--ServerApp.root_dir={root}"],
        find_extensions=False,
    )
    return server


def make_handler(server, handler_class, uri: str, **path_kwargs):
    request = HTTPServerRequest(
        method="GET", uri=uri, headers=HTTPHeaders(), connection=_Connection()
    )
    handler = handler_class(server.web_app, request)
    handler.rbac_context = RequestContext()  # what the route guard gives every request
    handler.path_kwargs = path_kwargs
    handler.path_args = []
    return handler


class _Connection:
    """The least a tornado request needs to exist outside a socket (no I/O is done)."""

    def set_close_callback(self, callback):
        pass


def batch_ns(call, batches: int, size: int = 10) -> list[float]:
    """Per-call times (ns) of `batches` timed batches of `size` calls each (a batch, not a
    single call, is timed so that the clock's own cost stays small beside a ~50 ns floor)."""
    timer = time.perf_counter_ns
    samples = []
    for _ in range(batches):
        start = timer()
        for _ in range(size):
            call()
        samples.append((timer() - start) / size)
    return samples


def rss_mb() -> float:
    """This process's resident memory, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--roles", type=int, default=1_000)
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--batches", type=int, default=20_000, help="timed batches of 10 checks")
    parser.add_argument(
        "--changes", type=int, default=30, help="policy changes for the cold checks"
    )
    parser.add_argument(
        "--memory", action="store_true", help="also measure memory with every user cached"
    )
    parser.add_argument("--json", help="save the figures here (for bench/suite.py)")
    args = parser.parse_args()

    from jupyter_server.auth import User
    from jupyter_server.services.contents.handlers import ContentsHandler
    from jupyter_server.services.kernelspecs.handlers import MainKernelSpecHandler

    sys.path.insert(0, str(Path(__file__).parent))
    from results import Report, median, percentile

    workdir = Path(tempfile.mkdtemp(prefix="rbac-bench-"))
    db_url = f"sqlite:///{workdir / 'policy.sqlite'}"
    started = time.perf_counter()
    fill_policy(db_url, args.users, args.roles, args.groups)
    size = f"{args.users:,} users"
    print(
        f"policy: {args.users} users, {args.roles} roles, {args.groups} groups "
        f"(loaded in {time.perf_counter() - started:.1f} s); python {sys.version.split()[0]}"
    )
    # with --memory every user stays cached: memory per cached user is measured
    server = make_server(workdir, db_url, args.users if args.memory else 1000)
    extension = server.extension_manager.extension_points["jupyter_rbac"].app
    authorizer, policy, store = server.authorizer, extension.policy, extension.store

    name = f"user{min(42, args.users - 1)}"
    user = User(username=name)
    groups = sorted(policy.groups_of(name))
    contents = make_handler(
        server,
        ContentsHandler,
        f"/api/contents/projects/{groups[0]}/a.ipynb",
        path=f"projects/{groups[0]}/a.ipynb",
    )
    kernelspecs = make_handler(server, MainKernelSpecHandler, "/api/kernelspecs")
    assert authorizer.is_authorized(contents, user, "read", "contents")
    assert authorizer.is_authorized(kernelspecs, user, "read", "kernelspecs")

    floor_set = frozenset(f"scope{i}" for i in range(64)) | {"read:kernelspecs"}
    check = authorizer.is_authorized
    floor = batch_ns(lambda: "read:kernelspecs" in floor_set, args.batches)
    hot_plain = batch_ns(lambda: check(kernelspecs, user, "read", "kernelspecs"), args.batches)
    hot_path = batch_ns(lambda: check(contents, user, "read", "contents"), args.batches)

    held = min(store.user_record(name).roles)  # a role the user holds directly
    not_held = next(
        f"role{i}" for i in range(args.roles) if f"role{i}" not in policy.roles_of(name)
    )
    scope_sets = [["read:kernelspecs", "read:lab"], ["read:kernelspecs", "read:sessions"]]

    def change(role: str, number: int) -> None:
        """A change of `role`'s scopes, committed (the user's checks stay allowed)."""
        scopes = [*scope_sets[number % 2], "read:contents!path=projects/{group}/**"]
        store.update_role(role, scopes=scopes)

    def cold_check(role: str, number: int) -> float:
        """A change committed, then the next request's refresh and first check."""
        change(role, number)
        start = time.perf_counter_ns()
        policy.refresh()
        contents.rbac_context = RequestContext()  # a new request: permissions looked up again
        check(contents, user, "read", "contents")
        return time.perf_counter_ns() - start

    def reload_alone(role: str, number: int, whole: bool) -> float:
        """A change committed, then the refresh that takes it: in part, or everything read."""
        change(role, number)
        start = time.perf_counter_ns()
        policy.reload() if whole else policy.refresh()
        return time.perf_counter_ns() - start

    cold = [cold_check(not_held, n) for n in range(args.changes)]
    cold_held = [cold_check(held, n) for n in range(args.changes)]
    assert policy.full_reloads == 0, "every change was taken in part"
    reloads = [reload_alone(held, n, whole=False) for n in range(args.changes)]
    whole_reloads = [reload_alone(held, n, whole=True) for n in range(args.changes)]
    policy.refresh()

    report = Report("check cost")
    floor_p50, floor_p99 = median(floor), percentile(floor, 0.99)
    report.add(f"frozenset membership, p50 ({size})", floor_p50, "ns")
    report.add(f"frozenset membership, p99 ({size})", floor_p99, "ns")
    for label, samples in (
        ("unfiltered scope (kernelspecs)", hot_plain),
        ("path-filtered scope (contents)", hot_path),
    ):
        p50 = median(samples)
        report.add(
            f"hot check, {label}, p50 ({size})",
            p50,
            "ns",
            baseline="frozenset p50",
            baseline_value=floor_p50,
            target="<= 25x",
            met=p50 <= 25 * floor_p50,
        )
        report.add(
            f"hot check, {label}, p99 ({size})",
            percentile(samples, 0.99),
            "ns",
            baseline="frozenset p99",
            baseline_value=floor_p99,
        )
    hot_p50 = median(hot_path) / 1e3
    for label, samples in (("a role of others", cold), ("a role the user holds", cold_held)):
        p50 = median(samples) / 1e3
        report.add(
            f"check after a change of {label}, p50 ({size})",
            p50,
            "us",
            baseline="hot path-filtered p50",
            baseline_value=hot_p50,
            target="<= baseline + 1,000 us",
            met=p50 <= hot_p50 + 1000,
        )
        report.add(
            f"check after a change of {label}, p99 ({size})",
            percentile(samples, 0.99) / 1e3,
            "us",
            baseline="hot path-filtered p99",
            baseline_value=percentile(hot_path, 0.99) / 1e3,
        )
    reload_p50 = median(reloads) / 1e3
    report.add(
        f"reload after a change, in part, p50 ({size})",
        reload_p50,
        "us",
        baseline="the whole policy read again, p50",
        baseline_value=median(whole_reloads) / 1e3,
        target="<= 200 us",
        met=reload_p50 <= 200,
    )

    if args.memory:
        memory = Report("memory")
        from jupyter_rbac.policy import DEFAULT_CACHE_SIZE, Policy

        # every user seen once by a server keeping the default number of them
        before = rss_mb()
        seen = Policy(store, policy.catalog)
        for i in range(args.users):
            seen.permissions(f"user{i}")
        seen_rss = rss_mb()
        memory.add(
            f"server process RSS, {size} seen ({DEFAULT_CACHE_SIZE:,} kept)",
            seen_rss,
            "MB",
            baseline="RSS before",
            baseline_value=before,
            target="<= baseline + 100 MB",
            met=seen_rss <= before + 100,
        )
        del seen
        before = rss_mb()
        started = time.perf_counter()
        for i in range(args.users):
            policy.permissions(f"user{i}")
        compiled_s = time.perf_counter() - started
        after = rss_mb()
        memory.add(
            f"server process RSS, {size} cached",
            after,
            "MB",
            baseline="RSS before caching",
            baseline_value=before,
        )
        memory.add("memory per cached user", (after - before) * 1024 * 1024 / args.users, "bytes")
        memory.add(
            "compiling every user's permissions, per user", compiled_s / args.users * 1e6, "us"
        )
        report.figures += memory.figures
    report.save(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
