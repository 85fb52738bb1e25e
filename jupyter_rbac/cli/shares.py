"""`jupyter rbac share`, `unshare` and `shares`: give a role on a folder or file to a user or
group, take it back, list what is shared.

The shell looks at the disk to tell a folder from a file: the server's root folder is
`--root-dir`, else `c.ServerApp.root_dir` of the server's config, else the current folder.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..errors import Conflict, InvalidInput
from ..services.shares import Place, check_share_path
from ..store import ShareRecord
from .output import print_json, print_table, say
from .shell import Shell, server_root_dir


def cmd_share(shell: Shell, args: argparse.Namespace) -> None:
    path = check_share_path(args.path)
    place = Place(path, _is_folder(args.root_dir or server_root_dir(), path))
    existing = _share_of(shell, path, args.user, args.group)
    if existing is None:
        share = shell.service.create_share(
            shell.actor, place, args.role, args.user, args.group, args.expires_at
        )
        say(f"shared {_place(share)} with {_recipient(share)} as {share.role} (share {share.id})")
        return
    if existing.is_folder != place.is_folder:
        raise Conflict(
            f"{_place(existing)} is shared as a {'folder' if existing.is_folder else 'file'} and"
            " is no longer one: unshare it first"
        )
    share = shell.service.update_share(
        shell.actor, existing.id, role=args.role, expires_at=args.expires_at
    )
    say(f"{_recipient(share)} now has {share.role} on {_place(share)} (share {share.id})")


def cmd_unshare(shell: Shell, args: argparse.Namespace) -> None:
    path = check_share_path(args.path)
    existing = _share_of(shell, path, args.user, args.group)
    if existing is None:
        who = f"user {args.user!r}" if args.user else f"group {args.group!r}"
        raise InvalidInput(f"{who} has no share of {path!r}")
    shell.service.delete_share(shell.actor, existing.id)
    say(f"unshared {_place(existing)} from {_recipient(existing)}")


def cmd_shares_list(shell: Shell, args: argparse.Namespace) -> None:
    shares = shell.service.list_shares(
        shell.actor, path=args.path, user=args.user, group=args.group
    )
    if args.json:
        print_json([share.to_json() for share in shares])
        return
    print_table(
        ["ID", "PATH", "WITH", "ROLE", "SHARED BY", "EXPIRES"],
        [
            [
                str(s.id),
                _place(s),
                _recipient(s),
                s.role,
                s.created_by,
                ("expired " if s.expired() else "")
                + (s.expires_at.isoformat() if s.expires_at else "never"),
            ]
            for s in shares
        ],
    )


def _share_of(shell: Shell, path: str, user: str | None, group: str | None) -> ShareRecord | None:
    found = shell.service.list_shares(shell.actor, path=path, user=user, group=group)
    # `user` lists what reaches them through groups too: the one given to them by name
    return next((s for s in found if s.user == user and s.group == group), None)


def _is_folder(root: str, path: str) -> bool:
    where = Path(root, *path.split("/")) if path else Path(root)
    if where.is_dir():
        return True
    if path and os.path.isfile(where):
        return False
    raise InvalidInput(f"path: no folder or file at {path!r} under {root}")


def _place(share: ShareRecord) -> str:
    return f"{share.path or '(the root)'}{'/' if share.is_folder and share.path else ''}"


def _recipient(share: ShareRecord) -> str:
    return f"user {share.user}" if share.user is not None else f"group {share.group}"
