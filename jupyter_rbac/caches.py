"""A bounded cache of what was used most recently: what a server keeps per active user (their
compiled permissions) must not grow with the number of users it has ever seen."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class RecentlyUsed(Generic[Key, Value]):
    """At most `size` entries; adding one more forgets the one used longest ago. Not
    thread-safe: a server's policy is used from its event loop."""

    def __init__(self, size: int, forgotten: Callable[[Key, Value], None] | None = None):
        if size < 1:
            raise ValueError("a cache holds at least one entry")
        self.size = size
        self._forgotten = forgotten  # told of each entry forgotten to make room
        self.evictions = 0  # entries forgotten to make room: what a test or a bench can see
        self._entries: OrderedDict[Key, Value] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def get(self, key: Key) -> Value | None:
        """The entry, now the most recently used; None if there is none."""
        try:
            self._entries.move_to_end(key)
        except KeyError:
            return None
        return self._entries[key]

    def peek(self, key: Key) -> Value | None:
        """The entry, leaving its place as it is; None if there is none."""
        return self._entries.get(key)

    def put(self, key: Key, value: Value) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            old_key, old_value = self._entries.popitem(last=False)
            self.evictions += 1
            if self._forgotten is not None:
                self._forgotten(old_key, old_value)

    def pop(self, key: Key) -> Value | None:
        return self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()

    def values(self):
        return self._entries.values()
