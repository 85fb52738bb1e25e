"""`jupyter rbac invite`, `invitations`, `users passwd` and `users sign-out`: accounts from a shell.

Part of the command line (cli.py), through the same AccountService as the REST API.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import typing as t

from ..services.accounts import AccountService, AccountSettings, check_password
from ..store.hashing import hash_password

if t.TYPE_CHECKING:
    from .main import Shell

DEFAULT_SERVER_URL = "http://localhost:8888/"


def say(text: str, file=None) -> None:
    """Print one line that may hold user-given text, escaped as the rest of the shell's output."""
    from .main import say as escaped_say  # cli imports this module: import at call time

    escaped_say(text, file=file)


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
    )
    expires = invited.invitation.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    say(f"invited {args.name}; the link works once, until {expires}:", file=sys.stderr)
    print(f"{args.url.rstrip('/')}/rbac/invite?code={invited.code}")  # alone on stdout


def cmd_invitations_list(shell: Shell, args: argparse.Namespace) -> None:
    from .main import joined, print_json, print_table

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
    from .main import Mistake

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
    shell.store.set_password(args.name, hash_password(check_password(password)), actor=shell.actor.name)
    say(f"set the password of {args.name}; their browser sessions ended")


def cmd_users_sign_out(shell: Shell, args: argparse.Namespace) -> None:
    shell.service.require(shell.actor, "write", "users", user=args.name)
    shell.store.end_sessions(args.name, actor=shell.actor.name)
    say(f"signed {args.name} out of every browser (their API tokens still work)")


def add_invitations(commands, add_command, add_json) -> None:
    invite = add_command(commands, "invite", cmd_invite, "invite NAME: print a single-use sign-up link")
    invite.add_argument("name")
    invite.add_argument("--display-name", default="")
    invite.add_argument("--role", action="append", default=[], help="a role to give (repeatable)")
    invite.add_argument("--group", action="append", default=[], help="a group to join (repeatable)")
    invite.add_argument("--expires-in", type=float, metavar="SECONDS", help="lifetime (default: c.RBAC.invitation_lifetime)")
    invite.add_argument("--no-password", action="store_true", help="the user may not set a password")
    invite.add_argument(
        "--url", default=DEFAULT_SERVER_URL, help=f"the server's address, for the link (default {DEFAULT_SERVER_URL})"
    )
    invitations = commands.add_parser("invitations", help="invitations").add_subparsers(dest="action", required=True)
    listing = add_command(invitations, "list", cmd_invitations_list, "list pending invitations")
    listing.add_argument("--all", action="store_true", help="also accepted and expired ones")
    add_json(listing)
    add_command(invitations, "revoke", cmd_invitations_revoke, "revoke an invitation").add_argument("id", type=int)


def add_user_accounts(users, add_command) -> None:
    passwd = add_command(users, "passwd", cmd_users_passwd, "set a user's password (ends their browser sessions)")
    passwd.add_argument("name")
    passwd.add_argument("--remove", action="store_true", help="remove the password instead")
    add_command(users, "sign-out", cmd_users_sign_out, "end every browser session of a user").add_argument("name")
