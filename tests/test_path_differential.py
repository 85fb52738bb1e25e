"""Differential: whatever path a request names, every file jupyter_server's real file manager
touches for an allowed request lies inside what the policy allows.

Ann may read and write `home/ann/**` and read `shared/**`. Thousands of generated path strings
(backslashes, encoded separators, `..`, Unicode NFC/NFD pairs, trailing dots and spaces, doubled
slashes, very long names, control characters) go through the Contents API in every way a path
reaches it: the URL of a PUT, GET, POST (new file, copy) and DELETE, and the body of a rename
and a copy. Python's audit hooks record what the server really does on the disk (opens,
listings, mkdir, rename, remove) during each request: nothing is re-derived from the path.
The oracle is deliberately plain: a file Ann may change lies in her folder on the disk; a file
she may read lies there or in `shared/`; folders on the way may be listed.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import unicodedata
from collections import Counter
from typing import ClassVar
from urllib.parse import quote

import pytest
from tornado.httpclient import AsyncHTTPClient

pytestmark = pytest.mark.slow  # thousands of generated paths through a real server

PATHS = 5_000
SEED = 20261130
TEXT = '{"type": "file", "format": "text", "content": "written"}'

# What one step of a generated path may be made of: the pieces the review named.
PIECES = [
    "home",
    "ann",
    "bob",
    "shared",
    "secret",
    "x.txt",
    "..",
    ".",
    "",
    "~",
    "*",
    "**",
    "a\\b",
    "..\\..\\home\\bob",
    "home\\bob",
    "\\",
    "\\\\",
    "%2F",
    "%2f",
    "%5C",
    "%2e%2e",
    "%252F",
    unicodedata.normalize("NFC", "café"),
    unicodedata.normalize("NFD", "café"),
    "ann.",
    "ann ",
    "ann. ",
    " ann",
    "x.txt.",
    "x.txt ",
    "ANN",
    "Ann",
    "n" * 200,
    "l" * 255,
    "m" * 300,
    "é" * 130,
    "a\x00b",
    "a\nb",
    "tab\t",
    "\x1b[31m",
    "del\x7f",
    "ok\u200b",
    "\u202ex.txt",
]
PREFIXES = [
    "",
    "home/ann/",
    "home/ann/",
    "home/ann/",
    "home/ann",
    "home/bob/",
    "shared/",
    "/",
    "//home//ann//",
    "home/ann/../",
    "./home/ann/",
]
CHECKPOINTS_ELSEWHERE = os.path.join(os.path.realpath(tempfile.gettempdir()), "jupyter_checkpoints")
SEPARATORS = ["/", "/", "//", "\\", "%2F", "/./"]


def generated_paths(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    paths = []
    for _ in range(count):
        steps = [rng.choice(PIECES) for _ in range(rng.randint(1, 4))]
        path = rng.choice(PREFIXES)
        for step in steps:
            path += step + rng.choice(SEPARATORS)
        if rng.random() < 0.7:
            path = path.rstrip("/")
        paths.append(path)
    return paths


class DiskRecorder:
    """Records the file operations of this process (the in-process server) while switched on."""

    COPIES: ClassVar[set[str]] = {
        "shutil.copyfile",
        "shutil.copymode",
        "shutil.copystat",
        "shutil.copytree",
        "os.link",
        "os.symlink",
    }
    MOVES: ClassVar[set[str]] = {"os.rename", "os.replace", "shutil.move"}
    WRITES: ClassVar[set[str]] = {
        "os.mkdir",
        "os.remove",
        "os.rmdir",
        "os.chmod",
        "os.utime",
        "os.truncate",
        "shutil.rmtree",
    }
    LISTINGS: ClassVar[set[str]] = {"os.listdir", "os.scandir"}

    def __init__(self) -> None:
        self.on = False
        self.events: list[tuple[str, str]] = []  # (kind: read | write | list, absolute path)
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple) -> None:
        if not self.on:
            return
        if event == "open":
            path, mode = args[0], args[1] or "r"
            flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
            writing = any(c in str(mode) for c in "wax+") or flags & (
                os.O_WRONLY | os.O_RDWR | os.O_CREAT
            )
            self._add("write" if writing else "read", path)
        elif event in self.COPIES:  # read the source, write the destination
            self._add("read", args[0])
            self._add("write", args[1])
        elif event in self.MOVES:  # both ends change
            self._add("write", args[0])
            self._add("write", args[1])
        elif event in self.WRITES:
            self._add("write", args[0])
        elif event in self.LISTINGS:
            self._add("list", args[0] if args else ".")

    def _add(self, kind: str, path) -> None:
        if isinstance(path, int):  # a file descriptor: the open that made it was recorded
            return
        path = os.fsdecode(os.fspath(path))  # str, bytes or a DirEntry
        self.events.append((kind, os.path.abspath(path)))


_RECORDER: DiskRecorder | None = None


def recorder() -> DiskRecorder:
    """One hook for the whole test session (audit hooks cannot be removed)."""
    global _RECORDER
    if _RECORDER is None:
        _RECORDER = DiskRecorder()
    return _RECORDER


def outside_policy(kind: str, path: str, root: str) -> bool:
    """The plain oracle: True if Ann's policy does not allow this operation on this file."""
    real = os.path.realpath(path)
    elsewhere = real == CHECKPOINTS_ELSEWHERE or real.startswith(CHECKPOINTS_ELSEWHERE + os.sep)
    if elsewhere:
        # jupyter_server keeps the checkpoints of a folder it cannot write to under the system's
        # temporary folder, by the folder's API path: judged as that path; the folders on the way
        # to hers are made there the first time (on a fresh machine), outside the served folder
        real = os.path.normpath(os.path.join(root, os.path.relpath(real, CHECKPOINTS_ELSEWHERE)))
        if kind == "write" and real in (root, os.path.join(root, "home")):
            return False
    if not (real == root or real.startswith(root + os.sep)):
        return kind == "write" or _in_test_area(real, root)  # nothing written outside the root
    relative = os.path.relpath(real, root).replace(os.sep, "/")
    relative = "" if relative == "." else relative
    hers = relative == "home/ann" or relative.startswith("home/ann/")
    if kind == "write":
        return not hers
    shared = relative == "shared" or relative.startswith("shared/")
    on_the_way = relative in ("", "home")
    if kind == "list":
        return not (hers or shared or on_the_way)
    return not (hers or shared)


