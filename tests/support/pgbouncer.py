"""A throwaway PgBouncer in transaction mode in front of a test cluster (tests/support/postgres.py),
on a loopback port, run as the `postgres` account (PgBouncer will not run as root)."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time

from .postgres import PostgresCluster, _free_port

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


class PgBouncer:
    def __init__(self, cluster: PostgresCluster, database: str, pool_size: int = 5):
        self.port = _free_port()
        self.base = tempfile.mkdtemp(prefix="rbac-pgbouncer-")
        self.database = database
        with open(os.path.join(self.base, "users.txt"), "w") as users:
            users.write('"postgres" ""\n')
        with open(os.path.join(self.base, "pgbouncer.ini"), "w") as ini:
            ini.write(
                "[databases]\n"
                f"{database} = host=127.0.0.1 port={cluster.port} dbname={database}\n"
                "[pgbouncer]\n"
                f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\n"
                f"unix_socket_dir = {self.base}\n"
                "auth_type = trust\n"
                f"auth_file = {self.base}/users.txt\n"
                "pool_mode = transaction\n"
                f"default_pool_size = {pool_size}\nmin_pool_size = 0\nreserve_pool_size = 0\n"
                "server_idle_timeout = 10\n"
                "ignore_startup_parameters = extra_float_digits\n"
                f"logfile = {self.base}/pgbouncer.log\npidfile = {self.base}/pgbouncer.pid\n"
            )
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            for name in ("", "users.txt", "pgbouncer.ini"):
                os.chown(os.path.join(self.base, name), account.pw_uid, account.pw_gid)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{self.database}"

    def start(self) -> PgBouncer:
        command = [PGBOUNCER, os.path.join(self.base, "pgbouncer.ini")]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"pgbouncer did not start: {self._log()}")
            time.sleep(0.05)
        return self

    def _answers(self) -> bool:
        import psycopg

        try:
            with psycopg.connect(
                f"host=127.0.0.1 port={self.port} user=postgres dbname={self.database}",
                connect_timeout=2,
            ):
                return True
        except psycopg.OperationalError:
            return False

    def _log(self) -> str:
        try:
            with open(os.path.join(self.base, "pgbouncer.log")) as log:
                return log.read()[-2000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        shutil.rmtree(self.base, ignore_errors=True)
