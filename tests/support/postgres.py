"""A private, throwaway PostgreSQL cluster for the tests (initdb + pg_ctl into a temp folder).

Runs as the `postgres` system user when the tests run as root (initdb refuses root). Listens on
127.0.0.1 only, on a free port; `stop()` removes everything.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile


def server_bindir() -> str | None:
    """Debian's /usr/lib/postgresql/<version>/bin with initdb, the newest one; None if absent."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if candidates:
        return os.path.dirname(candidates[-1])
    found = shutil.which("initdb")
    return os.path.dirname(found) if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresCluster:
    def __init__(self, bindir: str):
        self.bindir = bindir
        self.port = _free_port()
        # Not pytest's tmp_path: its parents are 0700 root, which `postgres` cannot enter.
        self.base = tempfile.mkdtemp(prefix="rbac-pg-")
        self.data = os.path.join(self.base, "data")
        self.as_root = os.geteuid() == 0
        if self.as_root:
            account = pwd.getpwnam("postgres")
            os.chown(self.base, account.pw_uid, account.pw_gid)

    def _run(self, program: str, *args: str) -> None:
        command = [os.path.join(self.bindir, program), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        env.pop("PGDATA", None)
        subprocess.run(command, check=True, cwd=self.base, env=env, capture_output=True, text=True)

    def start(self, max_connections: int = 60) -> PostgresCluster:
        self._run(
            "initdb",
            "-D",
            self.data,
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        self._options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.base} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            f" -c max_connections={max_connections}"
        )
        self._run(
            "pg_ctl",
            "-D",
            self.data,
            "-l",
            os.path.join(self.base, "log"),
            "-o",
            self._options,
            "-w",
            "-t",
            "30",
            "start",
        )
        atexit.register(self.stop)
        return self

    def halt(self) -> None:
        """Stop the server, keeping its data (`resume` starts it again on the same port)."""
        self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")

    def resume(self) -> None:
        self._run(
            "pg_ctl",
            "-D",
            self.data,
            "-l",
            os.path.join(self.base, "log"),
            "-o",
            self._options,
            "-w",
            "-t",
            "30",
            "start",
        )

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if not os.path.isdir(self.base):
            return
        try:
            if os.path.exists(os.path.join(self.data, "postmaster.pid")):
                self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


def start_cluster() -> PostgresCluster:
    """A new private cluster on loopback; the test fails, saying why, without PostgreSQL."""
    import pytest  # here: bench/bench_propagation.py uses this module without pytest

    bindir = server_bindir()
    if bindir is None:
        pytest.fail(
            "PostgreSQL server binaries are missing: apt-get install -y postgresql (.ci/run does)"
        )
    return PostgresCluster(bindir).start()
