"""The Access control page at scale, in a real browser: each tab's first page after its click.

The project's requirement: with 1,000 roles, 10,000 users and 5,000 audit events, each tab shows
its first page within 300 ms of the click (median of 5), and no request lists more than a page.

Fills two SQLite policies with bulk inserts: the large one (bench_admin's 10,000 users, 1,000
roles and 100 groups, plus 5,000 audit events, 2,000 tokens and 300 pending invitations) and a
small baseline (10 users, 10 roles, 20 audit events). Each is served by its own server with
JupyterLab on loopback; chromium signs in to both as the administrator. For every tab the page
is opened afresh on another tab (a tab's panel is made once, on its first opening), then the tab
is clicked. The page itself times it: `performance.now()` in a click listener, then a
MutationObserver until the tab's rows are there and "Loading…" is gone, then the frame that
paints them. Median of `--rounds` after a warm-up round, alternating servers; its ratio to the
small policy's median. Every request to /api/rbac/ made while a tab opens is recorded: a list
must carry a `limit` no larger than the page size the frontend asks for (its `pageSize` setting).

    python bench/bench_access_page.py [--rounds 5] [--json F]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).parent))
import bench_admin
from bench_requests import CLIENT_CPUS, free_port, start_server, wait_ready

from jupyter_rbac.model import Catalog
from jupyter_rbac.services import RBACService
from jupyter_rbac.store import Store
from jupyter_rbac.store.models import AuditEvent, Group, Invitation, Role, Token, User

REPO = Path(__file__).resolve().parent.parent
TARGET_MS = 300
OPEN_PAGE = "jupyter-rbac:open-access-control"  # src/index.ts: OPEN_ACCESS_PAGE
# The items per page the page asks for: the default of its `pageSize` setting.
PAGE_SIZE = json.loads((REPO / "schema" / "plugin.json").read_text())["properties"]["pageSize"][
    "default"
]
# The collections of /api/rbac/ (a GET of one lists it; a GET of /users/NAME lists nothing).
LISTS = {"roles", "users", "groups", "tokens", "invitations", "audit"}


@dataclass(frozen=True)
class Tab:
    label: str  # as the page shows it, and as a person clicks it
    id: str  # src/accessPage.tsx: PageTab; the panel is #jp-RBAC-page-panel-ID
    first_page: str  # CSS, inside the panel: what is there once its first page is shown


TABS = [
    Tab("Roles", "roles", "tbody tr"),
    Tab("Users", "users", "tbody tr"),
    Tab("Groups", "groups", ".jp-RBAC-PrincipalList li"),
    Tab("Invitations", "invitations", "tbody tr"),
    Tab("Tokens", "tokens", "tbody tr"),
    Tab("Access matrix", "access-matrix", "form"),  # a form: it lists nothing until asked
    Tab("Audit", "audit", ".jp-RBAC-AuditList li"),
]
# Where the page is opened before a tab is clicked: the access matrix asks for nothing (its
# catalog is cached after the first opening); for the matrix itself, the tokens.
PARKING = {tab.id: "access-matrix" for tab in TABS} | {"access-matrix": "tokens"}


@dataclass(frozen=True)
class Policy:
    name: str
    users: int
    roles: int
    groups: int
    audit: int
    tokens: int
    invitations: int


LARGE = Policy("large", bench_admin.USERS, bench_admin.ROLES, bench_admin.GROUPS, 5_000, 2_000, 300)
SMALL = Policy("small", 10, 10, 5, 20, 2, 2)


# --- the policies ----------------------------------------------------------------------------


def fill(db_url: str, policy: Policy) -> str:
    """A policy database of that size, its administrator `boss`; returns boss's API token."""
    store = Store.open(db_url)
    try:
        service = RBACService(store, Catalog())
        service.ensure_defaults()
        service.bootstrap_first_admin("boss")
        # bench_admin.populate reads its sizes from its module: the small policy sets them.
        sizes = {
            "USERS": policy.users,
            "ROLES": policy.roles,
            "GROUPS": policy.groups,
            "HEAVY_GROUPS": min(bench_admin.HEAVY_GROUPS, policy.groups),
        }
        with mock.patch.multiple(bench_admin, **sizes):
            bench_admin.populate(store)
        rng = random.Random(7)
        names = {
            model: store_names(store, model)
            for model in (User, Role, Group)  # drawn from for actors and targets
        }
        with store.engine.begin() as connection:
            connection.execute(insert(AuditEvent), audit_rows(policy.audit, names, rng))
            connection.execute(insert(Token), token_rows(policy.tokens, store, rng))
            connection.execute(insert(Invitation), invitation_rows(policy.invitations, names, rng))
        _, token = store.create_token("boss")
        return token
    finally:
        store.close()


