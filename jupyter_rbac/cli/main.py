"""`jupyter rbac`: the policy from a shell, through the same service the REST API uses.

Reads `c.RBAC` from the server's own config files (jupyter_server_config.py/.json), so it acts on
the database the server uses; `--db-url` overrides. Safe while a server runs on the same database:
every change is one transaction, and the server notices it on its next request.

The shell owns the database, so commands act with every permission, as `cli:<login name>` in the
audit trail; the service's other rules (default roles stay, `admin` is fixed, config-managed roles
are read-only, someone keeps `admin`) hold as for anyone.
"""

from __future__ import annotations

import argparse
import getpass
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, TypeVar

from jupyter_core.application import JupyterApp
from sqlalchemy.exc import SQLAlchemyError
from traitlets.config import Config

from .accounts import add_invitations, add_user_accounts
from ..config import RBAC
from ..errors import InvalidInput, RBACError
from ..policy import Decision
from ..services.policy_file import dump, load_policy_file, parse, read
from ..model.scopes import Catalog
from ..services.administration import Actor, Changes, Listing, RBACService
from ..store import Page, RoleRecord, Store
from ..store.import_export import SECTIONS, ImportPlan, export_policy, import_policy, plan_import
from ..store.repository import CONTROL_CHARACTERS

T = TypeVar("T")
PAGE_SIZE = 500
NAMES_SHOWN = 20  # of each kind, in an import's summary


