"""`jupyter rbac invite`, `invitations`, `users passwd` and `users sign-out`: accounts from a shell.

Through the same AccountService as the REST API.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from ..services.accounts import AccountService, AccountSettings, check_password
from ..store import hash_password
from .output import joined, print_json, print_table, say
from .shell import Mistake, Shell

DEFAULT_SERVER_URL = "http://localhost:8888/"


def accounts_of(shell: Shell) -> AccountService:
    rbac = shell.rbac
    return AccountService(
        shell.service,
        AccountSettings(
            passwords=rbac.allow_passwords,
            editable_fields=tuple(rbac.user_editable_fields),
            invitation_lifetime=rbac.invitation_lifetime,
        ),
    )


def cmd_invite(shell: Shell, args: argparse.Namespace) -> None:
    invited = accounts_of(shell).invite(
        shell.actor,
        args.name,
        display_name=args.display_name,
        roles=args.role,
        groups=args.group,
        password=False if args.no_password else None,
        expires_in=args.expires_in,
        sign_in=args.sign_in,
    )
    expires = invited.invitation.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    what = "a sign-in link for" if args.sign_in else "invited"
    say(f"{what} {args.name}; the link works once, until {expires}:", file=sys.stderr)
    print(f"{args.url.rstrip('/')}/rbac/invite?code={invited.code}")  # alone on stdout


def cmd_invitations_list(shell: Shell, args: argparse.Namespace) -> None:
    invitations = accounts_of(shell).invitations(shell.actor, include_closed=args.all)
    if args.json:
        print_json([invitation.to_json() for invitation in invitations])
        return
    print_table(
        ["ID", "USER", "STATE", "ROLES", "GROUPS", "BY", "EXPIRES"],
        [
            [
                str(i.id),
                i.username,
                i.state,
                joined(i.roles),
                joined(i.groups),
                i.created_by,
                i.expires_at.strftime("%Y-%m-%d %H:%M"),
            ]
            for i in invitations
        ],
    )


def cmd_invitations_revoke(shell: Shell, args: argparse.Namespace) -> None:
    accounts_of(shell).revoke(shell.actor, args.id)
    say(f"revoked invitation {args.id}")


def cmd_users_passwd(shell: Shell, args: argparse.Namespace) -> None:
    """Set a user's password (read from the terminal twice, or one line of stdin)."""
    shell.service.require(shell.actor, "write", "users", user=args.name)
    if args.remove:
        shell.store.set_password(args.name, None, actor=shell.actor.name)
        say(f"removed the password of {args.name}; their browser sessions ended")
        return
    if not shell.rbac.allow_passwords:
        raise Mistake("passwords are off on this server (c.RBAC.allow_passwords = False)")
    if sys.stdin.isatty():
        password = getpass.getpass(f"New password for {args.name}: ")
        if getpass.getpass("Again: ") != password:
            raise Mistake("the two passwords differ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    hashed = hash_password(check_password(password))
    shell.store.set_password(args.name, hashed, actor=shell.actor.name)
    say(f"set the password of {args.name}; their browser sessions ended")


def cmd_users_sign_out(shell: Shell, args: argparse.Namespace) -> None:
    shell.service.require(shell.actor, "write", "users", user=args.name)
    shell.store.end_sessions(args.name, actor=shell.actor.name)
    say(f"signed {args.name} out of every browser (their API tokens still work)")
