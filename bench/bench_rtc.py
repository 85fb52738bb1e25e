"""Read-only collaborators: what the room's check costs per message, against the work the room
does for that message anyway.

For every Yjs message a collaborator sends, jupyter-rbac first judges the connection again
(`jupyter_rbac/enforcement/websockets.py`: a look for any process's policy changes, is the token it
opened with still valid, are the sender's compiled permissions still those that let it in), then
the room handler asks whether the message edits (`is_edit`) and, if so, whether the sender may
write the document now (its `EditGate`: the path decision); see
`jupyter_rbac/collaboration/room_handler.py`.
The baseline, in the same process, is applying that one-keystroke update to a notebook's
document with pycrdt (what the room does with every edit it accepts). The policy is a real
SQLite store with 1,000 users; the document a 50-cell notebook.

    python bench/bench_rtc.py [--messages 20000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from jupyter_server.auth import User
from pycrdt import Array, Doc, Map, Text, create_update_message

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from jupyter_rbac.collaboration.messages import EditGate, is_edit
from jupyter_rbac.enforcement.authorizer import RBACAuthorizer
from jupyter_rbac.enforcement.context import RequestContext
from jupyter_rbac.enforcement.websockets import why_not_still_allowed
from jupyter_rbac.model import Catalog
from jupyter_rbac.policy import Policy
from jupyter_rbac.services import RBACService
from jupyter_rbac.store import Store

sys.path.insert(0, str(Path(__file__).parent))
from results import Report, percentile

DOCUMENT = "shared/team/plan.ipynb"


def keystroke_updates(count: int) -> tuple[Doc, list[bytes]]:
    """A 50-cell notebook document, and `count` one-character edits of it as wire messages."""
    source = Doc()
    cells = source.get("cells", type=Array)
    with source.transaction():
        for i in range(50):
            cells.append(Map({"source": Text(f"x = {i}\n" * 5), "cell_type": "code"}))
    start = source.get_update()
    messages: list[bytes] = []
    text = cells[0]["source"]

    def record(event) -> None:
        messages.append(create_update_message(event.update))

    subscription = source.observe(record)
    for _ in range(count):
        text.insert(len(text), "y")
    source.unobserve(subscription)
    room = Doc()
    room.apply_update(start)
    return room, messages


def timed(work, items) -> list[float]:
    """Seconds per item, item by item."""
    times = []
    for item in items:
        begin = time.perf_counter()
        work(item)
        times.append(time.perf_counter() - begin)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--json", help="save the figures here (for bench/suite.py)")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="rbac-bench-rtc-")
    store = Store.open(f"sqlite:///{folder}/policy.sqlite")
    RBACService(store, Catalog()).ensure_defaults()
    for i in range(1_000):
        store.create_user(f"user{i}", roles=["viewer" if i % 2 else "editor"])
    policy = Policy(store, Catalog())

    gates = {
        user: EditGate(lambda user=user: policy.permissions(user, None), DOCUMENT)
        for user in ("user0", "user1")
    }
    authorizer = RBACAuthorizer()
    authorizer.policy = policy
    guard = SimpleNamespace(
        policy=policy, authorizer=authorizer
    )  # what the per-message check reads
    # a room's websocket opened with the user's API token, whose first message was let through
    connections = {
        user: SimpleNamespace(
            current_user=User(username=user),
            rbac_context=RequestContext(websocket=True, token=store.create_token(user)[1]),
        )
        for user in gates
    }
    policy.refresh()
    for connection in connections.values():
        connection.rbac_context.judged_with = authorizer.current_permissions(
            connection, connection.current_user
        )

    def check(message: bytes, user: str) -> bool:
        # what each message costs: websockets.keep_open's check, then CollaborationRoomHandler.on_message
        if why_not_still_allowed(connections[user], guard) is not None:
            return False
        return not is_edit(message) or gates[user].may_edit()

    room, messages = keystroke_updates(args.messages)
    print(f"{len(messages)} one-keystroke updates of a 50-cell notebook; a policy of 1,000 users")
    report = Report("real-time collaboration")
    apply = timed(
        lambda message: room.apply_update(message[3:]), messages
    )  # strip the y-protocol header
    editor = timed(lambda message: check(message, "user0"), messages)
    viewer = timed(lambda message: check(message, "user1"), messages)
    assert check(messages[0], "user0") and not check(messages[0], "user1")
    base = percentile(apply, 0.5)
    report.add("apply one update to the room's document, p50", base * 1e6, "µs")
    for name, times in (("an editor's edit", editor), ("a viewer's edit (dropped)", viewer)):
        p50 = percentile(times, 0.5)
        report.add(
            f"the check of {name}, p50",
            p50 * 1e6,
            "µs",
            baseline="applying the update",
            baseline_value=base * 1e6,
            target="ratio <= 2",
            met=p50 / base <= 2,
        )
        report.add(f"the check of {name}, p99", percentile(times, 0.99) * 1e6, "µs")
    store.close()
    report.save(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
