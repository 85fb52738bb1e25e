"""Table rows into the frozen records that cross the store's edge (and audit rows from events).

No ORM object leaves the store: every part turns its rows into records here.
"""

from __future__ import annotations

from .checks import clipped, clipped_detail
from .hashing import TOKEN_PREFIX
from .models import AuditEvent, Group, Invitation, Role, Token, User, utcnow
from .records import (
    AuditRecord,
    GroupRecord,
    InvitationRecord,
    RoleRecord,
    TokenRecord,
    UserEntry,
    aware,
)


def versioned(record) -> dict:
    """The fields every role, user and group record carries: id, revision, times."""
    return {
        "id": record.id,
        "revision": record.revision,
        "created_at": aware(record.created_at),
        "updated_at": aware(record.updated_at),
    }


def role_record(
    role: Role, users: list[str] | None = None, groups: list[str] | None = None
) -> RoleRecord:
    return RoleRecord(
        **versioned(role),
        name=role.name,
        description=role.description,
        scopes=list(role.scopes),
        builtin=role.builtin,
        managed_by=role.managed_by,
        users=users if users is not None else sorted(u.name for u in role.users),
        groups=groups if groups is not None else sorted(g.name for g in role.groups),
    )


def user_entry(
    user: User, roles: list[str] | None = None, groups: list[str] | None = None
) -> UserEntry:
    return UserEntry(
        **versioned(user),
        name=user.name,
        display_name=user.display_name,
        roles=roles if roles is not None else sorted(r.name for r in user.roles),
        groups=groups if groups is not None else sorted(g.name for g in user.groups),
        avatar_url=user.avatar_url or "",
        color=user.color or "",
        password_set=user.password_hash is not None,
        last_seen_at=aware(user.last_seen_at),
    )


def group_record(
    group: Group, members: list[str] | None = None, roles: list[str] | None = None
) -> GroupRecord:
    return GroupRecord(
        **versioned(group),
        name=group.name,
        description=group.description,
        members=members if members is not None else sorted(u.name for u in group.members),
        roles=roles if roles is not None else sorted(r.name for r in group.roles),
    )


def token_record(token: Token, username: str) -> TokenRecord:
    return TokenRecord(
        id=token.id,
        user=username,
        note=token.note,
        prefix=TOKEN_PREFIX + token.prefix,
        scopes=list(token.scopes) if token.scopes is not None else None,
        one_time=token.one_time,
        created_at=aware(token.created_at),
        expires_at=aware(token.expires_at),
        created_by=token.created_by,
        last_used_at=aware(token.last_used_at),
    )


def invitation_record(invitation: Invitation) -> InvitationRecord:
    return InvitationRecord(
        id=invitation.id,
        username=invitation.username,
        display_name=invitation.display_name,
        roles=list(invitation.roles),
        groups=list(invitation.groups),
        password_allowed=invitation.password_allowed,
        created_by=invitation.created_by,
        created_at=aware(invitation.created_at),
        expires_at=aware(invitation.expires_at),
        accepted_at=aware(invitation.accepted_at),
        sign_in=invitation.user_key is not None,
    )


def audit_event(actor: str, action: str, target: str, detail: dict) -> AuditEvent:
    """A new audit row; its texts clipped, so no request can make one large."""
    return AuditEvent(
        actor=actor,
        action=action,
        target=clipped(target),
        detail=clipped_detail(detail),
        at=utcnow(),
    )


def audit_record(event: AuditEvent) -> AuditRecord:
    return AuditRecord(
        event.id, aware(event.at), event.actor, event.action, event.target, dict(event.detail or {})
    )
