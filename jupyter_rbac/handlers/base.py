"""What every /api/rbac handler shares: the caller as an Actor, strict JSON bodies, paging,
ETags, and errors of the service turned into HTTP answers."""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from jupyter_server.base.handlers import APIHandler
from tornado import web

from ..errors import InvalidInput, PreconditionFailed, RBACError
from ..json_body import BodyError, parse_json_body
from ..services import Actor, Listing, RBACService
from ..services.accounts import AccountService
from ..services.request_bodies import check_body
from ..store import Page

MAX_LIMIT = 1000
MAX_OFFSET = 2**31  # far beyond any list; keeps every number a database can hold


class APIError(web.HTTPError):
    """An RBACError as an HTTP answer; the guard's error page reads `missing_scope` and `rbac_message`."""

    def __init__(self, error: RBACError):
        super().__init__(error.status)
        self.rbac_message = error.message
        self.missing_scope = getattr(error, "missing_scope", None)

    @property
    def log_message(self) -> str:
        # jupyter_server's APIHandler.write_error shows this text to the client as it is
        return self.rbac_message


def api(method: Callable) -> Callable:
    """A handler method whose service errors become 4xx answers with a JSON message."""

    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        @web.authenticated
        async def async_wrapper(self, *args, **kwargs):
            try:
                return await method(self, *args, **kwargs)
            except RBACError as error:
                raise APIError(error) from None

        return async_wrapper

    @functools.wraps(method)
    @web.authenticated
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RBACError as error:
            raise APIError(error) from None

    return wrapper


class RBACHandler(APIHandler):
    @classmethod
    def allowed_methods(cls) -> list[str]:
        """The HTTP methods this handler answers (tornado's defaults answer 405)."""
        return [
            method
            for method in cls.SUPPORTED_METHODS
            if getattr(cls, method.lower()) is not getattr(web.RequestHandler, method.lower())
        ]

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        if status_code == 405:
            # RFC 9110 (15.5.6): a 405 names the methods the resource does have
            self.set_header("Allow", ", ".join(self.allowed_methods()))
        super().write_error(status_code, **kwargs)

    @property
    def policy(self):
        return self.settings["rbac_policy"]

    @property
    def catalog(self):
        return self.settings["rbac_catalog"]

    @property
    def service(self) -> RBACService:
        return self.settings["rbac_service"]

    @property
    def accounts(self) -> AccountService:
        return self.settings["rbac_accounts"]

    @property
    def actor(self) -> Actor:
        user = self.current_user
        return Actor(user.username, self.authorizer.permissions_for(self, user))

    # -- input -------------------------------------------------------------------------------

    def json_body(
        self, schema: str, null_means_absent: tuple[str, ...] = (), may_be_empty: bool = False
    ) -> dict:
        """The request's JSON object, as the spec's schema `schema` describes it (openapi.yaml);
        anything else is a 400 naming the field and what is wrong. No body at all is a 400 too,
        unless it `may_be_empty` (then it reads as `{}`): a request cut short must not pass as
        "no change". A null in `null_means_absent` reads as the field left out."""
        if not self.request.body.strip() and not may_be_empty:
            raise InvalidInput("the request body is missing; send a JSON object ({} for no fields)")
        try:
            body = parse_json_body(self.request.body, empty={})  # the size and depth limits first
        except BodyError as error:
            raise InvalidInput(str(error)) from None
        return check_body(body, schema, null_means_absent)

    def int_argument(
        self, name: str, default: int | None, low: int, high: int = MAX_OFFSET
    ) -> int | None:
        raw = self.get_query_argument(name, None)
        if raw is None:
            return default
        if not raw.isdigit() and not (raw.startswith("-") and raw[1:].isdigit()):
            raise InvalidInput(f"{name}: {raw!r} is not an integer")
        value = int(raw)
        if not low <= value <= high:
            raise InvalidInput(f"{name}: must be between {low} and {high}")
        return value

    def time_argument(self, name: str) -> datetime | None:
        raw = self.get_query_argument(name, None)
        if raw is None:
            return None
        try:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(f"{name}: {raw!r} is not an ISO 8601 date and time") from None
        if moment.tzinfo is None:
            raise InvalidInput(f"{name}: give a time zone, as in 2026-01-31T12:00:00Z")
        return moment

    def listing(self, default_sort: str = "name") -> Listing:
        query = self.get_query_argument("q", "")
        if len(query) > 200:
            raise InvalidInput("q: at most 200 characters")
        return Listing(
            limit=self.int_argument("limit", 100, 1, MAX_LIMIT),
            offset=self.int_argument("offset", 0, 0),
            sort=self.get_query_argument("sort", default_sort),
            query=query,
        )

    def expected_revision(self, current) -> int | None:
        """The revision an `If-Match` header names, checked against `current` (412 if stale).

        Without If-Match, None: the write applies to whatever is current.
        """
        header = self.request.headers.get("If-Match")
        if header is None:
            return None
        # If-Match compares strongly: a weak tag (W/"...") never matches
        tags = [tag.strip() for tag in header.split(",")]
        if "*" in tags or current.etag in tags:
            return current.revision
        raise PreconditionFailed(
            f"{type(current).__name__.removesuffix('Record').removesuffix('Entry').lower()} "
            f"{current.name!r} was changed by someone else (If-Match {header} is not its ETag"
            f" {current.etag}); reload it and try again"
        )

    def for_write(self, read: Callable, require: Callable, name: str):
        """The current record behind a write: the write scope is checked before anything is read,
        so a refusal names the scope that is missing (and says nothing about existence)."""
        require()
        return read(Actor.system(self.actor.name), name)

    # -- output ------------------------------------------------------------------------------

    def send_json(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))

    def send_record(self, record, status: int = 200, extra: dict | None = None) -> None:
        """One versioned record, with its ETag (a GET whose If-None-Match matches gets 304)."""
        self.set_header("ETag", record.etag)
        if self.request.method == "GET" and self.check_etag_header():
            self.set_status(304)
            self.finish()
            return
        self.send_json({**record.to_json(), **(extra or {})}, status)

    def send_page(
        self, page: Page, listing: Listing, shape: Callable[[Any], dict] | None = None
    ) -> None:
        shape = shape or (lambda record: record.to_json())
        self.send_json(
            {
                "items": [shape(record) for record in page.items],
                "total": page.total,
                "limit": listing.limit,
                "offset": listing.offset,
            }
        )

    def no_content(self) -> None:
        self.set_status(204)
        self.finish()