def store_names(store: Store, model) -> list[str]:
    with store.engine.connect() as connection:
        return list(connection.scalars(select(model.name).order_by(model.id)))


# (action, weight): sign-ins and refusals are most of a real trail, changes the rest.
AUDIT_MIX = [
    ("user.login", 25),
    ("request.denied", 20),
    ("role.assign", 10),
    ("user.update", 10),
    ("user.create", 6),
    ("group.add_members", 6),
    ("role.create", 5),
    ("role.update", 5),
    ("token.create", 5),
    ("role.unassign", 4),
    ("invitation.create", 4),
]


def audit_rows(count: int, names: dict, rng: random.Random) -> list[dict]:
    """`count` events over the last 30 days, oldest first (ids grow with time, as written)."""
    actions, weights = zip(*AUDIT_MIX)
    end = datetime.now(timezone.utc) - timedelta(hours=1)
    step = timedelta(days=30) / max(count, 1)
    rows = []
    for i in range(count):
        action = rng.choices(actions, weights)[0]
        actor, target, detail = audit_event(action, names, rng)
        at = end - (count - i) * step
        rows.append(
            {"at": at, "actor": actor, "action": action, "target": target, "detail": detail}
        )
    return rows


def audit_event(action: str, names: dict, rng: random.Random) -> tuple[str, str, dict]:
    """(actor, target, detail) of one event, as the server writes that action."""
    admin = rng.choice(["boss", "boss", "cli:boss", "system"])
    user, role, group = (rng.choice(names[m]) for m in (User, Role, Group))
    if action == "user.login":
        return user, user, {"address": f"10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}"}
    if action == "request.denied":
        scope = f"write:contents!path=projects/{role}/**"
        return user, f"PUT /api/contents/projects/{role}/notes.ipynb", {"missing_scope": scope}
    if action in ("role.assign", "role.unassign"):
        return admin, role, {"users": [user], "groups": [group] if rng.random() < 0.3 else []}
    if action == "group.add_members":
        return admin, group, {"users": [user]}
    if action == "token.create":
        return user, user, {"note": "nightly sync", "scopes": None, "one_time": False}
    if action == "invitation.create":
        return admin, f"new{rng.randint(0, 99_999):05d}", {"roles": [role], "groups": [group]}
    if action in ("role.create", "role.update"):
        return admin, role, {}
    return admin, user, {}


