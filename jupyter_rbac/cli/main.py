"""`jupyter rbac`: the policy from a shell, through the same service the REST API uses.

Reads `c.RBAC` from the server's own config files (jupyter_server_config.py/.json), so it acts on
the database the server uses; `--db-url` overrides. Safe while a server runs on the same database:
every change is one transaction, and the server notices it on its next request.

The shell owns the database, so commands act with every permission, as `cli:<login name>` in the
audit trail; the service's other rules (default roles stay, `admin` is fixed, config-managed roles
are read-only, someone keeps `admin`) hold as for anyone.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

from ..errors import RBACError
from .output import say
from .parser import build_parser
from .shell import Mistake, open_shell


def run(args: argparse.Namespace) -> int:
    if getattr(args, "own_setup", False):
        return args.func(args) or 0
    with open_shell(args.db_url) as shell:
        return args.func(shell, args) or 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except RBACError as error:
        message = error.message
    except Mistake as error:
        message = str(error)
    except SQLAlchemyError as error:
        # the driver's own words, without SQLAlchemy's SQL echo and help link
        cause = getattr(error, "orig", None) or error
        message = f"database error: {str(cause).splitlines()[0]}"
    say(f"jupyter rbac: {message}", file=sys.stderr)
    return 2
