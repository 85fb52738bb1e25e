"""Under JupyterHub, an open websocket asks the Hub about its token again every few seconds.

The Hub may revoke a token, delete a user or end a share while a connection stays open. HTTP
requests learn it when HubAuth's cache of the Hub's answers expires (`c.RBAC.hub_cache_seconds`);
a websocket asks the Hub itself. Once `c.RBAC.hub_websocket_recheck_seconds` have passed since the
Hub's last answer, the connection's next message (or the sweep's next full look) asks again,
uncached, in the background. If the token no longer names the same user with access to this
server, the connection closes; otherwise it is judged again in full with the Hub's new answer
(a share narrowed, a group left). Messages pass meanwhile, so the delay is at most the interval
plus one round trip to the Hub. If the Hub cannot answer for longer than the HTTP cache would
trust an answer, the connection closes (fail closed); JupyterLab reconnects when it can.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..enforcement.context import context_of
from .singleuser import HubGrants


@dataclass
class _Watch:
    """What one connection's last answer from the Hub was, and when."""

    token: str
    answered_at: float
    asking: bool = False
    withdrawn: str | None = None
    _tasks: set = field(default_factory=set)


class HubConnections:
    def __init__(
        self, hub_auth: Any, grants: HubGrants, interval: float, trust: float, log: logging.Logger
    ):
        self.hub_auth = hub_auth
        self.grants = grants
        self.interval = interval
        self.trust = trust  # seconds an answer may be old when the Hub cannot be reached
        self.log = log
        self._watches: weakref.WeakKeyDictionary[Any, _Watch] = weakref.WeakKeyDictionary()

    def still_valid(self, handler: Any, rejudge: Callable[[], Any]) -> bool:
        """False once the Hub withdrew what let this connection in. Starts a fresh question when
        the last answer is older than the interval; `rejudge` runs when it comes back."""
        if getattr(handler.current_user, "hub_user", None) is None:
            return True
        watch = self._watches.get(handler)
        now = time.monotonic()
        if watch is None:  # the upgrade was just answered by the Hub
            watch = self._watches[handler] = _Watch(self.hub_auth.get_token(handler) or "", now)
        if watch.withdrawn is None and now - watch.answered_at > self.trust + self.interval:
            watch.withdrawn = "JupyterHub could not confirm the token of this connection"
        if watch.withdrawn is not None:
            return False
        if not watch.asking and now - watch.answered_at >= self.interval:
            watch.asking = True
            task = asyncio.ensure_future(self._ask(handler, watch, rejudge))
            watch._tasks.add(task)  # keep a reference until it is done
            task.add_done_callback(watch._tasks.discard)
        return True

    async def _ask(self, handler: Any, watch: _Watch, rejudge: Callable[[], Any]) -> None:
        user = handler.current_user
        try:
            model = await self.hub_auth.user_for_token(watch.token, use_cache=False, sync=False)
        except Exception as error:  # noqa: BLE001  # the Hub restarts, say: ask at the next message
            self.log.warning(
                "jupyter-rbac: could not ask JupyterHub about %s's websocket: %s",
                user.username,
                error,
            )
            watch.asking = False
            return
        watch.asking, watch.answered_at = False, time.monotonic()
        withdrawn = self._withdrawn(model, user.username)
        if withdrawn:
            watch.withdrawn = withdrawn
        else:
            user.hub_user = model  # the Hub's current scopes and groups decide from now on
            context_of(handler).external = self.grants.of(user)
        rejudge()

    def _withdrawn(self, model: dict | None, username: str) -> str | None:
        if not model or model.get("name") != username:
            return "JupyterHub no longer accepts the token of this connection"
        if not self.hub_auth.check_scopes(self.hub_auth.access_scopes, model):
            return "JupyterHub no longer lets this user into this server"
        return None


def trust_hub_answers_for(hub_auth: Any, seconds: int, config: Any, log: logging.Logger) -> None:
    """HubAuth remembers the Hub's answer about a token for `seconds` (JupyterHub's default is
    five minutes), unless `c.HubOAuth.cache_max_age` is configured: a revoked share or token
    then stops working over HTTP within that time."""
    configured = any(
        "cache_max_age" in config.get(section, {}) for section in ("HubOAuth", "HubAuth")
    )
    if configured:
        log.info(
            "jupyter-rbac: JupyterHub's answers are remembered %s s (HubOAuth.cache_max_age)",
            hub_auth.cache_max_age,
        )
        return
    hub_auth.cache_max_age = seconds
    hub_auth.cache.max_age = seconds  # the cache may exist already, made with the old age


async def learn_hub_owner(hub_auth: Any, grants: HubGrants, log: logging.Logger) -> None:
    """Ask the Hub, with the server's own token, which groups the owner is in (for `!group=`)."""
    try:
        grants.learn_owner(
            await hub_auth.user_for_token(hub_auth.api_token, use_cache=False, sync=False)
        )
    except Exception as error:  # noqa: BLE001  # without them, `!group=` filters admit no one
        log.warning("jupyter-rbac: could not ask JupyterHub for the owner's groups: %s", error)
