"""The policy database is its owner's alone: password hashes, token hashes and look-up keys, and
the audit trail, are not for other Unix users of the machine. Whatever the umask, the SQLite file
and its -wal and -shm files are made 0600 and the folders jupyter-rbac makes for them 0700, by the
server and by `jupyter rbac` alike; an existing database others can read is tightened at start,
with a log line saying what was tightened (its folder too when it is Jupyter's data folder)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from jupyter_rbac.store import Store

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

USUAL_UMASK = 0o022
TIGHTENED = "made private"  # what the start's log line says


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def files_of(database: Path) -> list[Path]:
    return [database, Path(f"{database}-wal"), Path(f"{database}-shm")]


def run_cli(database: Path, *args: str) -> subprocess.CompletedProcess:
    """`jupyter rbac` in its own process, started with the usual umask."""
    return subprocess.run(
        [sys.executable, "-m", "jupyter_rbac.cli", "--db-url", f"sqlite:///{database}", *args],
        capture_output=True, text=True, check=True, umask=USUAL_UMASK,
    )  # fmt: skip


def tightening_lines(caplog) -> list[str]:
    """What the server's start (and the test since) logged about tightening files."""
    records = caplog.get_records("setup") + caplog.get_records("call")
    return [record.getMessage() for record in records if TIGHTENED in record.getMessage()]


@pytest.fixture(params=[USUAL_UMASK, 0o000])
def umask(request):
    """The server's process runs with this umask (restored after the test)."""
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


# -- a new database ----------------------------------------------------------------------------


@pytest.fixture
def new_folder(tmp_path) -> Path:
    return tmp_path / "policy" / "rbac"  # neither folder exists yet


@pytest.fixture
def rbac_db_url(umask, new_folder) -> str:
    return f"sqlite:///{new_folder / 'rbac.sqlite'}"


async def test_a_server_makes_its_new_database_0600_and_its_folders_0700(new_folder, admin):
    status, _ = await admin.post("api", "rbac", "groups", body={"name": "team"})
    assert status == 201  # a write: the -wal and -shm files are there while the server runs
    database = new_folder / "rbac.sqlite"
    assert {path.name: oct(mode_of(path)) for path in files_of(database)} == {
        path.name: "0o600" for path in files_of(database)
    }
    assert oct(mode_of(new_folder)) == oct(mode_of(new_folder.parent)) == "0o700"


def test_the_cli_makes_its_new_database_0600_and_its_folders_0700(tmp_path):
    database = tmp_path / "cli" / "rbac.sqlite"
    run_cli(database, "init")
    assert oct(mode_of(database)) == "0o600"
    assert oct(mode_of(database.parent)) == "0o700"


# -- files SQLite makes later ------------------------------------------------------------------


class TestLaterFiles:
    """The -wal and -shm files come and go: the last connection to close removes them and the
    next one makes them again. They take the database file's mode, not the umask."""

    @pytest.fixture
    def rbac_db_url(self, umask, tmp_path) -> str:
        database = tmp_path / "rbac.sqlite"
        run_cli(database, "init", "--admin", "admin")  # made, then closed: no -wal, no -shm
        assert not Path(f"{database}-wal").exists()
        return f"sqlite:///{database}"

    async def test_wal_and_shm_files_made_by_a_later_connection_are_0600(
        self, tmp_path, admin, caplog
    ):
        status, _ = await admin.post("api", "rbac", "groups", body={"name": "team"})
        assert status == 201
        for path in files_of(tmp_path / "rbac.sqlite"):
            assert oct(mode_of(path)) == "0o600", path
        assert tightening_lines(caplog) == []  # made so, not tightened after


# -- an existing database that others can read -------------------------------------------------


def readable_database(database: Path):
    """A policy database as an earlier version left it: 0644, with -wal and -shm (0644) held
    open by another connection, in a 0755 folder."""
    Store.open(f"sqlite:///{database}").close()
    holder = sqlite3.connect(database)
    holder.execute("PRAGMA journal_mode=WAL")
    # a write: the -wal and -shm files stay while it is open
    holder.execute("CREATE TABLE held (x)")
    for path in files_of(database):
        path.chmod(0o644)
    database.parent.chmod(0o755)
    return holder


class TestInJupytersDataFolder:
    """The default place: `rbac.sqlite` in Jupyter's data folder, which holds only this user's
    own files (runtime files, kernel specs): the folder is tightened too."""

    @pytest.fixture
    def rbac_db_url(self, umask, jp_environ, jp_data_dir) -> str:
        holder = readable_database(jp_data_dir / "rbac.sqlite")
        yield f"sqlite:///{jp_data_dir / 'rbac.sqlite'}"
        holder.close()

    async def test_an_existing_readable_database_is_tightened_at_start_with_a_log_line(
        self, jp_data_dir, admin, caplog
    ):
        status, _ = await admin.get("api", "rbac", "me")
        assert status == 200
        database = jp_data_dir / "rbac.sqlite"
        for path in files_of(database):
            assert oct(mode_of(path)) == "0o600", path
        assert oct(mode_of(jp_data_dir)) == "0o700"
        # (making the policy in the fixture tightened the folder once already)
        (line,) = [line for line in tightening_lines(caplog) if str(database) in line]
        for path in (*files_of(database), jp_data_dir):
            assert f"{path} (was 0o6" in line or f"{path} (was 0o75" in line, line


class TestInAFolderOfTheirOwn:
    """A database somewhere else (a folder people share, say): the files are tightened, the
    folder is left as its owner made it: others may need it, and the files are what matter."""

    @pytest.fixture
    def rbac_db_url(self, umask, tmp_path) -> str:
        (tmp_path / "shared").mkdir()
        holder = readable_database(tmp_path / "shared" / "rbac.sqlite")
        yield f"sqlite:///{tmp_path / 'shared' / 'rbac.sqlite'}"
        holder.close()

    async def test_the_files_are_tightened_and_the_folder_is_left_as_it_was(
        self, tmp_path, admin, caplog
    ):
        status, _ = await admin.get("api", "rbac", "me")
        assert status == 200
        for path in files_of(tmp_path / "shared" / "rbac.sqlite"):
            assert oct(mode_of(path)) == "0o600", path
        assert oct(mode_of(tmp_path / "shared")) == "0o755"
        (line,) = tightening_lines(caplog)
        assert (
            str(tmp_path / "shared" / "rbac.sqlite") in line
            and f"{tmp_path / 'shared'} " not in line
        )


def test_the_cli_tightens_an_existing_readable_database_and_says_so(tmp_path):
    database = tmp_path / "rbac.sqlite"
    Store.open(f"sqlite:///{database}").close()
    database.chmod(0o644)
    result = run_cli(database, "users", "list")
    assert oct(mode_of(database)) == "0o600"
    assert TIGHTENED in result.stderr and f"{database} (was 0o644)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_file_that_is_not_a_database_is_left_as_it_is(tmp_path):
    """A mistaken `--db-url` names someone's file: the command fails and changes nothing."""
    notes = tmp_path / "notes.txt"
    notes.write_text("plain text")
    notes.chmod(0o644)
    with pytest.raises(subprocess.CalledProcessError) as failed:
        run_cli(notes, "users", "list")
    assert oct(mode_of(notes)) == "0o644" and TIGHTENED not in failed.value.stderr
