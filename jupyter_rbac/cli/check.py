"""`jupyter rbac check`: may a user do an action on a resource, and by which role and scope.

Exits 0 if so, 1 if not, so scripts can ask.
"""

from __future__ import annotations

import argparse

from ..policy import Decision
from ..sandbox.folders import code_folders
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
    runs_code = decision.allowed and args.resource in CODE_RESOURCES and args.action == "execute"
    if args.json:
        answer = decision.to_json()
        if runs_code:
            answer["code"] = code_note(shell, args.user)
        print_json(answer)
    else:
        code = (("  code", code_note(shell, args.user)["says"]),) if runs_code else ()
        print_decision(args, decision, code)
    return 0 if decision.allowed else 1


def code_note(shell: Shell, user: str) -> dict:
    """Where the code `user` runs may reach, as the server's c.RBAC.sandbox makes it."""
    permissions = shell.service.policy.permissions(user)
    if shell.rbac.sandbox == "off":
        return {
            "sandbox": "off",
            "says": "runs unconfined (c.RBAC.sandbox = 'off'): it can do everything the server's"
            " user can",
        }
    if permissions.is_all:
        return {"sandbox": "landlock", "says": "runs unconfined (they hold all)"}
    reach = code_folders(permissions)
    return {
        "sandbox": "landlock",
        **reach.to_json(),
        "says": f"runs in a Landlock sandbox: writes in {_places(reach.write + reach.write_files)};"
        f" reads {_places(reach.read + reach.read_files)} (where Landlock is missing, the server"
        " refuses to start it)",
    }


def _places(paths: tuple[str, ...]) -> str:
    return ", ".join(path or "the whole served folder" for path in paths) or "nothing"


# Resources whose `execute` runs code (kernels, terminals): `check` says where that code reaches.
CODE_RESOURCES = ("kernels", "terminals")


def print_decision(
    args: argparse.Namespace, decision: Decision, more: tuple[tuple[str, str], ...] = ()
) -> None:
    what = f"{args.action} {args.resource}"
    what += f" at {args.path}" if args.path is not None else ""
    what += f" owned by {args.owner}" if args.owner is not None else ""
    grant = decision.granted_by
    if grant is None:
        say(f"denied: {args.user} may not {what}")
        print_fields([("  missing scope", decision.missing_scope or "-")])
        return
    say(f"allowed: {args.user} may {what}")
    via = joined(grant.via)
    if grant.share is not None:  # "share 3: projects/x, shared by ann"
        share = grant.share
        via = f"share {share.id}: {share.path or '(the root)'}, shared by {share.created_by}"
    print_fields([("  role", grant.role), ("  scope", grant.scope), ("  via", via), *more])