def _in_test_area(real: str, root: str) -> bool:
    """Reads beside the root (the server's own data and runtime folders) must not happen either."""
    area = os.path.dirname(root)
    return real.startswith(area + os.sep) and not real.startswith(root + os.sep)


@pytest.fixture
def jp_server_config(jp_server_config):
    jp_server_config["FileContentsManager"] = {
        "delete_to_trash": False
    }  # no trash folder outside the root
    return jp_server_config


@pytest.fixture
def world(rbac, make_user, jp_root_dir):
    for folder in ("home/ann", "home/bob", "shared", "secret"):
        (jp_root_dir / folder).mkdir(parents=True, exist_ok=True)
        (jp_root_dir / folder / "x.txt").write_text(folder)
    rbac.store.create_role(
        "own-home", ["read:contents!path=home/{user}/**", "write:contents!path=home/{user}/**"]
    )
    rbac.store.create_role("shared-reader", ["read:contents!path=shared/**"])
    return make_user("ann", roles=["own-home", "shared-reader"])


def requests_for(path: str, index: int) -> tuple[str, str, str | None]:
    """(method, URL path under the base URL, body) exercising `path` in one of the ways a path
    reaches the file manager; the URL form sends the string exactly (percent-encoded) or as written."""
    exact = quote(path, safe="/")
    as_written = quote(path, safe="/%")  # '%2F' in the string arrives as a separator
    url = exact if index % 2 else as_written
    kind = index % 7
    if kind == 0:
        return "PUT", f"api/contents/{url}", TEXT
    if kind == 1:
        return "GET", f"api/contents/{url}", None
    if kind == 2:
        return "POST", f"api/contents/{url}", '{"type": "file"}'
    if kind == 3:
        return "PATCH", "api/contents/home/ann/src.txt", f'{{"path": {_json(path)}}}'
    if kind == 4:
        return "POST", "api/contents/home/ann", f'{{"copy_from": {_json(path)}}}'
    if kind == 5:
        return "DELETE", f"api/contents/{url}", None
    return "GET", f"files/{url}", None


def _json(text: str) -> str:
    import json

    return json.dumps(text)


async def test_every_file_touched_for_an_allowed_request_is_inside_the_policy(
    world, jp_root_dir, jp_http_port, jp_base_url
):
    root = os.path.realpath(jp_root_dir)
    disk = recorder()
    http = AsyncHTTPClient()
    paths = generated_paths(PATHS, SEED)
    assert len(set(paths)) > PATHS * 0.9
    statuses: Counter[int] = Counter()
    crossings = []
    errors = []
    for index, path in enumerate(paths):
        source = jp_root_dir / "home" / "ann" / "src.txt"
        if not source.exists():
            source.write_text("to move")
        method, url, body = requests_for(path, index)
        disk.events.clear()
        disk.on = True
        try:
            response = await http.fetch(
                f"http://127.0.0.1:{jp_http_port}{jp_base_url}{url}",
                method=method,
                body=body,
                headers=world.headers,
                raise_error=False,
                allow_nonstandard_methods=True,
            )
        finally:
            disk.on = False
        statuses[response.code] += 1
        if response.code >= 500:
            errors.append(f"{method} {url!r} {body}: {response.code}")
        if response.code < 300:
            for kind, touched in disk.events:
                if outside_policy(kind, touched, root):
                    crossings.append(f"{method} {url!r} -> {response.code}: {kind} {touched}")
    print(f"\n{PATHS} paths: answers {dict(sorted(statuses.items()))}")
    assert crossings == [], "\n".join(crossings[:50])
    assert errors == [], "\n".join(errors[:50])
    assert statuses[200] + statuses[201] + statuses[204] > 200  # the test does reach the disk
    assert (jp_root_dir / "home" / "bob" / "x.txt").read_text() == "home/bob"
    assert (jp_root_dir / "secret" / "x.txt").read_text() == "secret"
    assert sorted(os.listdir(jp_root_dir)) == ["home", "secret", "shared"]
    assert sorted(os.listdir(jp_root_dir / "home")) == ["ann", "bob"]


def test_the_generator_covers_what_the_review_named():
    paths = generated_paths(PATHS, SEED)
    wanted = {
        "backslash": "\\",
        "encoded separator": "%2F",
        "dot-dot": "..",
        "NFD": "e\u0301",
        "trailing dot": ". ",
        "doubled slash": "//",
        "long name": "m" * 300,
        "control": "\x00",
    }
    for what, needle in wanted.items():
        assert any(needle in path for path in paths), what
