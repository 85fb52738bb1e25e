"""`jupyter rbac` run as a user runs it: a process of its own on a policy database."""

from __future__ import annotations

import subprocess
import sys


def cli(db_url, *args, check=True, env=None, stdin=None):
    """`jupyter rbac --db-url DB_URL ARGS...`: its completed process (output as text)."""
    return subprocess.run(
        [sys.executable, "-m", "jupyter_rbac.cli", "--db-url", db_url, *args],
        capture_output=True,
        text=True,
        check=check,
        env=env,
        input=stdin,
    )
