"""`jupyter rbac users ...`: users, their display names and the roles they hold.

Passwords and browser sessions (`users passwd`, `users sign-out`) are in accounts.py.
"""

from __future__ import annotations

import argparse

from ..errors import InvalidInput
from ..services import Changes
from .output import joined, print_fields, print_json, print_table, say
from .shell import Shell, every


def cmd_users_list(shell: Shell, args: argparse.Namespace) -> None:
    # Name the filters' role and group first: an unknown one is a mistake, not an empty list.
    if args.role is not None:
        shell.service.get_role(shell.actor, args.role)
    if args.group is not None:
        shell.service.get_group(shell.actor, args.group)
    users = every(
        lambda listing: shell.service.list_users(
            shell.actor, listing, role=args.role, group=args.group
        ),
        query=args.search or "",
    )
    if args.json:
        print_json([user.to_json() for user in users])
        return
    print_table(
        ["NAME", "DISPLAY NAME", "ROLES", "GROUPS"],
        [[u.name, u.display_name, joined(u.roles), joined(u.groups)] for u in users],
    )


def cmd_users_show(shell: Shell, args: argparse.Namespace) -> None:
    user = shell.service.get_user(shell.actor, args.name)
    held = shell.service.permissions_of(shell.actor, args.name)["roles"]
    if args.json:
        print_json({**user.to_json(), "effective_roles": held})
        return
    print_fields(
        [
            ("name", user.name),
            ("display name", user.display_name),
            ("roles", user.roles),
            ("groups", user.groups),
            ("holds", [f"{role['name']} ({', '.join(role['via'])})" for role in held]),
        ]
    )


def cmd_users_create(shell: Shell, args: argparse.Namespace) -> None:
    shell.service.create_user(
        shell.actor, args.name, roles=args.role, groups=args.group, display_name=args.display_name
    )
    say(f"created user {args.name}")


def cmd_users_edit(shell: Shell, args: argparse.Namespace) -> None:
    if args.display_name is None:
        raise InvalidInput(
            "nothing to change: give --display-name (roles: grant and revoke; groups: groups edit)"
        )
    current = shell.service.get_user(shell.actor, args.name)
    changes = Changes(display_name=args.display_name, expected_revision=current.revision)
    shell.service.update_user(shell.actor, args.name, changes)
    say(f"updated user {args.name}")


def cmd_users_delete(shell: Shell, args: argparse.Namespace) -> None:
    shell.service.delete_user(shell.actor, args.name)
    say(f"deleted user {args.name} and their tokens")
