"""`jupyter rbac token ...`: a user's API tokens (a new one's secret is printed once)."""

from __future__ import annotations

import argparse

from .output import joined, print_json, print_table, say
from .shell import Shell


def cmd_token_create(shell: Shell, args: argparse.Namespace) -> None:
    _, secret = shell.service.create_token(
        args.user, note=args.note, scopes=args.scope, expires_in=args.expires_in, actor=shell.actor
    )
    print(secret)  # alone on stdout, for `TOKEN=$(jupyter rbac token create ...)`


def cmd_token_list(shell: Shell, args: argparse.Namespace) -> None:
    tokens = shell.service.list_tokens(shell.actor, args.user)
    if args.json:
        print_json([token.to_json() for token in tokens])
        return
    print_table(
        ["ID", "PREFIX", "SCOPES", "CREATED", "EXPIRES", "NOTE"],
        [
            [
                str(t.id),
                t.prefix,
                joined(t.scopes) if t.scopes is not None else "(all of the user's)",
                t.created_at.strftime("%Y-%m-%d %H:%M"),
                t.expires_at.strftime("%Y-%m-%d %H:%M") if t.expires_at else "never",
                t.note + (" (one-time)" if t.one_time else ""),
            ]
            for t in tokens
        ],
    )


def cmd_token_revoke(shell: Shell, args: argparse.Namespace) -> None:
    shell.service.delete_token(shell.actor, args.user, args.id)
    say(f"revoked token {args.id} of {args.user}")
