"""RBACExtension: wires jupyter-rbac into Jupyter Server.

Linking (before the server builds its web app) installs our Authorizer and, unless another
identity source is configured, our IdentityProvider, and turns off unauthenticated access.
Loading opens the store, creates the defaults, applies `c.RBAC.load_roles`, carries a plain
server's configured password over to the first admin and names the settings it no longer reads,
installs the route guard and starts the timer that judges open websockets again. Starting prints
the first admin's one-time login link.
"""

from __future__ import annotations

import os
from pathlib import Path

import argon2
from jupyter_core.paths import jupyter_data_dir
from jupyter_server.auth.identity import PasswordIdentityProvider
from jupyter_server.extension.application import ExtensionApp
from jupyter_server.utils import url_path_join
from tornado.ioloop import IOLoop, PeriodicCallback
from traitlets.config import Config

from .collaboration import room_handler_substitutes
from .collaboration.presence import Presence
from .collaboration.shared_presence import SharedPresence
from .config import RBAC
from .enforcement import contents_check
from .enforcement.activity import Activity
from .enforcement.authorizer import RBACAuthorizer
from .enforcement.guard import RouteGuard
from .enforcement.listings import DepartedOwners
from .enforcement.route_report import iter_routes
from .enforcement.routes import ROUTE_TABLE, RouteTable, rules_from_config
from .enforcement.websockets import judge_rooms_after_moves
from .events import EventEmitter
from .handlers import HANDLERS
from .identity import RBACIdentityProvider
from .identity.hub_connections import HubConnections, learn_hub_owner, trust_hub_answers_for
from .identity.singleuser import HubGrants, HubServer, remove_shipped_groups
from .labstate import LabState
from .labstate.administration import LabAdministration
from .labstate.handlers import lab_handler_substitutes
from .model import Catalog, extension_resource
from .policy import Policy
from .sandbox.environment import EnvironmentRule
from .sandbox.launch import install_on_kernels, install_on_terminals
from .sandbox.places import places_of_server
from .sandbox.port_layers import PortLayers
from .sandbox.provisioner import use_the_sandbox_provisioner
from .sandbox.sandboxes import Sandboxes
from .sandbox.server_code import keep_the_served_folder_out
from .sandbox.watch import SandboxWatch
from .services import FirstAdmin, RBACService
from .services.accounts import AccountService, AccountSettings
from .services.policy_file import load_policy_file
from .store import GuessThrottle, Store

TEMPLATES = Path(__file__).parent / "templates"


class RBACConfigError(RuntimeError):
    """jupyter-rbac cannot enforce its policy with this configuration: the server must not start."""


def same_site_cookies(serverapp, samesite: str) -> None:
    """The sign-in cookie and the XSRF cookie carry SameSite (unless configured otherwise)."""
    wanted = {"samesite": samesite}
    if samesite == "None":  # browsers drop a SameSite=None cookie that is not Secure
        wanted["secure"] = True
    identity_provider = serverapp.identity_provider
    identity_provider.cookie_options = {**wanted, **identity_provider.cookie_options}
    xsrf = serverapp.web_app.settings.setdefault("xsrf_cookie_kwargs", {})
    for key, value in wanted.items():
        xsrf.setdefault(key, value)


