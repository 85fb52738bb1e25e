"""Bad input gets a clear 4xx, never a 500, from the parts jupyter-rbac adds to each request."""

from __future__ import annotations

import pytest

BAD_REQUESTS = [
    ("GET", ("api", "contents", "..", "etc", "passwd"), None),
    ("GET", ("api", "contents", "a%00b"), None),
    ("PATCH", ("api", "contents", "home", "rita", "x.txt"), "not json"),
    ("PATCH", ("api", "contents", "home", "rita", "x.txt"), "[1, 2]"),
    ("PATCH", ("api", "contents", "home", "rita", "x.txt"), {"path": 42}),
    ("POST", ("api", "contents", "home", "rita"), {"copy_from": ["a"]}),
    ("POST", ("api", "contents", "home", "rita"), {"copy_from": "../../../etc/passwd"}),
    ("POST", ("api", "sessions"), "{{{"),
    ("POST", ("api", "sessions"), {"path": None, "kernel": "nope"}),
    ("POST", ("api", "sessions"), {"path": "x.ipynb", "type": "notebook", "kernel": {"id": 5}}),
    ("PATCH", ("api", "sessions", "00000000-0000-0000-0000-000000000000"), {"kernel": {"id": "x"}}),
    ("GET", ("api", "kernels", "00000000-0000-0000-0000-000000000000"), None),
    ("POST", ("api", "kernels"), "not json"),
    ("GET", ("api", "terminals", "999"), None),
    ("GET", ("nbconvert", "html", "..", "x.ipynb"), None),
    ("GET", ("api", "fileid", "path"), None),
    ("GET", ("api", "collaboration", "timeline", ""), None),
    ("PUT", ("api", "collaboration", "undo_redo", "not-a-room"), {}),
]


@pytest.mark.parametrize("method,parts,body", BAD_REQUESTS, ids=[f"{m} {'/'.join(p)}" for m, p, _ in BAD_REQUESTS])
async def test_bad_input_never_gives_a_500(runner, jp_root_dir, method, parts, body):
    (jp_root_dir / "home" / "rita").mkdir(parents=True)
    status, payload = await runner.request(method, *parts, body=body)
    assert 400 <= status < 500, (status, payload)
