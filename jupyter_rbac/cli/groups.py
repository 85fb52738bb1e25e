"""`jupyter rbac groups ...`: groups, their members and descriptions."""

from __future__ import annotations

import argparse

from ..errors import InvalidInput
from ..services import Changes
from .output import joined, print_fields, print_json, print_table, say
from .shell import Shell, edited, every


def cmd_groups_list(shell: Shell, args: argparse.Namespace) -> None:
    groups = every(lambda listing: shell.service.list_groups(shell.actor, listing))
    if args.json:
        print_json([group.to_json() for group in groups])
        return
    print_table(
        ["NAME", "MEMBERS", "ROLES", "DESCRIPTION"],
        [[g.name, str(len(g.members)), joined(g.roles), g.description] for g in groups],
    )


def cmd_groups_show(shell: Shell, args: argparse.Namespace) -> None:
    group = shell.service.get_group(shell.actor, args.name)
    if args.json:
        print_json(group.to_json())
        return
    print_fields(
        [
            ("name", group.name),
            ("description", group.description),
            ("members", group.members),
            ("roles", group.roles),
        ]
    )


def cmd_groups_create(shell: Shell, args: argparse.Namespace) -> None:
    shell.service.create_group(shell.actor, args.name, args.description, members=args.member)
    say(f"created group {args.name}")


def cmd_groups_edit(shell: Shell, args: argparse.Namespace) -> None:
    if not (args.add_member or args.remove_member or args.description is not None):
        raise InvalidInput("nothing to change: give --add-member, --remove-member or --description")
    current = shell.service.get_group(shell.actor, args.name)
    members = None
    if args.add_member or args.remove_member:
        missing = f"{{name!r}} is not a member of group {args.name!r}"
        members = edited(current.members, args.add_member, args.remove_member, missing)
    changes = Changes(
        members=members, description=args.description, expected_revision=current.revision
    )
    shell.service.update_group(shell.actor, args.name, changes)
    say(f"updated group {args.name}")


def cmd_groups_delete(shell: Shell, args: argparse.Namespace) -> None:
    shell.service.delete_group(shell.actor, args.name)
    say(f"deleted group {args.name}")
