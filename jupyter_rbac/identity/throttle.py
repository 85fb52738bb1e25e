"""Failed sign-ins, counted per user name and per address over a sliding window.

In memory, per server process: a password guesser is slowed where it knocks. Several servers
sharing one policy each count their own (document: put them behind one proxy that limits too).
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable

# Keys remembered at most (oldest forgotten first): a flood of names cannot grow memory forever.
MAX_KEYS = 100_000


class LoginThrottle:
    def __init__(
        self,
        per_user: int = 5,
        per_address: int = 20,
        window: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.limits = {"user": per_user, "address": per_address}
        self.window = window
        self.clock = clock
        self._failures: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()

    def wait_time(self, username: str, address: str) -> float:
        """Seconds before another attempt for this user from this address is heard (0: now)."""
        now = self.clock()
        wait = 0.0
        for key in (("user", username.lower()), ("address", address)):
            failures = self._recent(key, now)
            if failures is not None and len(failures) >= self.limits[key[0]]:
                wait = max(wait, failures[0] + self.window - now)
        return wait

    def failed(self, username: str, address: str) -> None:
        now = self.clock()
        for key in (("user", username.lower()), ("address", address)):
            failures = self._failures.setdefault(key, deque())
            failures.append(now)
            self._failures.move_to_end(key)
            while len(failures) > self.limits[key[0]]:
                failures.popleft()
        while len(self._failures) > MAX_KEYS:
            self._failures.popitem(last=False)

    def succeeded(self, username: str) -> None:
        """A right password clears the user's count (not the address's: one account is not all)."""
        self._failures.pop(("user", username.lower()), None)

    def _recent(self, key: tuple[str, str], now: float) -> deque[float] | None:
        failures = self._failures.get(key)
        if failures is None:
            return None
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return None
        return failures
