"""`jupyter rbac export` and `import`: the whole policy as a YAML file, and back.

An import replaces the policy in one transaction (or, with --dry-run, only says what it would
change), and prints a summary of the changes per section.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..services.policy_document import (
    SECTIONS,
    SHARES,
    ImportPlan,
    export_policy,
    import_policy,
    plan_import,
)
from ..services.policy_file import dump, parse, read
from .output import say
from .shell import Mistake, Shell

NAMES_SHOWN = 20  # of each kind, in an import's summary


def cmd_export(shell: Shell, args: argparse.Namespace) -> None:
    text = dump(export_policy(shell.store))
    if args.output is None:
        sys.stdout.write(text)
        return
    try:
        Path(args.output).expanduser().write_text(text, encoding="utf-8")
    except OSError as error:
        raise Mistake(f"cannot write {args.output}: {error.strerror or error}") from error
    say(f"exported the policy to {args.output}")


def cmd_import(shell: Shell, args: argparse.Namespace) -> None:
    document = parse(sys.stdin.read()) if args.file == "-" else read(args.file)
    source = "stdin" if args.file == "-" else str(Path(args.file).expanduser().resolve())
    if args.dry_run:
        plan = plan_import(shell.store, document, shell.service.catalog)
        say(f"importing {args.file} would change (nothing written):")
    else:
        plan = import_policy(shell.store, document, shell.actor.name, source, shell.service.catalog)
        say(f"imported {args.file}:")
    for line in describe_plan(plan):
        say(f"  {line}")


def describe_plan(plan: ImportPlan) -> list[str]:
    lines = []
    for kind in (*SECTIONS, SHARES):
        changes = getattr(plan, kind)
        parts = [
            f"{len(names)} {verb} ({shortened(names)})"
            for verb, names in (
                ("added", changes.added),
                ("removed", changes.removed),
                ("changed", changes.changed),
            )
            if names
        ]
        lines.append(f"{kind}: {'; '.join(parts) or 'unchanged'}")
    return lines


def shortened(names: tuple[str, ...]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (
        f", ... and {len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN else ""
    )
