"""jupyter-rbac's decision beside the alternatives, on an equivalent policy, in one process.

- pycasbin's `Enforcer` and `FastEnforcer` (RBAC with role inheritance: users -> groups -> roles,
  permissions as (role, "resource:path glob", action) matched with globMatch);
- JupyterHub's own scope check (`jupyterhub.scopes.has_scope` on parsed scopes), for the checks
  its scope model can express (filters are exact names, not path globs).
The policy: 1,000 roles of 3 permissions each, 100 groups holding 5 roles each, 10,000 users each
holding 1 role and in 2 groups. Every engine answers the same requests, and the answers are
checked to agree before anything is timed. Path checks rotate through 5,000 distinct paths, so
no engine (ours remembers 1,024 decisions per grant) answers from a cache of decisions.

Needs the `bench` extra: pip install "jupyter-rbac[bench]".

    python bench/bench_alternatives.py [--json F]
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from results import Report, median, percentile

from jupyter_rbac.model import Catalog, compile_permissions

USERS, ROLES, GROUPS = 10_000, 1_000, 100
ACTIONS = ("read", "write", "execute")
IMPLIED = {"read": ("read",), "write": ("write", "read"), "execute": ("execute", "write", "read")}

CASBIN_MODEL = """
[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, obj, act

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub) && globMatch(r.obj, p.obj) && r.act == p.act
"""


def make_policy(rng: random.Random):
    """(role -> [(action, resource, glob)], group -> roles, user -> (role, groups))."""
    roles = {}
    for i in range(ROLES):
        roles[f"role{i}"] = [
            (rng.choice(ACTIONS), "contents", f"projects/p{rng.randrange(500)}/*"),
            (rng.choice(ACTIONS), "contents", f"shared/team{rng.randrange(100)}/docs/*"),
            ("read", "kernelspecs", "*"),
        ]
    group_roles = {f"group{g}": rng.sample(sorted(roles), 5) for g in range(GROUPS)}
    users = {
        f"user{u}": (f"role{rng.randrange(ROLES)}", rng.sample(sorted(group_roles), 2))
        for u in range(USERS)
    }
    return roles, group_roles, users


def our_scopes(permissions) -> list[str]:
    return [f"{a}:{r}" if glob == "*" else f"{a}:{r}!path={glob}" for a, r, glob in permissions]


def batch_ns(call, arguments, size: int = 10) -> list[float]:
    import time

    timer = time.perf_counter_ns
    samples = []
    for batch in (
        itertools.batched(arguments, size)
        if hasattr(itertools, "batched")
        else _batched(arguments, size)
    ):
        start = timer()
        for argument in batch:
            call(*argument)
        samples.append((timer() - start) / len(batch))
    return samples


def _batched(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000, help="timed checks per engine")
    parser.add_argument("--json", help="save the figures here (for bench/suite.py)")
    args = parser.parse_args()
    try:
        import casbin
        from casbin.model import FastModel
        from jupyterhub.scopes import has_scope, parse_scopes
    except ImportError as error:
        print(f"needs the bench extra (pip install 'jupyter-rbac[bench]'): {error}")
        return 2

    rng = random.Random(11)
    roles, group_roles, users = make_policy(rng)
    username = "user42"
    direct, groups = users[username]
    held = [direct] + [r for g in groups for r in group_roles[g]]
    permissions = [p for role in held for p in roles[role]]

    # ours: the compiled permissions of the user (what a request asks)
    ours = compile_permissions(Catalog(), our_scopes(permissions), username, groups)

    # casbin: the whole policy, as its RBAC model holds it
    enforcers = {}
    for label, cls in (
        ("casbin Enforcer", casbin.Enforcer),
        ("casbin FastEnforcer", casbin.FastEnforcer),
    ):
        if cls is casbin.FastEnforcer:
            # FastEnforcer pre-filters policy lines by request fields that must match exactly:
            # here the action (the subject goes through roles, the object through a glob).
            model = FastModel([2])
            model.load_model_from_text(CASBIN_MODEL)
            enforcer = cls(model, cache_key_order=[2])
        else:
            model = casbin.model.Model()
            model.load_model_from_text(CASBIN_MODEL)
            enforcer = cls(model)
        enforcer.add_policies(
            [
                [role, f"{r}:{glob}", action]
                for role, perms in roles.items()
                for a, r, glob in perms
                for action in IMPLIED[a]
            ]
        )
        enforcer.add_grouping_policies(
            [[u, direct] for u, (direct, _) in users.items()]
            + [[u, g] for u, (_, gs) in users.items() for g in gs]
            + [[g, role] for g, rs in group_roles.items() for role in rs]
        )
        enforcers[label] = enforcer

    # requests: paths under the user's granted folders and elsewhere, rotating
    granted = [glob[:-1] for _, r, glob in permissions if r == "contents"]
    paths = [
        f"{rng.choice(granted)}f{i}.ipynb" if i % 2 else f"other/p{i}/f.ipynb" for i in range(5000)
    ]
    requests = [(rng.choice(ACTIONS), paths[i % len(paths)]) for i in range(args.requests)]

    for action, path in requests[:2000]:
        expected = ours.allows_object(action, "contents", path)
        for label, enforcer in enforcers.items():
            assert enforcer.enforce(username, f"contents:{path}", action) == expected, (
                label,
                action,
                path,
            )
    print(
        f"{len(enforcers) + 1} engines agree on 2,000 path checks for {username} "
        f"({len(permissions)} permissions through {len(held)} roles)"
    )

    report = Report("against the alternatives")
    mine = batch_ns(lambda action, path: ours.allows_object(action, "contents", path), requests)
    our_p50 = median(mine)
    report.add("jupyter-rbac, path check, p50", our_p50, "ns")
    report.add("jupyter-rbac, path check, p99", percentile(mine, 0.99), "ns")
    for label, enforcer in enforcers.items():
        # casbin scans its policy lines per check (milliseconds here): fewer requests suffice
        theirs = batch_ns(
            lambda action, path, enforcer=enforcer: enforcer.enforce(
                username, f"contents:{path}", action
            ),
            requests[:300],
        )
        p50 = median(theirs)
        target = {"target": ">= 20x faster", "met": p50 >= 20 * our_p50} if "Fast" in label else {}
        report.add(
            f"{label}, path check, p50",
            p50,
            "ns",
            baseline="jupyter-rbac p50",
            baseline_value=our_p50,
            **target,
        )

    # JupyterHub: an owner-filtered check (its model has exact filters, no globs)
    hub_scopes = parse_scopes(
        [f"custom:jupyter_server:{a}:kernels!user=user{i}" for i in range(40) for a in ACTIONS]
        + ["custom:jupyter_server:read:kernelspecs"]
    )
    owner_scopes = [f"{a}:kernels!user=user{i}" for i in range(40) for a in ACTIONS] + [
        "read:kernelspecs"
    ]
    ours_owner = compile_permissions(Catalog(), owner_scopes, username, groups)
    owners = [(rng.choice(ACTIONS), f"user{rng.randrange(80)}") for _ in range(args.requests)]
    for action, owner in owners[:2000]:
        assert has_scope(
            f"custom:jupyter_server:{action}:kernels!user={owner}", hub_scopes
        ) == ours_owner.allows_object(action, "kernels", owner=owner)
    mine = batch_ns(
        lambda action, owner: ours_owner.allows_object(action, "kernels", owner=owner), owners
    )
    theirs = batch_ns(
        lambda action, owner: has_scope(
            f"custom:jupyter_server:{action}:kernels!user={owner}", hub_scopes
        ),
        owners,
    )
    report.add("jupyter-rbac, owner check, p50", median(mine), "ns")
    report.add(
        "jupyterhub.scopes.has_scope, owner check, p50",
        median(theirs),
        "ns",
        baseline="jupyter-rbac p50",
        baseline_value=median(mine),
    )
    report.save(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
