"""`jupyter rbac audit`: the audit trail, newest first, filtered by actor, target or kind."""

from __future__ import annotations

import argparse
import json

from .output import print_json, print_table
from .shell import Shell


def cmd_audit(shell: Shell, args: argparse.Namespace) -> None:
    filters = {"limit": args.limit, "actor": args.actor, "target": args.target, "kind": args.kind}
    events = shell.service.audit(shell.actor, filters).items
    if args.json:
        print_json([event.to_json() for event in events])
        return
    print_table(
        ["ID", "AT", "ACTOR", "ACTION", "TARGET", "DETAIL"],
        [
            [
                str(e.id),
                e.at.strftime("%Y-%m-%d %H:%M:%S"),
                e.actor,
                e.action,
                e.target,
                json.dumps(e.detail),
            ]
            for e in events
        ],
    )