def token_rows(count: int, store: Store, rng: random.Random) -> list[dict]:
    """One token each for `count` users (spread over all): only a random hash, as stored."""
    with store.engine.connect() as connection:
        user_ids = list(connection.scalars(select(User.id).order_by(User.id)))
    now = datetime.now(timezone.utc)
    owners = user_ids[:: max(1, len(user_ids) // max(count, 1))][:count]
    rows = []
    for user_id in owners:
        lookup = secrets.token_hex(8)
        created = now - timedelta(days=rng.uniform(1, 300))
        rows.append(
            {
                "user_id": user_id,
                "hashed": secrets.token_hex(32),
                "lookup": lookup,
                "prefix": lookup[:4],
                "note": rng.choice(["", "nightly sync", "CI", "dashboard"]),
                "scopes": None,
                "one_time": False,
                "created_at": created,
                "created_by": "boss",
                "last_used_at": created + timedelta(days=rng.uniform(0, 1)),
            }
        )
    return rows


def invitation_rows(count: int, names: dict, rng: random.Random) -> list[dict]:
    """`count` pending invitations of people who have no user yet."""
    now = datetime.now(timezone.utc)
    return [
        {
            "lookup": secrets.token_hex(8),
            "hashed": secrets.token_hex(32),
            "username": f"invitee{i:04d}",
            "display_name": f"Invitee {i}",
            "roles": [rng.choice(names[Role])],
            "groups": [rng.choice(names[Group])],
            "password_allowed": True,
            "created_by": "boss",
            "created_at": now - timedelta(days=rng.uniform(0, 6)),
            "expires_at": now + timedelta(days=7),
        }
        for i in range(count)
    ]


# --- the servers -----------------------------------------------------------------------------

# Collaboration is off on both sides, as in ui-tests/conftest.py: its documents play no part in
# this page, and its frontend would add its own requests to the measured window.
DISABLED_LAB_EXTENSIONS = ("@jupyter/collaboration-extension", "@jupyter/docprovider-extension")
USER_SETTINGS = {  # no news toast over the page, no request to jupyter.org
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def jupyter_env(work: Path) -> dict[str, str]:
    """Jupyter's config, data, settings and workspaces in `work`: the machine's own stay out."""
    dirs = {
        "JUPYTER_CONFIG_DIR": work / "config",
        "JUPYTER_DATA_DIR": work / "data",
        "JUPYTER_RUNTIME_DIR": work / "runtime",
        "JUPYTERLAB_SETTINGS_DIR": work / "config" / "lab" / "user-settings",
        "JUPYTERLAB_WORKSPACES_DIR": work / "config" / "lab" / "workspaces",
    }
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    (work / "config" / "labconfig").mkdir()
    (work / "config" / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": dict.fromkeys(DISABLED_LAB_EXTENSIONS, True)})
    )
    for name, settings in USER_SETTINGS.items():
        path = dirs["JUPYTERLAB_SETTINGS_DIR"] / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
    return env | {k: str(v) for k, v in dirs.items()}


def serve(work: Path, db_url: str):
    """A server with jupyter-rbac and JupyterLab (its server extension, enabled in sys.prefix,
    serves /lab); the app is on `window.jupyterapp`, to open the page on a given tab."""
    (work / "root").mkdir(parents=True)
    port = free_port()
    server = start_server(
        work / "root",
        port,
        [
            "--ServerApp.jpserver_extensions=jupyter_rbac=True",
            "--ServerApp.jpserver_extensions=jupyter_server_ydoc=False",
            f"--RBAC.db_url={db_url}",
            "--LabApp.expose_app_in_browser=True",
        ],
        jupyter_env(work),
    )
    return server, port


# --- in the page -----------------------------------------------------------------------------

# Defined in every page before JupyterLab loads. `ready` resolves once a tab's first page is in
# its panel; `arm` starts the clock at the tab's click (the first listener of all: capture, on
# window) and leaves in `result` the time to the frame that paints the first page, with the
# /api/rbac/ requests made meanwhile (Resource Timing, on the same clock).
PAGE_SCRIPT = r"""
window.__bench = {
  shown(tab, selector) {
    const panel = document.getElementById(`jp-RBAC-page-panel-${tab}`);
    return !!panel && !panel.hidden && panel.querySelector(selector) !== null
      && !panel.textContent.includes('Loading…');
  },
  ready(tab, selector, timeout) {
    return new Promise((resolve, reject) => {
      if (this.shown(tab, selector)) { resolve(); return; }
      const observer = new MutationObserver(() => {
        if (this.shown(tab, selector)) { observer.disconnect(); clearTimeout(timer); resolve(); }
      });
      const timer = setTimeout(() => {
        observer.disconnect();
        const panel = document.getElementById(`jp-RBAC-page-panel-${tab}`);
        const text = (panel?.innerText ?? 'no panel').replace(/\s+/g, ' ').slice(0, 160);
        reject(new Error(`not shown after ${timeout} ms; the panel says: ${text}`));
      }, timeout);
      observer.observe(document.body, {childList: true, subtree: true, characterData: true});
    });
  },
  arm(tab, selector, timeout) {
    if (document.getElementById(`jp-RBAC-page-panel-${tab}`)) {
      throw new Error(`the ${tab} panel was made before its click`);
    }
    performance.clearResourceTimings();
    this.result = new Promise((resolve, reject) => {
      const onClick = event => {
        if (!event.target.closest?.(`#jp-RBAC-page-tab-${tab}`)) { return; }
        window.removeEventListener('click', onClick, true);
        const clicked = performance.now();
        this.ready(tab, selector, timeout).then(() => {
          const inDom = performance.now();
          const rows = document.getElementById(`jp-RBAC-page-panel-${tab}`).querySelectorAll(selector).length;
          // the frame that paints the rows (style, layout, paint), then the task after it
          requestAnimationFrame(() => setTimeout(() => {
            const shown = performance.now();
            const requests = performance.getEntriesByType('resource')
              .filter(e => e.name.includes('/api/rbac/') && e.startTime >= clicked)
              .map(e => ({url: e.name, start: e.startTime - clicked,
                          server: e.responseStart - e.requestStart, end: e.responseEnd - clicked}));
            resolve({ms: shown - clicked, dom: inDom - clicked, rows, requests});
          }));
        }, reject);
      };
      window.addEventListener('click', onClick, true);
    });
  },
};
performance.setResourceTimingBufferSize(10000);
"""
SHOW_TIMEOUT_MS = 5_000  # far past the target: a tab not shown by then is reported as failed
SETTLE_MS = 300  # after a tab is shown, requests still count as its own for this long


@dataclass
class Sample:
    """One click, on the page's clock (ms from the click)."""

    ms: float  # the frame that shows the first page
    answered_ms: float  # the end of the last /api/rbac/ answer (0: none was asked)
    server_ms: float  # the slowest of those requests, from sending it to its first byte
    dom_ms: float  # the rows are in the DOM (React done; style, layout and paint to come)
    rows: int  # how many the first page shows


@dataclass
class Lab:
    """A signed-in JupyterLab on one server, and what its page asked of /api/rbac/."""

    policy: Policy
    page: object  # playwright Page
    opening: str | None = None  # the tab being opened: requests are recorded under it
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # (tab, method, url)
    refused: list[tuple[str | None, str]] = field(default_factory=list)  # (tab, 4xx/5xx answer)
    openings: Counter = field(default_factory=Counter)  # clicks per tab label

    def watch(self) -> None:
        def on_request(request) -> None:
            if self.opening and "/api/rbac/" in request.url:
                self.requests.append((self.opening, request.method, request.url))

        def on_response(response) -> None:
            if "/api/rbac/" in response.url and response.status >= 400:
                answer = f"{response.request.method} {shown_url(response.url)}: {response.status}"
                self.refused.append((self.opening, answer))

        self.page.on("request", on_request)
        self.page.on("response", on_response)


def sign_in(browser, url: str, token: str, policy: Policy) -> Lab:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(PAGE_SCRIPT)
    page = context.new_page()
    page.goto(f"{url}/lab?token={token}")
    page.wait_for_function(
        f"window.jupyterapp?.commands.hasCommand('{OPEN_PAGE}')", timeout=120_000
    )
    page.evaluate("jupyterapp.restored.then(() => true)")
    lab = Lab(policy, page)
    lab.watch()
    return lab


def reopen(lab: Lab, tab: Tab) -> None:
    """Close the page (its panels go with it) and open it afresh on another tab, shown."""
    parking = next(t for t in TABS if t.id == PARKING[tab.id])
    lab.page.evaluate(
        """async ([command, tab]) => {
          const open = [...jupyterapp.shell.widgets('main')].find(w => w.id === 'jp-rbac-access-control');
          open?.close();
          await jupyterapp.commands.execute(command, {tab});
        }""",
        [OPEN_PAGE, parking.id],
    )
    lab.page.evaluate(
        "([t, s, ms]) => __bench.ready(t, s, ms)",
        [parking.id, parking.first_page, SHOW_TIMEOUT_MS * 4],
    )


def time_tab(lab: Lab, tab: Tab) -> Sample:
    """Click the tab as a person does; the page's own clock says when its first page showed."""
    reopen(lab, tab)
    page = lab.page
    page.evaluate(
        "([t, s, ms]) => __bench.arm(t, s, ms)", [tab.id, tab.first_page, SHOW_TIMEOUT_MS]
    )
    lab.opening = tab.label
    lab.openings[tab.label] += 1
    try:
        page.locator("#jp-rbac-access-control").get_by_role(
            "tab", name=tab.label, exact=True
        ).click()
        result = page.evaluate("__bench.result")
        page.wait_for_timeout(SETTLE_MS)  # requests the page still sends count as this tab's
    finally:
        lab.opening = None
    requests = result["requests"]
    return Sample(
        ms=result["ms"],
        answered_ms=max((r["end"] for r in requests), default=0.0),
        server_ms=max((r["server"] for r in requests), default=0.0),
        dom_ms=result["dom"],
        rows=result["rows"],
    )


# --- the check of what was listed ------------------------------------------------------------


def listed_limit(method: str, url: str) -> tuple[bool, int | None]:
    """Does this request list a collection, and with what `limit` (None: none given)?"""
    parts = urlsplit(url)
    if method != "GET" or parts.path.rstrip("/").rpartition("/")[2] not in LISTS:
        return False, None
    limits = parse_qs(parts.query).get("limit")
    return True, int(limits[0]) if limits else None


def listed_too_much(method: str, url: str) -> str | None:
    """Why this request lists more than a page; None if it lists at most one, or lists nothing."""
    lists, limit = listed_limit(method, url)
    if lists and limit is None:
        return "no limit (the server's default is 100)"
    if lists and limit > PAGE_SIZE:
        return f"limit {limit} > page size {PAGE_SIZE}"
    return None


def largest_limit(labs: list[Lab]) -> int:
    limits = (listed_limit(method, url)[1] for lab in labs for _, method, url in lab.requests)
    return max((limit for limit in limits if limit is not None), default=0)


# --- the run ---------------------------------------------------------------------------------


def measure(labs: list[Lab], rounds: int) -> dict[tuple[str, str], list[Sample] | str]:
    """Samples per (policy, tab), or why the tab never showed: a warm-up round, then `rounds`,
    the servers alternating which goes first."""
    samples: dict[tuple[str, str], list[Sample] | str] = {}
    for round_ in range(1 + rounds):
        for tab in TABS:
            for lab in labs if round_ % 2 == 0 else reversed(labs):
                key = (lab.policy.name, tab.label)
                if isinstance(samples.get(key), str):
                    continue  # it failed once: its later rounds would only fail again
                try:
                    sample = time_tab(lab, tab)
                except Exception as error:  # noqa: BLE001  # reported as the tab's figure
                    samples[key] = failure(lab, tab, error)
                    print(f"  {lab.policy.name} {tab.label}: FAILED: {samples[key]}", flush=True)
                    continue
                if round_ > 0:
                    samples.setdefault(key, []).append(sample)
    return samples


def failure(lab: Lab, tab: Tab, error: Exception) -> str:
    """Why a tab did not show: what the page said, and the server's refusals meanwhile."""
    said = str(error).splitlines()[0].removeprefix("Page.evaluate: Error: ")
    refused = dict.fromkeys(answer for label, answer in lab.refused if label == tab.label)
    return "; ".join([said, *refused])


def report_tabs(report, samples: dict) -> None:
    """Per tab: the large policy's median, its ratio to the small one's, and where it went."""
    for tab in TABS:
        large, small = samples.get(("large", tab.label)), samples.get(("small", tab.label))
        name = f"{tab.label}: click to first page shown"
        if not isinstance(large, list):
            report.add(
                name, float("nan"), "ms", target=f"<= {TARGET_MS} ms", met=False, note=f"{large}"
            )
            continue
        ms = statistics.median(s.ms for s in large)
        figure = report.add(
            name,
            ms,
            "ms",
            baseline="small policy",
            baseline_value=statistics.median(s.ms for s in small)
            if isinstance(small, list)
            else None,
            target=f"<= {TARGET_MS} ms",
            met=ms <= TARGET_MS,
            note=f"median of {len(large)}, {min(s.ms for s in large):.0f} to "
            f"{max(s.ms for s in large):.0f} ms; {shown(tab, large[0])}; {timeline(large)}",
        )
        print(f"      {figure.note}")


def shown(tab: Tab, sample: Sample) -> str:
    return "its form" if tab.first_page == "form" else f"{sample.rows} rows"


def timeline(samples: list[Sample]) -> str:
    """Where a click's time went (medians): the server's answers, then the browser's work."""
    answered = statistics.median(s.answered_ms for s in samples)
    server = statistics.median(s.server_ms for s in samples)
    dom = statistics.median(s.dom_ms for s in samples)
    asked = f"answered at {answered:.0f} ms (server {server:.0f} ms), " if answered else ""
    return f"{asked}rows in the DOM at {dom:.0f} ms"


def report_limits(report, labs: list[Lab]) -> None:
    offending = sorted(
        {
            f"{tab}: {method} {url} ({why})"
            for lab in labs
            for tab, method, url in lab.requests
            if (why := listed_too_much(method, url))
        }
    )
    report.add(
        "largest list limit asked while the tabs opened",
        largest_limit(labs),
        "items",
        baseline="page size",
        baseline_value=PAGE_SIZE,
        target=f"no list over {PAGE_SIZE} or without a limit",
        met=not offending,
        note=f"{sum(len(lab.requests) for lab in labs)} requests"
        + (f"; over a page: {'; '.join(offending)}" if offending else ""),
    )
    for line in offending:
        print(f"  lists more than a page: {line}")


def print_requests(lab: Lab) -> None:
    """What each tab asked for on one policy, and how many times per click."""
    print(f"requests to /api/rbac/ per click of each tab ({lab.policy.name} policy):")
    for tab in TABS:
        asked = Counter(
            f"{method} {shown_url(url)}"
            for label, method, url in lab.requests
            if label == tab.label
        )
        clicks = max(lab.openings[tab.label], 1)
        listed = ", ".join(f"{request} x{count / clicks:g}" for request, count in asked.items())
        print(f"  {tab.label:14s} {listed or '(none)'}")
    for label, answer in dict.fromkeys(lab.refused):
        print(f"  refused while opening {label}: {answer}")


def shown_url(url: str) -> str:
    """The path under /api/rbac/ and its query, without the cache-buster JupyterLab adds (a
    bare number)."""
    parts = urlsplit(url)
    query = "&".join(p for p in parts.query.split("&") if not p.isdigit())
    return parts.path.partition("/api/rbac/")[2] + (f"?{query}" if query else "")


CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright never downloads one here
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def start(work: Path, policy: Policy):
    """Fill a policy of that size and serve it: (server process, port, boss's token)."""
    started = time.perf_counter()
    (work / policy.name).mkdir()
    db_url = f"sqlite:///{work / policy.name / 'policy.sqlite'}"
    token = fill(db_url, policy)
    print(
        f"{policy.name} policy: {policy.users:,} users, {policy.roles:,} roles, "
        f"{policy.groups} groups, {policy.audit:,} audit events, {policy.tokens:,} tokens, "
        f"{policy.invitations} invitations ({time.perf_counter() - started:.1f} s)",
        flush=True,
    )
    server, port = serve(work / policy.name, db_url)
    return server, port, token


def in_browser(served: list[tuple[Policy, int, str]], rounds: int, report) -> None:
    """Sign in to every server in chromium, time every tab, report the figures."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            labs = [
                sign_in(browser, f"http://127.0.0.1:{port}", token, policy)
                for policy, port, token in served
            ]
            print(
                f"page size {PAGE_SIZE}; 1 warm-up round and {rounds} measured per tab and "
                "policy; ratio to the small policy's median",
                flush=True,
            )
            load = os.getloadavg()[0]
            samples = measure(labs, rounds)
            print(f"load average: {load:.1f} before, {os.getloadavg()[0]:.1f} after (1 min)")
            report_tabs(report, samples)
            report_limits(report, labs)
            print_requests(labs[0])
        finally:
            browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds per tab")
    parser.add_argument("--json", help="save the figures here (for bench/suite.py)")
    args = parser.parse_args()
    from results import Report

    report = Report("access control page in the browser")
    work = Path(tempfile.mkdtemp(prefix="rbac-bench-page-"))
    servers, served = [], []
    try:
        for policy in (LARGE, SMALL):
            server, port, token = start(work, policy)
            servers.append(server)
            served.append((policy, port, token))
        for _, port, token in served:
            wait_ready(port, token, deadline=180)
        if CLIENT_CPUS:  # chromium, started next, inherits it: the servers have the other core
            os.sched_setaffinity(0, CLIENT_CPUS)
        in_browser(served, args.rounds, report)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    report.save(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
