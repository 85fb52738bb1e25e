"""The `jupyter rbac` argument parser: every command, its options and help text.

Each command's function (in the module of its noun) is its parser's default `func`; a command
whose parser sets `own_setup` is called without a shell (it opens what it needs itself).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import NoReturn

from .accounts import (
    DEFAULT_SERVER_URL,
    cmd_invitations_list,
    cmd_invitations_revoke,
    cmd_invite,
    cmd_users_passwd,
    cmd_users_sign_out,
)
from .audit import cmd_audit
from .check import cmd_check
from .groups import (
    cmd_groups_create,
    cmd_groups_delete,
    cmd_groups_edit,
    cmd_groups_list,
    cmd_groups_show,
)
from .import_export import cmd_export, cmd_import
from .roles import (
    cmd_grant,
    cmd_revoke,
    cmd_roles_create,
    cmd_roles_delete,
    cmd_roles_edit,
    cmd_roles_list,
    cmd_roles_show,
)
from .server import cmd_init, cmd_routes
from .shares import cmd_share, cmd_shares_list, cmd_unshare
from .tokens import cmd_token_create, cmd_token_list, cmd_token_revoke
from .users import (
    cmd_users_create,
    cmd_users_delete,
    cmd_users_edit,
    cmd_users_list,
    cmd_users_show,
)


class Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line."""

    def error(self, message: str) -> NoReturn:
        # One line, not the usage block: the mistake is easier to see (--help has the rest).
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number")
    return value


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def add_command(subparsers, name: str, func: Callable, help: str) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, help=help, description=help)
    parser.set_defaults(func=func)
    return parser


def add_grant_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("role")
    parser.add_argument("--user", action="append", default=[], help="a user (repeatable)")
    parser.add_argument("--group", action="append", default=[], help="a group (repeatable)")


def add_roles(commands) -> None:
    roles = commands.add_parser("roles", aliases=["role"], help="roles").add_subparsers(
        dest="action", required=True
    )
    add_json(add_command(roles, "list", cmd_roles_list, "list roles"))
    show = add_command(roles, "show", cmd_roles_show, "show a role")
    show.add_argument("name")
    add_json(show)
    create = add_command(roles, "create", cmd_roles_create, "create a role")
    create.add_argument("name")
    create.add_argument("--scope", action="append", required=True, help="a scope (repeatable)")
    create.add_argument("--description", default="")
    edit = add_command(roles, "edit", cmd_roles_edit, "change a role's scopes or description")
    edit.add_argument("name")
    edit.add_argument(
        "--scope", action="append", default=[], help="the new scopes, replacing all (repeatable)"
    )
    edit.add_argument(
        "--add-scope", action="append", default=[], help="a scope to add (repeatable)"
    )
    edit.add_argument(
        "--remove-scope", action="append", default=[], help="a scope to remove (repeatable)"
    )
    edit.add_argument("--description")
    add_command(roles, "delete", cmd_roles_delete, "delete a role").add_argument("name")
    # `role assign` predates `grant`: kept for the scripts that use it.
    add_grant_arguments(add_command(roles, "assign", cmd_grant, "same as `jupyter rbac grant`"))


def add_users(commands) -> None:
    users = commands.add_parser("users", aliases=["user"], help="users").add_subparsers(
        dest="action", required=True
    )
    listing = add_command(users, "list", cmd_users_list, "list users")
    listing.add_argument("--role", help="only the users who hold this role directly")
    listing.add_argument("--group", help="only the members of this group")
    listing.add_argument("--search", help="only the users whose name or display name contains this")
    add_json(listing)
    show = add_command(users, "show", cmd_users_show, "show a user and the roles they hold")
    show.add_argument("name")
    add_json(show)
    create = add_command(users, "create", cmd_users_create, "create a user")
    create.add_argument("name")
    create.add_argument("--display-name", default="")
    create.add_argument("--role", action="append", default=[], help="a role to give (repeatable)")
    create.add_argument("--group", action="append", default=[], help="a group to join (repeatable)")
    edit = add_command(users, "edit", cmd_users_edit, "change a user's display name")
    edit.add_argument("name")
    edit.add_argument("--display-name")
    add_command(users, "delete", cmd_users_delete, "delete a user and their tokens").add_argument(
        "name"
    )
    add_user_accounts(users)


