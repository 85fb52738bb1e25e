"""Use cases and their rules: what may be created, changed or given, by whom (no escalation,
the last administrator, invitations, policy as code).

    rules           the permission rules every change obeys (Actor, the one gate of moves)
    inputs          what a request gives (Listing, Changes) and the checks of its values
    role_specs      the one check of a declared role, from the API, config or a document
    roles, users, groups, tokens, startup
                    the use cases by subject, mixed into RBACService (service)
    declared_roles  c.RBAC.load_roles reconciled with the database at start
    policy_document policy as code: check a document, export, plan and import it
    policy_file     the YAML form of a policy document and c.RBAC.policy_file
    request_bodies  /api/rbac request bodies checked against the OpenAPI spec
    accounts        invitations, passwords, profiles (AccountService)

Callers import RBACService and its companions from this package (`services import Actor`);
accounts, policy_document, policy_file and request_bodies from their modules.
"""

from .declared_roles import CONFIG_ACTOR, TakenBack
from .inputs import Changes, Listing
from .role_specs import DeclaredRole
from .roles import MANAGED_BY_CONFIG
from .rules import Actor, Move
from .service import RBACService
from .startup import UPGRADE_ACTOR, FirstAdmin

__all__ = [
    "CONFIG_ACTOR",
    "MANAGED_BY_CONFIG",
    "UPGRADE_ACTOR",
    "Actor",
    "Changes",
    "DeclaredRole",
    "FirstAdmin",
    "Listing",
    "Move",
    "RBACService",
    "TakenBack",
]
