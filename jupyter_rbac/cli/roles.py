"""`jupyter rbac roles ...`, `grant` and `revoke`: roles and who holds them."""

from __future__ import annotations

import argparse

from ..errors import InvalidInput
from ..services import Changes
from ..store import RoleRecord
from .output import print_fields, print_json, print_table, say
from .shell import Shell, edited, every


def role_kind(role: RoleRecord) -> str:
    if role.managed_by is not None:
        return "config"
    return "default" if role.builtin else "custom"


def cmd_roles_list(shell: Shell, args: argparse.Namespace) -> None:
    roles = every(lambda listing: shell.service.list_roles(shell.actor, listing))
    if args.json:
        print_json([role.to_json() for role in roles])
        return
    print_table(
        ["NAME", "KIND", "SCOPES", "USERS", "GROUPS", "DESCRIPTION"],
        [
            [
                r.name,
                role_kind(r),
                str(len(r.scopes)),
                str(len(r.users)),
                str(len(r.groups)),
                r.description,
            ]
            for r in roles
        ],
    )


def cmd_roles_show(shell: Shell, args: argparse.Namespace) -> None:
    role = shell.service.get_role(shell.actor, args.name)
    if args.json:
        print_json(role.to_json())
        return
    print_fields(
        [
            ("name", role.name),
            ("kind", role_kind(role)),
            ("description", role.description),
            ("scopes", role.scopes),
            ("users", role.users),
            ("groups", role.groups),
        ]
    )


def cmd_roles_create(shell: Shell, args: argparse.Namespace) -> None:
    shell.service.create_role(shell.actor, args.name, args.scope, args.description)
    say(f"created role {args.name}")


def cmd_roles_edit(shell: Shell, args: argparse.Namespace) -> None:
    if not (args.scope or args.add_scope or args.remove_scope or args.description is not None):
        raise InvalidInput(
            "nothing to change: give --scope, --add-scope, --remove-scope or --description"
        )
    current = shell.service.get_role(shell.actor, args.name)
    scopes = None
    if args.scope or args.add_scope or args.remove_scope:
        missing = f"role {args.name!r} has no scope {{name!r}}"
        scopes = edited(args.scope or current.scopes, args.add_scope, args.remove_scope, missing)
    changes = Changes(
        scopes=scopes, description=args.description, expected_revision=current.revision
    )
    shell.service.update_role(shell.actor, args.name, changes)
    say(f"updated role {args.name}")


def cmd_roles_delete(shell: Shell, args: argparse.Namespace) -> None:
    shell.service.delete_role(shell.actor, args.name)
    say(f"deleted role {args.name}")


def cmd_grant(shell: Shell, args: argparse.Namespace) -> None:
    change_holders(shell, args, add=True)
    say(f"granted role {args.role}")


def cmd_revoke(shell: Shell, args: argparse.Namespace) -> None:
    change_holders(shell, args, add=False)
    say(f"revoked role {args.role}")


def change_holders(shell: Shell, args: argparse.Namespace, add: bool) -> None:
    """Give or take `args.role` to or from users and groups, in one change of the role."""
    if not (args.user or args.group):
        raise InvalidInput("give --user or --group (each may be repeated)")
    current = shell.service.get_role(shell.actor, args.role)

    def holders(present: list[str], named: list[str], kind: str) -> list[str] | None:
        if not named:
            return None  # leave this list as it is
        missing = f"{kind} {{name!r}} does not hold role {args.role!r} directly"
        return edited(present, named, [], missing) if add else edited(present, [], named, missing)

    changes = Changes(
        users=holders(current.users, args.user, "user"),
        groups=holders(current.groups, args.group, "group"),
        expected_revision=current.revision,
    )
    shell.service.update_role(shell.actor, args.role, changes)