def add_user_accounts(users) -> None:
    passwd = add_command(
        users, "passwd", cmd_users_passwd, "set a user's password (ends their browser sessions)"
    )
    passwd.add_argument("name")
    passwd.add_argument("--remove", action="store_true", help="remove the password instead")
    add_command(
        users, "sign-out", cmd_users_sign_out, "end every browser session of a user"
    ).add_argument("name")


def add_groups(commands) -> None:
    groups = commands.add_parser("groups", aliases=["group"], help="groups").add_subparsers(
        dest="action", required=True
    )
    add_json(add_command(groups, "list", cmd_groups_list, "list groups"))
    show = add_command(groups, "show", cmd_groups_show, "show a group")
    show.add_argument("name")
    add_json(show)
    create = add_command(groups, "create", cmd_groups_create, "create a group")
    create.add_argument("name")
    create.add_argument("--description", default="")
    create.add_argument("--member", action="append", default=[], help="a member (repeatable)")
    edit = add_command(groups, "edit", cmd_groups_edit, "change a group's members or description")
    edit.add_argument("name")
    edit.add_argument(
        "--add-member", action="append", default=[], help="a user to add (repeatable)"
    )
    edit.add_argument(
        "--remove-member", action="append", default=[], help="a member to remove (repeatable)"
    )
    edit.add_argument("--description")
    add_command(groups, "delete", cmd_groups_delete, "delete a group").add_argument("name")


def add_tokens(commands) -> None:
    token = commands.add_parser("token", aliases=["tokens"], help="API tokens").add_subparsers(
        dest="action", required=True
    )
    create = add_command(
        token, "create", cmd_token_create, "create a token for USER and print it (once)"
    )
    create.add_argument("user")
    create.add_argument("--note", default="created with jupyter rbac")
    create.add_argument("--scope", action="append", help="limit the token to a scope (repeatable)")
    create.add_argument("--expires-in", type=float, metavar="SECONDS", help="lifetime in seconds")
    listing = add_command(token, "list", cmd_token_list, "list USER's tokens (never their secrets)")
    listing.add_argument("user")
    add_json(listing)
    revoke = add_command(token, "revoke", cmd_token_revoke, "revoke one of USER's tokens")
    revoke.add_argument("user")
    revoke.add_argument("id", type=int)


def add_invitations(commands) -> None:
    invite = add_command(
        commands, "invite", cmd_invite, "invite NAME: print a single-use sign-up link"
    )
    invite.add_argument("name")
    invite.add_argument("--display-name", default="")
    invite.add_argument("--role", action="append", default=[], help="a role to give (repeatable)")
    invite.add_argument("--group", action="append", default=[], help="a group to join (repeatable)")
    invite.add_argument(
        "--expires-in",
        type=float,
        metavar="SECONDS",
        help="lifetime (default: c.RBAC.invitation_lifetime)",
    )
    invite.add_argument(
        "--no-password", action="store_true", help="the user may not set a password"
    )
    invite.add_argument(
        "--sign-in",
        action="store_true",
        help="a sign-in link for a user who exists (no roles or groups): for a lost password",
    )
    invite.add_argument(
        "--url",
        default=DEFAULT_SERVER_URL,
        help=f"the server's address, for the link (default {DEFAULT_SERVER_URL})",
    )
    invitations = commands.add_parser("invitations", help="invitations").add_subparsers(
        dest="action", required=True
    )
    listing = add_command(invitations, "list", cmd_invitations_list, "list pending invitations")
    listing.add_argument("--all", action="store_true", help="also accepted and expired ones")
    add_json(listing)
    add_command(invitations, "revoke", cmd_invitations_revoke, "revoke an invitation").add_argument(
        "id", type=int
    )


