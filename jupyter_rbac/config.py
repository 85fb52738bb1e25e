"""`c.RBAC`: every setting of jupyter-rbac, shared by the server extension and the command line."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from jupyter_core.paths import jupyter_data_dir
from traitlets import Bool, Dict, Enum, Float, Integer, List, TraitError, Unicode, default, validate
from traitlets.config import LoggingConfigurable

from .limits import DEFAULT_INVITATION_LIFETIME


class RBAC(LoggingConfigurable):
    """Role Based Access Control for Jupyter Server."""

    db_url = Unicode(
        config=True,
        help="""SQLAlchemy URL of the policy database. Default: a SQLite file `rbac.sqlite` in the
        Jupyter data directory. Point several servers at one PostgreSQL database
        (postgresql+psycopg://...) to share one policy.""",
    )

    db_listen_url = Unicode(
        "",
        config=True,
        help="""PostgreSQL only: the URL the change listener connects to, directly to the
        database, when db_url goes through a pooler in transaction mode (PgBouncer), which
        cannot pass LISTEN through. Setting it also turns off psycopg's server-side prepared
        statements on db_url's connections (a pooler in transaction mode cannot keep them).
        Empty: the listener uses db_url.""",
    )

    @default("db_url")
    def _default_db_url(self) -> str:
        return f"sqlite:///{Path(jupyter_data_dir()) / 'rbac.sqlite'}"

    initial_admin = Unicode(
        config=True,
        help="""Name of the administrator created on first start with an empty database
        (default: the server's owner under JupyterHub, else the name of the user running the
        server). A one-time login link for them is printed at start.""",
    )

    @default("initial_admin")
    def _default_initial_admin(self) -> str:
        if os.environ.get("JUPYTERHUB_USER"):  # a Hub's single-user server: its owner
            return os.environ["JUPYTERHUB_USER"]
        try:
            return getpass.getuser()
        except (OSError, KeyError, ImportError):  # no login name (what getuser raises varies)
            return "admin"

    load_roles = List(
        Dict(),
        config=True,
        help="""Roles declared in config, applied at every start (as JupyterHub's `load_roles`):
        a list of {"name": ..., "description": ..., "scopes": [...], "users": [...],
        "groups": [...]}. Users and groups are created if missing and given the role.
        Without "scopes", an entry only gives an existing role (a default role, `admin`, or one
        made at runtime), which keeps its scopes: {"name": "admin", "users": ["alice"]}. With
        "scopes", it creates or updates the role, whose scopes and description are then
        read-only through the API. `admin`'s scopes cannot change. A user or group an earlier
        start gave a role, and no entry names any more, loses it.""",
    )

    policy_file = Unicode(
        "",
        config=True,
        help="""A YAML file of roles, in the format of `jupyter rbac export` (described in
        jupyter_rbac/policy_file.py), applied at every start as `load_roles` is: its roles are
        created or updated and managed by config (read-only through the API), and given to their
        users and groups, which are created if missing. Its `users:` and `groups:` sections are
        optional; where present, every name a role uses must be declared there. A file that sets
        group members, group descriptions or display names is refused: only `jupyter rbac import`
        applies those. Relative paths are from the server's working directory.""",
    )

    allow_passwords = Bool(
        True,
        config=True,
        help="""May users sign in with a password? They set one when accepting an invitation
        (if the invitation allows it) or later (PUT /api/rbac/me/password). Off: users sign in
        with their API tokens and invitation links only.""",
    )

    user_editable_fields = List(
        Unicode(),
        default_value=["display_name", "avatar_url", "color"],
        config=True,
        help="""Profile fields users may change about themselves (PATCH /api/rbac/me): any of
        display_name, avatar_url, color. Administrators change any user's display name.""",
    )

    @validate("user_editable_fields")
    def _check_editable_fields(self, proposal):
        unknown = set(proposal["value"]) - {"display_name", "avatar_url", "color"}
        if unknown:
            raise TraitError(f"RBAC.user_editable_fields: unknown fields {sorted(unknown)}")
        return proposal["value"]

    invitation_lifetime = Integer(
        DEFAULT_INVITATION_LIFETIME,
        config=True,
        help="How long an invitation link stays valid when the inviter names no expiry, in seconds.",
    )

    login_attempts_per_user = Integer(
        5,
        config=True,
        help="""Failed sign-ins (and wrong current passwords) allowed for one user name from one
        client address within `login_window` seconds; then that name is refused (HTTP 429) from
        that address until the window moves on. Past as many failures for the name from all
        addresses, each attempt from an address that failed on it waits a delay that doubles
        (1 s, 2 s, ... 30 s); an address that never failed on it is heard at once.""",
    )

    login_attempts_per_address = Integer(
        20,
        config=True,
        help="""Failed sign-ins allowed from one client address, for any names, within
        `login_window` seconds; past them every attempt from it waits a delay that doubles
        (1 s, 2 s, ... 30 s): slowed, never locked out (many people may share one address).""",
    )

    cookie_samesite = Enum(
        ["Lax", "Strict", "None"],
        default_value="Lax",
        config=True,
        help="""The SameSite attribute of the cookies the server sets (the sign-in session and the
        XSRF token): with `Lax`, a page of another site sends no cookie with its requests or
        websockets, and a link from elsewhere still opens JupyterLab signed in. `Strict` also
        drops the cookie on links from other sites; `None` sends it everywhere (only over HTTPS,
        for embedding JupyterLab in another site's page). `c.IdentityProvider.cookie_options`
        with a `samesite` key of its own wins.""",
    )

    login_window = Float(
        300.0,
        config=True,
        help="The sliding window, in seconds, of the counts above (kept by each server process).",
    )

    presence_idle_seconds = Float(
        300.0,
        config=True,
        help="""A user without an open websocket stays in the collaborators list this many seconds
        after their last request.""",
    )

    presence_expiry_seconds = Float(
        30.0,
        config=True,
        help="""Servers sharing one policy database show one collaborators list: each writes who is
        connected to it into the database, refreshed every third of this while anyone is, and
        reads the others'. A server stopped without a word (killed, or cut off) drops out of the
        others' lists this many seconds after its last refresh; one stopped cleanly at once. A
        server with nobody connected writes nothing.""",
    )

    @validate("presence_expiry_seconds")
    def _positive_expiry(self, proposal):
        if proposal["value"] <= 0:
            raise TraitError("c.RBAC.presence_expiry_seconds must be more than 0")
        return proposal["value"]

    websocket_recheck_seconds = Float(
        1.0,
        config=True,
        help="""Open websockets are judged again at every message they receive, and every this many
        seconds in full as well: a connection that only receives (a kernel's output, a terminal),
        or whose document was moved out of its user's reach, closes within this time once its
        user loses the scope or its token is revoked (bench/bench_rtc.py weighs what a look
        costs).""",
    )

    @validate("websocket_recheck_seconds")
    def _positive_recheck(self, proposal):
        if proposal["value"] <= 0:
            raise TraitError("c.RBAC.websocket_recheck_seconds must be more than 0")
        return proposal["value"]

    hub_owner_role = Unicode(
        "admin",
        config=True,
        help="""Under JupyterHub: the role the server's owner holds on their own server. Empty:
        only what the policy gives them.""",
    )

    hub_visitor_role = Unicode(
        "viewer",
        config=True,
        help="""Under JupyterHub: the role of a visitor who comes in a browser (the Hub never gives
        a share's custom scopes to browser sessions) and holds no role of ours. A visitor's
        custom:jupyter_server scopes for this server, where their request carries them, are what
        they get instead; an API token of theirs with none does nothing. Empty: only the `user`
        role.""",
    )

    hub_cache_seconds = Integer(
        30,
        config=True,
        help="""Under JupyterHub: how many seconds the Hub's answer about a request's token (who it
        is, its scopes and groups) is remembered before the Hub is asked again, so revoking a
        share or a token takes effect over HTTP within this time. Sets `c.HubOAuth.cache_max_age`
        (JupyterHub's default is 300) unless that is configured itself.""",
    )

    activity_resolution = Float(
        60.0,
        config=True,
        help="""How exactly a user's `last_seen_at` and a token's `last_used_at` are kept, in
        seconds: each is written at most once in this time, in batches, outside requests (as
        JupyterHub's `activity_resolution`).""",
    )

    @validate("activity_resolution")
    def _positive_resolution(self, proposal):
        if proposal["value"] <= 0:
            raise TraitError("c.RBAC.activity_resolution must be more than 0")
        return proposal["value"]

    hub_websocket_recheck_seconds = Float(
        5.0,
        config=True,
        help="""Under JupyterHub: an open websocket asks the Hub about its token again when this
        many seconds have passed since the last answer (at its next message, or at the next
        full look every `websocket_recheck_seconds`); it closes when the token was revoked, its
        user deleted, or the share or scopes that let it in are gone.""",
    )

    @validate("hub_cache_seconds", "hub_websocket_recheck_seconds")
    def _positive_hub_seconds(self, proposal):
        if proposal["value"] <= 0:
            raise TraitError(f"c.RBAC.{proposal['trait'].name} must be more than 0")
        return proposal["value"]

    audit_max_age_days = Float(
        90.0,
        config=True,
        help="""Audit rows older than this many days are deleted, at start and every
        `audit_prune_seconds`. 0: kept whatever their age.""",
    )

    audit_max_rows = Integer(
        1_000_000,
        config=True,
        help="""At most this many audit rows are kept (the newest), pruned with
        `audit_max_age_days`. 0: no limit on their number.""",
    )

    audit_prune_seconds = Float(
        3600.0,
        config=True,
        help="How often, in seconds, the audit trail is pruned (it also is at start).",
    )

    audit_coalesce_seconds = Float(
        10.0,
        config=True,
        help="""Denied requests of one user within this many seconds of their first are one audit
        row (and one event) whose `detail.count` says how many there were: a flood of refusals
        costs one row. 0: a row for every denied request.""",
    )

    token_guesses_per_key = Integer(
        10,
        config=True,
        help="""Wrong secrets verified for one token look-up key (the part of a token after
        `rbac_` that finds it) within `token_guess_window` seconds; further guesses with that
        key are answered "no" without verifying until the window ends. A secret already
        verified by this process keeps working.""",
    )

    token_guess_window = Float(
        60.0,
        config=True,
        help="The window, in seconds, of `token_guesses_per_key`.",
    )

    permissions_cache_size = Integer(
        1000,
        config=True,
        help="""How many users' compiled permissions each server keeps (the most recently active
        ones): a user beyond them has theirs compiled again at their next request, so memory
        stays bounded however many users the policy has.""",
    )

    @validate("audit_max_age_days", "audit_max_rows", "audit_coalesce_seconds")
    def _not_negative(self, proposal):
        if proposal["value"] < 0:
            raise TraitError(f"c.RBAC.{proposal['trait'].name} must not be negative")
        return proposal["value"]

    @validate(
        "audit_prune_seconds",
        "token_guesses_per_key",
        "token_guess_window",
        "permissions_cache_size",
    )
    def _more_than_zero(self, proposal):
        if proposal["value"] <= 0:
            raise TraitError(f"c.RBAC.{proposal['trait'].name} must be more than 0")
        return proposal["value"]

    extra_routes = List(
        Dict(),
        config=True,
        help="""More lines for the route table, checked before the built-in ones, for extensions
        whose handlers never call the Authorizer: {"pattern": "/my-ext/.*", "resource": "lab"}
        (the action follows the method: read for GET/HEAD/OPTIONS, write otherwise; "actions":
        {"POST": "execute"} overrides), or {"pattern": "/my-ext/health", "access": "public"}.
        Add "authorizer": true when the handlers call the Authorizer themselves (@authorized), so
        that scopes filtered to paths or owners pass the route and the object is judged there.
        "any_grant": true lets a read through with the scope under any filter (the route serves
        nothing of any one user's); it is the default under "lab", which everyone holds filtered
        to their own settings: an extension's page is for whoever may open JupyterLab. Unlisted
        routes need `all`.""",
    )

    sandbox = Enum(
        ["landlock", "off"],
        "landlock",
        config=True,
        help="""How the kernels and terminals of users who do not hold `all` run. "landlock" (the
        default): inside a Landlock sandbox built from their scopes when the process starts (the
        folders their `contents` scopes cover, the software they need, a private HOME and
        TMPDIR; never the policy database nor Jupyter's data, runtime and config folders); where
        Landlock is missing (macOS, Windows, an old Linux) they may not start kernels or
        terminals at all. "off": unconfined, and said so at start and to every user: running
        code then grants everything the server's user can do.""",
    )

    kernel_ports = Unicode(
        "21000-21999",
        config=True,
        help="""The TCP ports, "FIRST-LAST", of every kernel the server starts (its five ZeroMQ
        channels); code in the sandbox (c.RBAC.sandbox) may not connect to any of them, so it
        cannot listen to other users' kernels (their IOPub channel needs no key). Keep the range
        outside the system's ephemeral ports (Linux: 32768-60999, net.ipv4.ip_local_port_range),
        which any program may be given, and away from services users' code must reach. At least
        5 ports (one kernel), within 1024-65535; a kernel does not start when none are free.""",
    )

    @validate("kernel_ports")
    def _check_kernel_ports(self, proposal):
        text = proposal["value"].strip()
        first, dash, last = (part.strip() for part in text.partition("-"))
        if not (dash and first.isascii() and first.isdigit() and last.isascii() and last.isdigit()):
            raise TraitError(f"c.RBAC.kernel_ports must be FIRST-LAST (21000-21999), not {text!r}")
        first, last = int(first), int(last)
        if first > last:
            raise TraitError(f"c.RBAC.kernel_ports {text!r}: FIRST must not be more than LAST")
        if first < 1024 or last > 65535:
            raise TraitError(f"c.RBAC.kernel_ports {text!r} must lie within 1024-65535")
        if last - first + 1 < 5:
            raise TraitError(
                f"c.RBAC.kernel_ports {text!r} must hold at least 5 ports (a kernel has 5)"
            )
        return f"{first}-{last}"

    kernel_environment_deny = List(
        Unicode(),
        config=True,
        help="""More environment variables the kernels and terminals of everyone but the server's
        owner start without: names or patterns ("AWS_*", "*_PASSWORD"). Always left out: the Hub's
        token and the Hub's variables that grant anything, JUPYTER_TOKEN, and any variable whose
        value is a URL with a password in it.""",
    )