class Mistake(Exception):
    """A command line that cannot run: exit 2 with one line, like argparse's own errors."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, not the usage block: the mistake is easier to see (--help has the rest).
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


@dataclass(frozen=True)
class Shell:
    """What a command works with: the service on the policy database, and who is acting."""

    service: RBACService
    rbac: RBAC
    actor: Actor

    @property
    def store(self) -> Store:
        return self.service.store


# -- opening the database ----------------------------------------------------------------------


def load_rbac_config(db_url: str | None) -> RBAC:
    """`c.RBAC` as the server would see it, from the jupyter_server_config files."""
    app = JupyterApp()
    app.config_file_name = "jupyter_server_config"
    try:
        app.load_config_file()
    except Exception as error:  # a broken config file should say so, not crash with a traceback
        raise Mistake(f"cannot read the server's config: {error}") from error
    config = Config(app.config)
    if db_url:
        config.RBAC.db_url = db_url
    return RBAC(config=config)


def shell_actor() -> Actor:
    try:
        login = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment nor in the password database
        login = "unknown"
    return Actor.system(f"cli:{login}")


@contextmanager
def open_shell(db_url: str | None) -> Iterator[Shell]:
    rbac = load_rbac_config(db_url)
    store = Store.open(rbac.db_url)
    try:
        service = RBACService(store, Catalog())
        service.ensure_defaults()
        yield Shell(service, rbac, shell_actor())
    finally:
        store.close()


# -- output --------------------------------------------------------------------------------------


def shown(text: str) -> str:
    """`text` safe for a terminal: control characters (escape sequences, bidirectional
    overrides) as Python writes them, `\\x1b`, `\\u202e`, so they show and never act."""
    return CONTROL_CHARACTERS.sub(_escaped, text)


def _escaped(found: re.Match) -> str:
    return found.group().encode("unicode_escape").decode("ascii")


def say(text: str, file=None) -> None:
    """Print one line that may hold user-given text, escaped (see `shown`)."""
    print(shown(text), file=file)


def print_json(data: object) -> None:
    print(json.dumps(data, indent=2))  # json escapes every control character itself


def print_table(headers: list[str], rows: Iterable[list[str]]) -> None:
    # one line each, escaped: names, notes and descriptions are user-given
    rows = [headers, *([shown(" ".join(cell.split())) for cell in row] for row in rows)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(headers) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths)] + [row[-1]]
        print("  ".join(cells).rstrip())


def print_fields(fields: list[tuple[str, str | list[str]]]) -> None:
    """`label: value` lines; a list prints one item a line, aligned."""
    width = max(len(label) for label, _ in fields) + 2
    for label, value in fields:
        lines = (value if isinstance(value, list) else value.splitlines()) or ["-"]
        say(f"{label}:".ljust(width) + lines[0])
        for line in lines[1:]:
            say(" " * width + line)


def joined(names: Iterable[str]) -> str:
    return ", ".join(names) or "-"


def every(fetch: Callable[[Listing], Page[T]], query: str = "") -> list[T]:
    """All items of a paged listing."""
    items: list[T] = []
    while True:
        page = fetch(Listing(limit=PAGE_SIZE, offset=len(items), query=query))
        items.extend(page.items)
        if not page.items or len(items) >= page.total:
            return items


def edited(items: list[str], add: list[str], remove: list[str], missing: str) -> list[str]:
    """`items` with `add` appended (once) and `remove` taken out; removing an absent item is a
    mistake (a typo, most likely), reported with `missing` (formatted with {name})."""
    result = items + [name for name in dict.fromkeys(add) if name not in items]
    for name in remove:
        if name not in result:
            raise InvalidInput(missing.format(name=name))
    return [name for name in result if name not in remove]


# -- init, routes --------------------------------------------------------------------------------


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


# -- roles ---------------------------------------------------------------------------------------


def role_kind(role: RoleRecord) -> str:
    if role.managed_by is not None:
        return "config"
    return "default" if role.builtin else "custom"


def cmd_roles_list(shell: Shell, args: argparse.Namespace) -> None:
    roles = every(lambda listing: shell.service.list_roles(shell.actor, listing))
    if args.json:
        print_json([role.to_json() for role in roles])
        return
    print_table(
        ["NAME", "KIND", "SCOPES", "USERS", "GROUPS", "DESCRIPTION"],
        [
            [
                r.name,
                role_kind(r),
                str(len(r.scopes)),
                str(len(r.users)),
                str(len(r.groups)),
                r.description,
            ]
            for r in roles
        ],
    )


def cmd_roles_show(shell: Shell, args: argparse.Namespace) -> None:
    role = shell.service.get_role(shell.actor, args.name)
    if args.json:
        print_json(role.to_json())
        return
    print_fields(
        [
            ("name", role.name),
            ("kind", role_kind(role)),
            ("description", role.description),
            ("scopes", role.scopes),
            ("users", role.users),
            ("groups", role.groups),
        ]
    )


def cmd_roles_create(shell: Shell, args: argparse.Namespace) -> None:
    shell.service.create_role(shell.actor, args.name, args.scope, args.description)
    say(f"created role {args.name}")


def cmd_roles_edit(shell: Shell, args: argparse.Namespace) -> None:
    if not (args.scope or args.add_scope or args.remove_scope or args.description is not None):
        raise InvalidInput(
            "nothing to change: give --scope, --add-scope, --remove-scope or --description"
        )
    current = shell.service.get_role(shell.actor, args.name)
    scopes = None
    if args.scope or args.add_scope or args.remove_scope:
        missing = f"role {args.name!r} has no scope {{name!r}}"
        scopes = edited(args.scope or current.scopes, args.add_scope, args.remove_scope, missing)
    changes = Changes(
        scopes=scopes, description=args.description, expected_revision=current.revision
    )
    shell.service.update_role(shell.actor, args.name, changes)
    say(f"updated role {args.name}")


def cmd_roles_delete(shell: Shell, args: argparse.Namespace) -> None:
    shell.service.delete_role(shell.actor, args.name)
    say(f"deleted role {args.name}")


def cmd_grant(shell: Shell, args: argparse.Namespace) -> None:
    change_holders(shell, args, add=True)
    say(f"granted role {args.role}")


def cmd_revoke(shell: Shell, args: argparse.Namespace) -> None:
    change_holders(shell, args, add=False)
    say(f"revoked role {args.role}")


def change_holders(shell: Shell, args: argparse.Namespace, add: bool) -> None:
    """Give or take `args.role` to or from users and groups, in one change of the role."""
    if not (args.user or args.group):
        raise InvalidInput("give --user or --group (each may be repeated)")
    current = shell.service.get_role(shell.actor, args.role)

    def holders(present: list[str], named: list[str], kind: str) -> list[str] | None:
        if not named:
            return None  # leave this list as it is
        missing = f"{kind} {{name!r}} does not hold role {args.role!r} directly"
        return edited(present, named, [], missing) if add else edited(present, [], named, missing)

    changes = Changes(
        users=holders(current.users, args.user, "user"),
        groups=holders(current.groups, args.group, "group"),
        expected_revision=current.revision,
    )
    shell.service.update_role(shell.actor, args.role, changes)


# -- users ---------------------------------------------------------------------------------------


def cmd_users_list(shell: Shell, args: argparse.Namespace) -> None:
    # Name the filters' role and group first: an unknown one is a mistake, not an empty list.
    if args.role is not None:
        shell.service.get_role(shell.actor, args.role)
    if args.group is not None:
        shell.service.get_group(shell.actor, args.group)
    users = every(
        lambda listing: shell.service.list_users(
            shell.actor, listing, role=args.role, group=args.group
        ),
        query=args.search or "",
    )
    if args.json:
        print_json([user.to_json() for user in users])
        return
    print_table(
        ["NAME", "DISPLAY NAME", "ROLES", "GROUPS"],
        [[u.name, u.display_name, joined(u.roles), joined(u.groups)] for u in users],
    )


def cmd_users_show(shell: Shell, args: argparse.Namespace) -> None:
    user = shell.service.get_user(shell.actor, args.name)
    held = shell.service.permissions_of(shell.actor, args.name)["roles"]
    if args.json:
        print_json({**user.to_json(), "effective_roles": held})
        return
    print_fields(
        [
            ("name", user.name),
            ("display name", user.display_name),
            ("roles", user.roles),
            ("groups", user.groups),
            ("holds", [f"{role['name']} ({', '.join(role['via'])})" for role in held]),
        ]
    )


def cmd_users_create(shell: Shell, args: argparse.Namespace) -> None:
    shell.service.create_user(
        shell.actor, args.name, roles=args.role, groups=args.group, display_name=args.display_name
    )
    say(f"created user {args.name}")


def cmd_users_edit(shell: Shell, args: argparse.Namespace) -> None:
    if args.display_name is None:
        raise InvalidInput(
            "nothing to change: give --display-name (roles: grant and revoke; groups: groups edit)"
        )
    current = shell.service.get_user(shell.actor, args.name)
    changes = Changes(display_name=args.display_name, expected_revision=current.revision)
    shell.service.update_user(shell.actor, args.name, changes)
    say(f"updated user {args.name}")


def cmd_users_delete(shell: Shell, args: argparse.Namespace) -> None:
    shell.service.delete_user(shell.actor, args.name)
    say(f"deleted user {args.name} and their tokens")


# -- groups --------------------------------------------------------------------------------------


def cmd_groups_list(shell: Shell, args: argparse.Namespace) -> None:
    groups = every(lambda listing: shell.service.list_groups(shell.actor, listing))
    if args.json:
        print_json([group.to_json() for group in groups])
        return
    print_table(
        ["NAME", "MEMBERS", "ROLES", "DESCRIPTION"],
        [[g.name, str(len(g.members)), joined(g.roles), g.description] for g in groups],
    )


def cmd_groups_show(shell: Shell, args: argparse.Namespace) -> None:
    group = shell.service.get_group(shell.actor, args.name)
    if args.json:
        print_json(group.to_json())
        return
    print_fields(
        [
            ("name", group.name),
            ("description", group.description),
            ("members", group.members),
            ("roles", group.roles),
        ]
    )


def cmd_groups_create(shell: Shell, args: argparse.Namespace) -> None:
    shell.service.create_group(shell.actor, args.name, args.description, members=args.member)
    say(f"created group {args.name}")


def cmd_groups_edit(shell: Shell, args: argparse.Namespace) -> None:
    if not (args.add_member or args.remove_member or args.description is not None):
        raise InvalidInput("nothing to change: give --add-member, --remove-member or --description")
    current = shell.service.get_group(shell.actor, args.name)
    members = None
    if args.add_member or args.remove_member:
        missing = f"{{name!r}} is not a member of group {args.name!r}"
        members = edited(current.members, args.add_member, args.remove_member, missing)
    changes = Changes(
        members=members, description=args.description, expected_revision=current.revision
    )
    shell.service.update_group(shell.actor, args.name, changes)
    say(f"updated group {args.name}")


def cmd_groups_delete(shell: Shell, args: argparse.Namespace) -> None:
    shell.service.delete_group(shell.actor, args.name)
    say(f"deleted group {args.name}")


# -- tokens --------------------------------------------------------------------------------------


def cmd_token_create(shell: Shell, args: argparse.Namespace) -> None:
    _, secret = shell.service.create_token(
        args.user, note=args.note, scopes=args.scope, expires_in=args.expires_in, actor=shell.actor
    )
    print(secret)  # alone on stdout, for `TOKEN=$(jupyter rbac token create ...)`


def cmd_token_list(shell: Shell, args: argparse.Namespace) -> None:
    tokens = shell.service.list_tokens(shell.actor, args.user)
    if args.json:
        print_json([token.to_json() for token in tokens])
        return
    print_table(
        ["ID", "PREFIX", "SCOPES", "CREATED", "EXPIRES", "NOTE"],
        [
            [
                str(t.id),
                t.prefix,
                joined(t.scopes) if t.scopes is not None else "(all of the user's)",
                t.created_at.strftime("%Y-%m-%d %H:%M"),
                t.expires_at.strftime("%Y-%m-%d %H:%M") if t.expires_at else "never",
                t.note + (" (one-time)" if t.one_time else ""),
            ]
            for t in tokens
        ],
    )


def cmd_token_revoke(shell: Shell, args: argparse.Namespace) -> None:
    shell.service.delete_token(shell.actor, args.user, args.id)
    say(f"revoked token {args.id} of {args.user}")


# -- check, audit --------------------------------------------------------------------------------


def cmd_check(shell: Shell, args: argparse.Namespace) -> int:
    question = {
        "user": args.user,
        "action": args.action,
        "resource": args.resource,
        "path": args.path,
        "owner": args.owner,
    }
    decision = shell.service.check(shell.actor, question)
    if args.json:
        print_json(decision.to_json())
    else:
        print_decision(args, decision)
    return 0 if decision.allowed else 1


def print_decision(args: argparse.Namespace, decision: Decision) -> None:
    what = f"{args.action} {args.resource}"
    what += f" at {args.path}" if args.path is not None else ""
    what += f" owned by {args.owner}" if args.owner is not None else ""
    grant = decision.granted_by
    if grant is None:
        say(f"denied: {args.user} may not {what}")
        print_fields([("  missing scope", decision.missing_scope or "-")])
        return
    say(f"allowed: {args.user} may {what}")
    print_fields([("  role", grant.role), ("  scope", grant.scope), ("  via", joined(grant.via))])


def cmd_audit(shell: Shell, args: argparse.Namespace) -> None:
    filters = {"limit": args.limit, "actor": args.actor, "target": args.target, "kind": args.kind}
    events = shell.service.audit(shell.actor, filters).items
    if args.json:
        print_json([event.to_json() for event in events])
        return
    print_table(
        ["ID", "AT", "ACTOR", "ACTION", "TARGET", "DETAIL"],
        [
            [
                str(e.id),
                e.at.strftime("%Y-%m-%d %H:%M:%S"),
                e.actor,
                e.action,
                e.target,
                json.dumps(e.detail),
            ]
            for e in events
        ],
    )


# -- export, import ------------------------------------------------------------------------------


def cmd_export(shell: Shell, args: argparse.Namespace) -> None:
    text = dump(export_policy(shell.store))
    if args.output is None:
        sys.stdout.write(text)
        return
    try:
        Path(args.output).expanduser().write_text(text, encoding="utf-8")
    except OSError as error:
        raise Mistake(f"cannot write {args.output}: {error.strerror or error}") from error
    say(f"exported the policy to {args.output}")


def cmd_import(shell: Shell, args: argparse.Namespace) -> None:
    document = parse(sys.stdin.read()) if args.file == "-" else read(args.file)
    source = "stdin" if args.file == "-" else str(Path(args.file).expanduser().resolve())
    if args.dry_run:
        plan = plan_import(shell.store, document, shell.service.catalog)
        say(f"importing {args.file} would change (nothing written):")
    else:
        plan = import_policy(shell.store, document, shell.actor.name, source, shell.service.catalog)
        say(f"imported {args.file}:")
    for line in describe_plan(plan):
        say(f"  {line}")


def describe_plan(plan: ImportPlan) -> list[str]:
    lines = []
    for kind in SECTIONS:
        changes = getattr(plan, kind)
        parts = [
            f"{len(names)} {verb} ({shortened(names)})"
            for verb, names in (
                ("added", changes.added),
                ("removed", changes.removed),
                ("changed", changes.changed),
            )
            if names
        ]
        lines.append(f"{kind}: {'; '.join(parts) or 'unchanged'}")
    return lines


def shortened(names: tuple[str, ...]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (
        f", ... and {len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN else ""
    )


# -- the parser ----------------------------------------------------------------------------------


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number")
    return value


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def add_command(subparsers, name: str, func: Callable, help: str) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, help=help, description=help)
    parser.set_defaults(func=func)
    return parser


def add_grant_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("role")
    parser.add_argument("--user", action="append", default=[], help="a user (repeatable)")
    parser.add_argument("--group", action="append", default=[], help="a group (repeatable)")


def add_roles(commands) -> None:
    roles = commands.add_parser("roles", aliases=["role"], help="roles").add_subparsers(
        dest="action", required=True
    )
    add_json(add_command(roles, "list", cmd_roles_list, "list roles"))
    show = add_command(roles, "show", cmd_roles_show, "show a role")
    show.add_argument("name")
    add_json(show)
    create = add_command(roles, "create", cmd_roles_create, "create a role")
    create.add_argument("name")
    create.add_argument("--scope", action="append", required=True, help="a scope (repeatable)")
    create.add_argument("--description", default="")
    edit = add_command(roles, "edit", cmd_roles_edit, "change a role's scopes or description")
    edit.add_argument("name")
    edit.add_argument(
        "--scope", action="append", default=[], help="the new scopes, replacing all (repeatable)"
    )
    edit.add_argument(
        "--add-scope", action="append", default=[], help="a scope to add (repeatable)"
    )
    edit.add_argument(
        "--remove-scope", action="append", default=[], help="a scope to remove (repeatable)"
    )
    edit.add_argument("--description")
    add_command(roles, "delete", cmd_roles_delete, "delete a role").add_argument("name")
    # `role assign` predates `grant`: kept for the scripts that use it.
    add_grant_arguments(add_command(roles, "assign", cmd_grant, "same as `jupyter rbac grant`"))


def add_users(commands) -> None:
    users = commands.add_parser("users", aliases=["user"], help="users").add_subparsers(
        dest="action", required=True
    )
    listing = add_command(users, "list", cmd_users_list, "list users")
    listing.add_argument("--role", help="only the users who hold this role directly")
    listing.add_argument("--group", help="only the members of this group")
    listing.add_argument("--search", help="only the users whose name or display name contains this")
    add_json(listing)
    show = add_command(users, "show", cmd_users_show, "show a user and the roles they hold")
    show.add_argument("name")
    add_json(show)
    create = add_command(users, "create", cmd_users_create, "create a user")
    create.add_argument("name")
    create.add_argument("--display-name", default="")
    create.add_argument("--role", action="append", default=[], help="a role to give (repeatable)")
    create.add_argument("--group", action="append", default=[], help="a group to join (repeatable)")
    edit = add_command(users, "edit", cmd_users_edit, "change a user's display name")
    edit.add_argument("name")
    edit.add_argument("--display-name")
    add_command(users, "delete", cmd_users_delete, "delete a user and their tokens").add_argument(
        "name"
    )
    add_user_accounts(users, add_command)


def add_groups(commands) -> None:
    groups = commands.add_parser("groups", aliases=["group"], help="groups").add_subparsers(
        dest="action", required=True
    )
    add_json(add_command(groups, "list", cmd_groups_list, "list groups"))
    show = add_command(groups, "show", cmd_groups_show, "show a group")
    show.add_argument("name")
    add_json(show)
    create = add_command(groups, "create", cmd_groups_create, "create a group")
    create.add_argument("name")
    create.add_argument("--description", default="")
    create.add_argument("--member", action="append", default=[], help="a member (repeatable)")
    edit = add_command(groups, "edit", cmd_groups_edit, "change a group's members or description")
    edit.add_argument("name")
    edit.add_argument(
        "--add-member", action="append", default=[], help="a user to add (repeatable)"
    )
    edit.add_argument(
        "--remove-member", action="append", default=[], help="a member to remove (repeatable)"
    )
    edit.add_argument("--description")
    add_command(groups, "delete", cmd_groups_delete, "delete a group").add_argument("name")


def add_tokens(commands) -> None:
    token = commands.add_parser("token", aliases=["tokens"], help="API tokens").add_subparsers(
        dest="action", required=True
    )
    create = add_command(
        token, "create", cmd_token_create, "create a token for USER and print it (once)"
    )
    create.add_argument("user")
    create.add_argument("--note", default="created with jupyter rbac")
    create.add_argument("--scope", action="append", help="limit the token to a scope (repeatable)")
    create.add_argument("--expires-in", type=float, metavar="SECONDS", help="lifetime in seconds")
    listing = add_command(token, "list", cmd_token_list, "list USER's tokens (never their secrets)")
    listing.add_argument("user")
    add_json(listing)
    revoke = add_command(token, "revoke", cmd_token_revoke, "revoke one of USER's tokens")
    revoke.add_argument("user")
    revoke.add_argument("id", type=int)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="jupyter rbac", description="Manage jupyter-rbac's policy.")
    parser.add_argument(
        "--db-url", help="SQLAlchemy URL of the policy database (default: c.RBAC.db_url)"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    init = add_command(
        commands, "init", cmd_init, "create the database, default roles and first admin"
    )
    init.add_argument(
        "--admin", help="name of the first administrator (default: c.RBAC.initial_admin)"
    )

    add_roles(commands)
    add_users(commands)
    add_groups(commands)
    add_grant_arguments(
        add_command(commands, "grant", cmd_grant, "give a role to users and groups")
    )
    add_grant_arguments(
        add_command(commands, "revoke", cmd_revoke, "take a role from users and groups")
    )
    add_tokens(commands)
    add_invitations(commands, add_command, add_json)

    check = add_command(
        commands,
        "check",
        cmd_check,
        "may USER do ACTION on RESOURCE (at PATH)? exit 0 if so, 1 if not",
    )
    check.add_argument("user")
    check.add_argument("action", help="read, write or execute")
    check.add_argument("resource", help="contents, kernels, terminals, ...")
    check.add_argument("path", nargs="?", help="a path under the server's root")
    check.add_argument("--owner", help="for kernels, terminals, sessions: who started it")
    add_json(check)

    export = add_command(
        commands, "export", cmd_export, "print the policy as YAML (tokens excluded)"
    )
    export.add_argument("--output", "-o", metavar="FILE", help="write it to FILE instead")
    imports = add_command(
        commands, "import", cmd_import, "replace the policy with a YAML file's (- for stdin)"
    )
    imports.add_argument("file")
    imports.add_argument(
        "--dry-run", action="store_true", help="print what would change, change nothing"
    )

    audit = add_command(commands, "audit", cmd_audit, "print the audit trail, newest first")
    audit.add_argument("--actor", help="only what this actor did")
    audit.add_argument("--target", help="only what was done to this role, user, group, ...")
    audit.add_argument(
        "--kind", help="only events of this kind: role, user, group, token, invitation, policy, request"
    )
    audit.add_argument(
        "--limit", type=positive_int, default=50, help="at most this many events (default 50)"
    )
    add_json(audit)

    routes = add_command(commands, "routes", cmd_routes, "print the scope that guards every route")
    routes.add_argument(
        "server_args",
        nargs="*",
        help="extra arguments for the server, e.g. --ServerApp.base_url=/x/",
    )
    routes.set_defaults(own_setup=True)
    return parser


def run(args: argparse.Namespace) -> int:
    if getattr(args, "own_setup", False):
        return args.func(args) or 0
    with open_shell(args.db_url) as shell:
        return args.func(shell, args) or 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except RBACError as error:
        message = error.message
    except Mistake as error:
        message = str(error)
    except SQLAlchemyError as error:
        # the driver's own words, without SQLAlchemy's SQL echo and help link
        cause = getattr(error, "orig", None) or error
        message = f"database error: {str(cause).splitlines()[0]}"
    say(f"jupyter rbac: {message}", file=sys.stderr)
    return 2