class RBACExtension(ExtensionApp):
    name = "jupyter_rbac"
    description = "Role Based Access Control for Jupyter Server"
    classes = [RBAC]  # noqa: RUF012  # ExtensionApp's (traitlets') own convention
    load_other_extensions = True
    websocket_sweeper: PeriodicCallback | None = None
    audit_pruner: PeriodicCallback | None = None
    hub_owner_watch: PeriodicCallback | None = None
    activity: Activity | None = None
    port_layers: PortLayers | None = None  # confined kernels' TCP rules, built ahead
    shared_presence: SharedPresence | None = None  # one collaborators list for every server
    # None until loading opens it (a refused start may stop before)
    store: Store | None = None

    def _link_jupyter_server_extension(self, serverapp) -> None:
        super()._link_jupyter_server_extension(serverapp)
        # Set before the server instantiates them (its init_configurables runs after linking).
        serverapp.authorizer_class = RBACAuthorizer
        if serverapp.identity_provider_class is PasswordIdentityProvider:
            serverapp.identity_provider_class = RBACIdentityProvider
        # Every handler needs a signed-in user unless it is explicitly public (login, assets).
        serverapp.allow_unauthenticated_access = False
        # Our login and invitation pages extend the server's own page template.
        if str(TEMPLATES) not in serverapp.extra_template_paths:
            serverapp.extra_template_paths = [*serverapp.extra_template_paths, str(TEMPLATES)]

    def initialize_settings(self) -> None:
        # jupyter_server logs an extension that fails to load and starts without it. Without its
        # policy our Authorizer would refuse everyone; better not to start at all, and say why.
        try:
            self._load_policy()
        except Exception as error:
            self.log.critical(
                "jupyter-rbac cannot enforce its policy, the server will not start: %s", error
            )
            raise SystemExit(1) from error

    def _load_policy(self) -> None:
        serverapp = self.serverapp
        authorizer = serverapp.authorizer
        if not isinstance(authorizer, RBACAuthorizer):
            raise RBACConfigError(
                f"jupyter-rbac is enabled but the server's authorizer is {type(authorizer).__name__}:"
                " remove the other ServerApp.authorizer_class setting or disable jupyter_rbac."
            )
        self.rbac = RBAC(parent=serverapp, log=self.log)
        self.catalog = Catalog()
        self.store = Store.open(self.rbac.db_url, listen_url=self.rbac.db_listen_url or None)
        self._bound_growth()
        self.events = EventEmitter(serverapp.event_logger)
        self.store.listeners.append(self.events.emit)
        self.policy = Policy(self.store, self.catalog, cache_size=self.rbac.permissions_cache_size)
        self.service = RBACService(self.store, self.catalog, self.policy)
        under_hub = HubServer.from_environment() is not None
        self.service.ensure_defaults(self.log, groups=not under_hub)
        if under_hub:
            remove_shipped_groups(self.store, self.log)
        # before load_roles, which may create users: "first start" means no user at all yet
        self.first_admin: FirstAdmin | None = self.service.bootstrap_first_admin(
            self.rbac.initial_admin
        )
        declared = self.rbac.load_roles + load_policy_file(self.rbac.policy_file, self.catalog)
        for taken_back in self.service.load_roles(declared):
            self.log.warning("jupyter-rbac: %s", taken_back)
        if isinstance(serverapp.identity_provider, RBACIdentityProvider):
            self._carry_over_password(serverapp.config)
            for warning in replaced_settings(serverapp.config):
                self.log.warning("jupyter-rbac: %s", warning)
        self.accounts = AccountService(
            self.service,
            AccountSettings(
                passwords=self.rbac.allow_passwords,
                editable_fields=tuple(self.rbac.user_editable_fields),
                invitation_lifetime=self.rbac.invitation_lifetime,
            ),
        )

        authorizer.policy = self.policy
        # Under JupyterHub (its single-user extension keeps its own identity provider), the Hub's
        # user model carries groups and scopes: they join our policy on every request.
        authorizer.hub_grants = HubGrants(
            self.policy, self.rbac.hub_owner_role, self.rbac.hub_visitor_role, self.log
        )
        self._watch_the_hub(authorizer)
        identity_provider = serverapp.identity_provider
        if hasattr(identity_provider, "attach_policy"):  # ours: standalone, JupyterHub, OIDC
            identity_provider.attach_policy(self.policy, self.service, self.rbac)

        extra = rules_from_config(self.rbac.extra_routes)
        self.route_table = RouteTable(extra + ROUTE_TABLE, serverapp.base_url)
        self.presence = Presence(idle_after=self.rbac.presence_idle_seconds)
        # servers on one policy database list each other's visitors (collaboration/shared_presence)
        self.shared_presence = SharedPresence(
            self.presence, self.store, self.rbac.presence_expiry_seconds, self.log
        )
        # each user's own JupyterLab settings and workspaces (labstate/), in Jupyter's data folder
        self.lab_state = LabState(
            str(Path(jupyter_data_dir()) / "rbac-lab"),
            self.store.record_key_of,
            lambda: _extension_app(serverapp, "jupyterlab"),
            self.log,
        )
        substitutes = {**room_handler_substitutes(), **lab_handler_substitutes()}
        self.activity = Activity(self.store, self.rbac.activity_resolution)
        self.guard = RouteGuard(
            self.route_table, self.policy, authorizer, self.presence, substitutes, self.activity
        )
        self.guard.install(serverapp.web_app)
        same_site_cookies(serverapp, self.rbac.cookie_samesite)
        # the file manager checks each disk path against what the Authorizer judged (contents_check)
        if not contents_check.install(serverapp.contents_manager):
            self.log.info(
                "jupyter-rbac: the contents manager keeps no files on a disk; paths are judged as API paths"
            )
        keep_the_served_folder_out(serverapp, self.log)
        self._launch_by_the_sandbox()
        # judges websockets that receive nothing (see enforcement/websockets.py), and shuts down what
        # deleted users left running (see listings.DepartedOwners)
        self.departed_owners = DepartedOwners(self.policy, serverapp.web_app.settings, self.log)
        self.sandbox_watch = SandboxWatch(
            self.sandboxes, self.policy, self.store, serverapp.web_app.settings, self.log
        )
        self.websocket_sweeper = PeriodicCallback(
            self._recheck, self.rbac.websocket_recheck_seconds * 1000
        )
        self.websocket_sweeper.start()
        judge_rooms_after_moves(self.guard, serverapp.event_logger)
        self.settings.update(
            rbac_presence=self.presence,
            rbac_policy=self.policy,
            rbac_catalog=self.catalog,
            rbac_guard=self.guard,
            rbac_service=self.service,
            rbac_accounts=self.accounts,
            rbac_sandboxes=self.sandboxes,
            rbac_lab_state=self.lab_state,
            rbac_lab_administration=LabAdministration(self.lab_state, self.service),
        )
        self.log.info("jupyter-rbac: policy database %s", self.store.engine.url.render_as_string())

    def _watch_the_hub(self, authorizer: RBACAuthorizer) -> None:
        """Under JupyterHub: its answers are trusted for `hub_cache_seconds`, websockets ask it
        again, and the owner's Hub groups are looked up as often."""
        hub_auth = getattr(self.serverapp.identity_provider, "hub_auth", None)
        if hub_auth is None or authorizer.hub_grants is None:
            return
        trust_hub_answers_for(
            hub_auth, self.rbac.hub_cache_seconds, self.serverapp.config, self.log
        )
        authorizer.hub_connections = HubConnections(
            hub_auth,
            authorizer.hub_grants,
            self.rbac.hub_websocket_recheck_seconds,
            hub_auth.cache_max_age,
            self.log,
        )

        def learn_owner() -> None:
            IOLoop.current().add_callback(
                learn_hub_owner, hub_auth, authorizer.hub_grants, self.log
            )

        self.hub_owner_watch = PeriodicCallback(learn_owner, hub_auth.cache_max_age * 1000)
        self.hub_owner_watch.start()
        learn_owner()

    def _bound_growth(self) -> None:
        """What one user can make grow is bounded: refusals coalesce, token guesses are
        throttled, and the audit trail is pruned now and on a timer (c.RBAC.audit_*)."""
        rbac = self.rbac
        self.store.coalesce_seconds = rbac.audit_coalesce_seconds
        self.store.guesses = GuessThrottle(rbac.token_guesses_per_key, rbac.token_guess_window)
        self._prune_audit()
        self.audit_pruner = PeriodicCallback(self._prune_audit, rbac.audit_prune_seconds * 1000)
        self.audit_pruner.start()

    def _prune_audit(self) -> None:
        removed = self.store.prune_audit(self.rbac.audit_max_age_days, self.rbac.audit_max_rows)
        if removed:
            self.log.info("jupyter-rbac: pruned %d audit rows (c.RBAC.audit_max_*)", removed)

    def _launch_by_the_sandbox(self) -> None:
        """Kernels and terminals start by the sandbox's rules: a kernel only in a request judged
        for execute:kernels, Python's working folder off the import path, the Hub's token only in
        the owner's (JUPYTERHUB_USER) processes, and the code of users without `all` inside a
        sandbox built from their scopes (c.RBAC.sandbox)."""
        rule = EnvironmentRule(
            owner=os.environ.get("JUPYTERHUB_USER", ""),
            denied=tuple(self.rbac.kernel_environment_deny),
        )
        url = self.store.engine.url
        database = url.database if url.get_backend_name() == "sqlite" else None
        places = places_of_server(self.serverapp, database)
        self.sandboxes = Sandboxes(
            self.rbac.sandbox, places, self.policy, kernel_ports=self.rbac.kernel_ports
        )
        log = self.log.info if self.sandboxes.confines else self.log.warning
        log("jupyter-rbac: %s", self.sandboxes.describe())
        self.port_layers = self.sandboxes.port_layers()
        use_the_sandbox_provisioner(
            self.serverapp, self.log, self.sandboxes.kernel_ports, self.port_layers
        )
        if not install_on_kernels(self.serverapp.kernel_manager, rule, self.sandboxes):
            self.log.warning("jupyter-rbac: kernels start elsewhere (a gateway), not by our rules")
        points = self.serverapp.extension_manager.extension_points
        terminals = points.get("jupyter_server_terminals")
        if terminals is not None and not install_on_terminals(terminals.app, rule, self.sandboxes):
            self.log.warning("jupyter-rbac: terminals start without our rules (no make_term_env)")

    def _recheck(self) -> None:
        """The timer: judge open websockets again; stop what deleted users left running, and
        what runs in a sandbox its user outgrew; close pooled connections left idle."""
        self.guard.websockets.sweep(self.guard)
        self.departed_owners.check()  # refreshes the policy
        self.sandbox_watch.check()
        self.activity.flush()
        self.store.release_idle_connections()

    def initialize_handlers(self) -> None:
        self.handlers.extend(HANDLERS)

    def register_extension_resources(self) -> None:
        """Add to the catalog the `auth_resource` of every handler the server routes to."""
        for _pattern, handler_class in iter_routes(self.serverapp.web_app):
            resource = getattr(handler_class, "auth_resource", None)
            if isinstance(resource, str) and resource not in self.catalog.resources:
                owner = handler_class.__module__.split(".")[0]
                self.catalog.add(extension_resource(resource, owner))

    async def _start_jupyter_server_extension(self, serverapp) -> None:
        self.register_extension_resources()
        if self.first_admin is not None:
            url = (
                url_path_join(serverapp.connection_url, "lab")
                + f"?token={self.first_admin.login_token}"
            )
            self.log.info(
                "\n\n    jupyter-rbac created the first administrator, %r.\n"
                "    Sign in once with this link (valid for one use, for 24 hours):\n\n        %s\n",
                self.first_admin.username,
                url,
            )

    async def stop_extension(self) -> None:
        if self.websocket_sweeper is not None:
            self.websocket_sweeper.stop()
        if self.audit_pruner is not None:
            self.audit_pruner.stop()
        if self.hub_owner_watch is not None:
            self.hub_owner_watch.stop()
        if self.port_layers is not None:
            self.port_layers.close()
        if self.activity is not None:
            self.activity.flush()
        if self.shared_presence is not None:
            self.shared_presence.stop()  # this server's rows go from the others' lists
        if self.store is not None:
            self.store.close()
            self.store = None

    def _carry_over_password(self, config: Config) -> None:
        """The password of the plain Jupyter Server being upgraded becomes the first
        administrator's, so that its owner signs in as before (with their user name); otherwise
        say that it is ignored."""
        hashed = config.get("PasswordIdentityProvider", {}).get("hashed_password", "")
        if not hashed:
            return
        problem = self._password_problem(hashed)
        if problem is not None:
            self.log.warning(
                "jupyter-rbac: c.PasswordIdentityProvider.hashed_password is ignored: %s. Each user"
                " signs in with their own password: set one with `jupyter rbac users passwd NAME`.",
                problem,
            )
            return
        name = self.first_admin.username
        self.store.set_password(name, hashed.removeprefix("argon2:"), actor="config")
        self.log.warning(
            "jupyter-rbac: the password of c.PasswordIdentityProvider.hashed_password is now the"
            " password of %r, the first administrator: sign in with the user name %r and that"
            " password. The setting is read only this once: remove it (each user has their own"
            " password, `jupyter rbac users passwd NAME`).",
            name,
            name,
        )

    def _password_problem(self, hashed: str) -> str | None:
        """Why the configured hashed password cannot become the first administrator's (None: it can)."""
        if self.first_admin is None:
            return (
                "it is read only when the first administrator is created, and the policy database"
                " already has users"
            )
        if not self.rbac.allow_passwords:
            return "c.RBAC.allow_passwords is off"
        if not is_argon2(hashed):
            algorithm = hashed.split(":", 1)[0]
            return (
                "only argon2 hashes (`argon2:...`, what `jupyter server password` writes) carry"
                f" over, not {algorithm!r}"
            )
        return None


