"""`jupyter rbac init` and `routes`: the server's own setup, from a shell.

`init` prepares the policy database as the server's first start would; `routes` builds the server
as `jupyter server` would, without listening, and reports the scope that guards each route.
"""

from __future__ import annotations

import argparse

from traitlets.config import Config

from ..services.policy_file import load_policy_file
from .output import say
from .shell import Shell


def cmd_init(shell: Shell, args: argparse.Namespace) -> None:
    # as the server does: "first start" means no user yet, before config roles add their users
    first = shell.service.bootstrap_first_admin(args.admin or shell.rbac.initial_admin)
    shell.service.load_roles(shell.rbac.load_roles + load_policy_file(shell.rbac.policy_file))
    say(f"policy database ready: {shell.rbac.db_url}")
    if first is not None:
        say(f"first administrator: {first.username}; one-time login token: {first.login_token}")


def cmd_routes(args: argparse.Namespace) -> None:
    """Build the server as `jupyter server` would (without listening) and report its routes."""
    from jupyter_server.serverapp import ServerApp

    from ..enforcement.route_report import format_report, route_report

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
