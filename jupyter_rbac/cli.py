"""`jupyter rbac`: the policy from a shell, through the same service the REST API uses.

Reads `c.RBAC` from the server's own config files (jupyter_server_config.py/.json), so it acts on
the database the server uses; `--db-url` overrides.
"""

from __future__ import annotations

import argparse
import json
import sys

from jupyter_core.application import JupyterApp
from traitlets.config import Config

from .config import RBAC
from .errors import RBACError
from .scopes import Catalog
from .service import Actor, RBACService
from .store import Store


def load_rbac_config(db_url: str | None) -> RBAC:
    """`c.RBAC` as the server would see it, from the jupyter_server_config files."""
    app = JupyterApp()
    app.config_file_name = "jupyter_server_config"
    try:
        app.load_config_file()
    except Exception as error:  # a broken config file should say so, not crash with a traceback
        raise SystemExit(f"jupyter rbac: cannot read the server's config: {error}") from error
    config = Config(app.config)
    if db_url:
        config.RBAC.db_url = db_url
    return RBAC(config=config)


def _open(args) -> tuple[RBACService, RBAC]:
    rbac = load_rbac_config(args.db_url)
    store = Store.open(rbac.db_url)
    service = RBACService(store, Catalog())
    service.ensure_defaults()
    return service, rbac


def cmd_init(args) -> None:
    service, rbac = _open(args)
    service.load_roles(rbac.load_roles)
    first = service.bootstrap_first_admin(args.admin or rbac.initial_admin)
    print(f"policy database ready: {rbac.db_url}")
    if first is not None:
        print(f"first administrator: {first.username}; one-time login token: {first.login_token}")


def cmd_user_create(args) -> None:
    service, _ = _open(args)
    service.create_user(Actor.system(), args.name, roles=args.role, groups=args.group, display_name=args.display_name)
    print(f"created user {args.name}")


def cmd_user_list(args) -> None:
    service, _ = _open(args)
    for user in service.store.list_users():
        roles, groups = ", ".join(sorted(user.roles)) or "-", ", ".join(sorted(user.groups)) or "-"
        print(f"{user.name}\troles: {roles}\tgroups: {groups}")


def cmd_token_create(args) -> None:
    service, _ = _open(args)
    scopes = args.scope if args.scope else None
    _, token = service.create_token(args.user, note=args.note, scopes=scopes, expires_in=args.expires_in)
    print(token)


def cmd_role_list(args) -> None:
    service, _ = _open(args)
    for role in service.store.list_roles():
        print(
            json.dumps(
                {"name": role.name, "scopes": role.scopes, "users": role.users, "groups": role.groups}
            )
        )


def cmd_role_create(args) -> None:
    service, _ = _open(args)
    scopes = service.validate_scopes(args.scope, f"role {args.name!r}")
    service.store.create_role(args.name, scopes, args.description)
    print(f"created role {args.name}")


def cmd_role_assign(args) -> None:
    service, _ = _open(args)
    service.store.assign_role(args.role, users=args.user, groups=args.group)
    print(f"assigned role {args.role}")


def cmd_group_create(args) -> None:
    service, _ = _open(args)
    service.store.create_group(args.name, args.description)
    if args.member:
        service.store.add_members(args.name, args.member)
    print(f"created group {args.name}")


def cmd_routes(args) -> None:
    """Build the server as `jupyter server` would (without listening) and report its routes."""
    from jupyter_server.serverapp import ServerApp

    from .route_report import format_report, route_report

    config = Config()
    config.ServerApp.jpserver_extensions = {"jupyter_rbac": True}
    if args.db_url:
        config.RBAC.db_url = args.db_url
    server = ServerApp(config=config)
    server.initialize(argv=["--ServerApp.open_browser=False", "--allow-root", *args.server_args])
    extension = server.extension_manager.extension_points["jupyter_rbac"].app
    entries = route_report(server.web_app, extension.route_table)
    print(format_report(entries))
    unmapped = [e for e in entries if not e.covered]
    if unmapped:
        print(f"\n{len(unmapped)} route(s) not in the table: only holders of `all` may use them.")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jupyter rbac", description="Manage jupyter-rbac's policy.")
    parser.add_argument("--db-url", help="SQLAlchemy URL of the policy database (default: c.RBAC.db_url)")
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="create the database, default roles and first admin")
    init.add_argument("--admin", help="name of the first administrator (default: c.RBAC.initial_admin)")
    init.set_defaults(func=cmd_init)

    user = commands.add_parser("user", help="users").add_subparsers(dest="action", required=True)
    create = user.add_parser("create", help="create a user")
    create.add_argument("name")
    create.add_argument("--role", action="append", default=[], help="a role to give (repeatable)")
    create.add_argument("--group", action="append", default=[], help="a group to join (repeatable)")
    create.add_argument("--display-name", default="")
    create.set_defaults(func=cmd_user_create)
    user.add_parser("list", help="list users").set_defaults(func=cmd_user_list)

    token = commands.add_parser("token", help="API tokens").add_subparsers(dest="action", required=True)
    token_create = token.add_parser("create", help="create a token for USER and print it (once)")
    token_create.add_argument("user")
    token_create.add_argument("--note", default="created with jupyter rbac")
    token_create.add_argument("--scope", action="append", help="limit the token to a scope (repeatable)")
    token_create.add_argument("--expires-in", type=float, help="lifetime in seconds")
    token_create.set_defaults(func=cmd_token_create)

    role = commands.add_parser("role", help="roles").add_subparsers(dest="action", required=True)
    role.add_parser("list", help="list roles (JSON lines)").set_defaults(func=cmd_role_list)
    role_create = role.add_parser("create", help="create a role")
    role_create.add_argument("name")
    role_create.add_argument("--scope", action="append", default=[], help="a scope (repeatable)")
    role_create.add_argument("--description", default="")
    role_create.set_defaults(func=cmd_role_create)
    assign = role.add_parser("assign", help="give a role to users and groups")
    assign.add_argument("role")
    assign.add_argument("--user", action="append", default=[])
    assign.add_argument("--group", action="append", default=[])
    assign.set_defaults(func=cmd_role_assign)

    group = commands.add_parser("group", help="groups").add_subparsers(dest="action", required=True)
    group_create = group.add_parser("create", help="create a group")
    group_create.add_argument("name")
    group_create.add_argument("--description", default="")
    group_create.add_argument("--member", action="append", default=[])
    group_create.set_defaults(func=cmd_group_create)

    routes = commands.add_parser("routes", help="print the scope that guards every route")
    routes.add_argument("server_args", nargs="*", help="extra arguments for the server, e.g. --ServerApp.base_url=/x/")
    routes.set_defaults(func=cmd_routes)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except RBACError as error:
        print(f"jupyter rbac: {error.message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