OWN_TOKENS = "each user has their own API tokens: `jupyter rbac token create NAME`"
ALLOW_PASSWORDS = (
    "every user signs in; whether with a password is c.RBAC.allow_passwords, and users change"
    " their own (PUT /api/rbac/me/password)"
)
# Settings of a plain Jupyter Server that our identity provider does not read, with what replaces
# each. (jupyter_server copies its deprecated ServerApp.password_required and
# allow_password_change here; ServerApp.password is handled as hashed_password.)
REPLACED_SETTINGS: dict[tuple[str, str], str] = {
    ("IdentityProvider", "token"): OWN_TOKENS,
    ("ServerApp", "token"): OWN_TOKENS,
    ("IdentityProvider", "updatable_fields"): "use c.RBAC.user_editable_fields",
    ("PasswordIdentityProvider", "updatable_fields"): "use c.RBAC.user_editable_fields",
    ("PasswordIdentityProvider", "password_required"): ALLOW_PASSWORDS,
    ("PasswordIdentityProvider", "allow_password_change"): ALLOW_PASSWORDS,
}


def replaced_settings(config: Config) -> list[str]:
    """A warning for each setting of a plain Jupyter Server that jupyter-rbac ignores."""
    warnings = [
        f"c.{section}.{name} is ignored: {replacement}"
        for (section, name), replacement in REPLACED_SETTINGS.items()
        if name in config.get(section, {})
    ]
    for variable in ("JUPYTER_TOKEN", "JUPYTER_TOKEN_FILE"):
        if os.environ.get(variable):
            warnings.append(f"the {variable} environment variable is ignored: {OWN_TOKENS}")
    return warnings


def is_argon2(hashed: str) -> bool:
    """Is this jupyter_server's `argon2:` hash (one our password hashing verifies as it is)?"""
    if not hashed.startswith("argon2:"):
        return False
    try:
        argon2.extract_parameters(hashed.removeprefix("argon2:"))
    except argon2.exceptions.InvalidHashError:
        return False
    return True


def _extension_app(serverapp, package: str):
    """The ExtensionApp the loaded package `package` runs (JupyterLab's: LabApp), or None."""
    apps = serverapp.extension_manager.extension_apps.get(package) or ()
    return next(iter(apps), None)
