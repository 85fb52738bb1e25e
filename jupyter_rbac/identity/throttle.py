"""Failed sign-ins (and wrong current passwords), counted three ways over a sliding window, as
OWASP's authentication advice has it: stop a guesser where they knock without locking the owner
out from elsewhere, nor everyone behind one address.

- Per name and address: `per_user` failures, then that name from that address is refused (429)
  until the oldest failure leaves the window. A guesser cannot go on; a sign-in with the right
  password clears the pair and the name's count below.
- Per name alone, from anywhere: after `per_user` failures each further attempt on the name from
  an address that has failed on it waits a growing delay (1 s, 2 s, 4 s, ... at most MAX_DELAY)
  after the name's latest failure. An address that has not failed on the name is heard at once:
  the owner's right password from a clean address is never refused.
- Per address, for any names: after `per_address` failures every attempt from it waits a growing
  delay after its latest failure, never a lock-out: people behind one NAT or proxy are slowed
  while someone there guesses, not shut out.

Callers count an attempt before checking the password (`failed`), so that guesses sent at once
cannot all slip under a limit while the slow hash runs, and take the count back when the password
was right (`succeeded`) or never checked (`withdraw`).

In memory, per server process, at most MAX_KEYS counters (the oldest forgotten first): a flood of
names or addresses cannot grow memory without bound. Several servers sharing one policy each count
their own (put them behind one proxy that limits too).
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable

# Counters remembered at most (oldest forgotten first).
MAX_KEYS = 100_000
# The longest growing delay, in seconds: what a slowed person waits at worst.
MAX_DELAY = 30.0

# Failures past a limit worth remembering: 2**5 s is past MAX_DELAY.
_DOUBLINGS = 5

Key = tuple[str, ...]


class LoginThrottle:
    def __init__(
        self,
        per_user: int = 5,
        per_address: int = 20,
        window: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.per_user = per_user
        self.per_address = per_address
        self.window = window
        self.clock = clock
        self._failures: OrderedDict[Key, deque[float]] = OrderedDict()

    def __len__(self) -> int:
        """Counters kept (at most MAX_KEYS)."""
        return len(self._failures)

    def wait_time(self, username: str, address: str) -> float:
        """Seconds before an attempt for this user from this address is heard (0: now)."""
        now = self.clock()
        name = username.lower()
        pair = self._recent(("pair", name, address), now)
        waits = [
            self._delay(self._recent(("address", address), now), self.per_address, now),
            # a lock-out for this pair while it has per_user recent failures: until one goes
            pair[-self.per_user] + self.window - now
            if pair and len(pair) >= self.per_user
            else 0.0,
        ]
        if pair:  # the name's delay applies to addresses that have failed on it
            waits.append(self._delay(self._recent(("name", name), now), self.per_user, now))
        return max(waits)

    def failed(self, username: str, address: str) -> None:
        """Count a failure (or an attempt about to be checked)."""
        now = self.clock()
        name = username.lower()
        for key in (("pair", name, address), ("name", name), ("address", address)):
            failures = self._failures.setdefault(key, deque())
            failures.append(now)
            self._failures.move_to_end(key)
            while len(failures) > self._kept(key):
                failures.popleft()
        while len(self._failures) > MAX_KEYS:
            self._failures.popitem(last=False)

    def succeeded(self, username: str, address: str) -> None:
        """The right password: it clears its name-and-address pair and the name's slow-down (the
        owner has it); the address keeps its other failures (one account is not all behind it)."""
        name = username.lower()
        self._failures.pop(("pair", name, address), None)
        self._failures.pop(("name", name), None)
        self._forget_latest(("address", address))

    def withdraw(self, username: str, address: str) -> None:
        """Take back an attempt counted by `failed` whose password was never checked."""
        name = username.lower()
        for key in (("pair", name, address), ("name", name), ("address", address)):
            self._forget_latest(key)

    def _forget_latest(self, key: Key) -> None:
        failures = self._failures.get(key)
        if failures:
            failures.pop()
        if not failures:
            self._failures.pop(key, None)

    def _kept(self, key: Key) -> int:
        """Failures worth keeping: enough to know the limit and the delay's growth."""
        limit = self.per_address if key[0] == "address" else self.per_user
        return limit + _DOUBLINGS

    def _delay(self, failures: deque[float], free: int, now: float) -> float:
        """What is left of the growing delay after the latest failure, once `free` failures are
        recent: 1 s, then twice as long with each further failure, at most MAX_DELAY."""
        if not failures or len(failures) < free:
            return 0.0
        delay = min(MAX_DELAY, 2.0 ** (len(failures) - free))
        return max(0.0, failures[-1] + delay - now)

    def _recent(self, key: Key, now: float) -> deque[float]:
        failures = self._failures.get(key)
        if failures is None:
            return deque()
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            del self._failures[key]
        return failures
