"""The presence registry on its own: who is here, by their connections and their last request."""

from __future__ import annotations

from types import SimpleNamespace

from jupyter_rbac.collaboration.messages import is_edit
from jupyter_rbac.collaboration.presence import Presence


class Clock:
    def __init__(self):
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def user(name: str, **extra):
    return SimpleNamespace(
        username=name,
        display_name=extra.pop("display_name", name.title()),
        initials=name[:2].upper(),
        color="var(--jp-collaborator-color1)",
        avatar_url=None,
        **extra,
    )


def test_a_user_is_here_while_connected_or_recently_seen():
    clock = Clock()
    presence = Presence(idle_after=300, clock=clock)
    presence.seen(user("vera"))
    connection = presence.connect(user("eddie"), "document", "a.ipynb", "editor")
    clock.now += 301
    assert [p["name"] for p in presence.snapshot()] == ["eddie"]  # vera went idle
    presence.disconnect(connection)
    assert [p["name"] for p in presence.snapshot()] == ["eddie"]  # just left: still here
    clock.now += 301
    assert presence.snapshot() == []


def test_documents_open_twice_are_listed_once_editor_winning():
    clock = Clock()
    presence = Presence(clock=clock)
    presence.connect(user("vera"), "document", "b.ipynb", "viewer")
    clock.now += 5
    presence.connect(user("vera"), "document", "b.ipynb", "editor")
    presence.connect(user("vera"), "kernel")
    (vera,) = presence.snapshot()
    assert vera["documents"] == [{"path": "b.ipynb", "mode": "editor", "since": 1_000.0}]
    assert vera["connections"] == {"document": 2, "kernel": 1}
    assert (vera["display_name"], vera["initials"]) == ("Vera", "VE")


def test_a_document_the_reader_may_not_see_is_neither_listed_nor_counted():
    presence = Presence(clock=Clock())
    presence.connect(user("eddie"), "document", "private/plan.ipynb", "editor")
    presence.connect(user("eddie"), "document", "shared/notes.ipynb", "editor")
    presence.connect(user("eddie"), "kernel")
    (eddie,) = presence.snapshot(lambda path: path.startswith("shared/"))
    assert [d["path"] for d in eddie["documents"]] == ["shared/notes.ipynb"]
    assert eddie["connections"] == {"document": 1, "kernel": 1}
    (eddie,) = presence.snapshot()  # everything, for those who may read everything
    assert eddie["connections"] == {"document": 2, "kernel": 1}


def test_listeners_hear_arrivals_and_connections_but_not_every_request():
    presence = Presence(clock=Clock())
    heard = []
    presence.listeners.append(lambda: heard.append(1))
    presence.seen(user("vera"))
    presence.seen(user("vera"))
    connection = presence.connect(user("vera"), "terminal")
    presence.set_mode(connection, "viewer")
    presence.disconnect(connection)
    presence.disconnect(connection)  # twice: nothing more
    assert len(heard) == 4  # arrival, connect, mode, disconnect


def test_only_sync_requests_and_awareness_are_not_edits():
    assert not is_edit(bytes([0, 0, 1, 0]))  # sync step 1: a request for state
    assert not is_edit(bytes([1, 5, 5]))  # awareness
    assert is_edit(bytes([0, 1, 1, 0]))  # sync step 2
    assert is_edit(bytes([0, 2, 1, 0]))  # update
    assert is_edit(bytes([2, 0]))  # jupyter's own (save requests)
    assert is_edit(bytes([0]))  # truncated: not provably harmless
    assert not is_edit("text")  # text frames are not Yjs