def add_recipient(parser: argparse.ArgumentParser) -> None:
    recipient = parser.add_mutually_exclusive_group(required=True)
    recipient.add_argument("--user", help="the user it is shared with")
    recipient.add_argument("--group", help="the group it is shared with")


def add_shares(commands) -> None:
    share = add_command(
        commands,
        "share",
        cmd_share,
        "give a role on a folder or file (PATH, from the server's root) to a user or group;"
        " again: change their role",
    )
    share.add_argument("path")
    add_recipient(share)
    share.add_argument("--role", default="viewer", help="the role given there (default: viewer)")
    share.add_argument("--expires-at", metavar="TIME", help="ISO 8601, with its time zone")
    share.add_argument(
        "--root-dir",
        help="the server's root folder (default: c.ServerApp.root_dir, else the current folder)",
    )
    unshare = add_command(commands, "unshare", cmd_unshare, "take back a share of PATH")
    unshare.add_argument("path")
    add_recipient(unshare)
    listing = add_command(commands, "shares", cmd_shares_list, "list shares")
    listing.add_argument("--path", help="only those of this folder or file")
    listing.add_argument("--user", help="only what this user was given (also through groups)")
    listing.add_argument("--group", help="only what this group was given")
    add_json(listing)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="jupyter rbac", description="Manage jupyter-rbac's policy.")
    parser.add_argument(
        "--db-url", help="SQLAlchemy URL of the policy database (default: c.RBAC.db_url)"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    init = add_command(
        commands, "init", cmd_init, "create the database, default roles and first admin"
    )
    init.add_argument(
        "--admin", help="name of the first administrator (default: c.RBAC.initial_admin)"
    )

    add_roles(commands)
    add_users(commands)
    add_groups(commands)
    add_grant_arguments(
        add_command(commands, "grant", cmd_grant, "give a role to users and groups")
    )
    add_grant_arguments(
        add_command(commands, "revoke", cmd_revoke, "take a role from users and groups")
    )
    add_tokens(commands)
    add_invitations(commands)
    add_shares(commands)

    check = add_command(
        commands,
        "check",
        cmd_check,
        "may USER do ACTION on RESOURCE (at PATH)? exit 0 if so, 1 if not",
    )
    check.add_argument("user")
    check.add_argument("action", help="read, write or execute")
    check.add_argument("resource", help="contents, kernels, terminals, ...")
    check.add_argument("path", nargs="?", help="a path under the server's root")
    check.add_argument("--owner", help="for kernels, terminals, sessions: who started it")
    add_json(check)

    export = add_command(
        commands, "export", cmd_export, "print the policy as YAML (tokens excluded)"
    )
    export.add_argument("--output", "-o", metavar="FILE", help="write it to FILE instead")
    imports = add_command(
        commands, "import", cmd_import, "replace the policy with a YAML file's (- for stdin)"
    )
    imports.add_argument("file")
    imports.add_argument(
        "--dry-run", action="store_true", help="print what would change, change nothing"
    )

    audit = add_command(commands, "audit", cmd_audit, "print the audit trail, newest first")
    audit.add_argument("--actor", help="only what this actor did")
    audit.add_argument("--target", help="only what was done to this role, user, group, ...")
    audit.add_argument(
        "--kind",
        help="only events of this kind: role, user, group, token, invitation, policy, request",
    )
    audit.add_argument(
        "--limit", type=positive_int, default=50, help="at most this many events (default 50)"
    )
    add_json(audit)

    routes = add_command(commands, "routes", cmd_routes, "print the scope that guards every route")
    routes.add_argument(
        "server_args",
        nargs="*",
        help="extra arguments for the server, e.g. --ServerApp.base_url=/x/",
    )
    routes.set_defaults(own_setup=True)
    return parser
