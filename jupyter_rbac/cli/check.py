"""`jupyter rbac check`: may a user do an action on a resource, and by which role and scope.

Exits 0 if so, 1 if not, so scripts can ask.
"""

from __future__ import annotations

import argparse

from ..policy import Decision
from .output import joined, print_fields, print_json, say
from .shell import Shell


def cmd_check(shell: Shell, args: argparse.Namespace) -> int:
    question = {
        "user": args.user,
        "action": args.action,
        "resource": args.resource,
        "path": args.path,
        "owner": args.owner,
    }
    decision = shell.service.check(shell.actor, question)
    if args.json:
        print_json(decision.to_json())
    else:
        print_decision(args, decision)
    return 0 if decision.allowed else 1


def print_decision(args: argparse.Namespace, decision: Decision) -> None:
    what = f"{args.action} {args.resource}"
    what += f" at {args.path}" if args.path is not None else ""
    what += f" owned by {args.owner}" if args.owner is not None else ""
    grant = decision.granted_by
    if grant is None:
        say(f"denied: {args.user} may not {what}")
        print_fields([("  missing scope", decision.missing_scope or "-")])
        return
    say(f"allowed: {args.user} may {what}")
    print_fields([("  role", grant.role), ("  scope", grant.scope), ("  via", joined(grant.via))])
