"""SQLAlchemy 2 models of the policy database. The schema itself is owned by the Alembic migrations."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .record_keys import new_record_key

# Rows that predate a column get this, so the column can be NOT NULL.
EPOCH = text("'1970-01-01 00:00:00+00:00'")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# What the server's configuration (c.RBAC.load_roles, c.RBAC.policy_file) made: the `managed_by`
# of a role it defines, the `given_by` of a holding it gave (and may take back).
CONFIGURATION = "config"


class Base(DeclarativeBase):
    pass


role_users = Table(
    "rbac_role_users",
    Base.metadata,
    Column("role_id", ForeignKey("rbac_roles.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "user_id", ForeignKey("rbac_users.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
    # CONFIGURATION where the server's configuration gave the role (and may take it back)
    Column("given_by", String(32), nullable=True),
)

role_groups = Table(
    "rbac_role_groups",
    Base.metadata,
    Column("role_id", ForeignKey("rbac_roles.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "group_id", ForeignKey("rbac_groups.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
    Column("given_by", String(32), nullable=True),  # as role_users
)

group_members = Table(
    "rbac_group_members",
    Base.metadata,
    Column("group_id", ForeignKey("rbac_groups.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "user_id", ForeignKey("rbac_users.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class Role(Base):
    __tablename__ = "rbac_roles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    # "config" for roles declared in c.RBAC.load_roles / the policy file: not editable at runtime
    managed_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revision: Mapped[int] = mapped_column(Integer, server_default="1")

    __mapper_args__: ClassVar[dict] = {"version_id_col": revision}

    users: Mapped[list[User]] = relationship(secondary=role_users, back_populates="roles")
    groups: Mapped[list[Group]] = relationship(secondary=role_groups, back_populates="roles")


class User(Base):
    __tablename__ = "rbac_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    display_name: Mapped[str] = mapped_column(String(255), default="")
    # argon2id (store/hashing.py); None: this user signs in with tokens or invitations only
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    avatar_url: Mapped[str] = mapped_column(String(2048), default="", server_default="")
    color: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Part of every login cookie; bumping it ends all of the user's browser sessions.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Random, never given again: names this record in login cookies, so that a user deleted and
    # made again by the same name starts with no live session (ids and times can repeat).
    # Unique index; NULL only for rows written around the store (they can hold no session).
    record_key: Mapped[str | None] = mapped_column(
        String(32), default=new_record_key, nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=EPOCH
    )
    revision: Mapped[int] = mapped_column(Integer, server_default="1")
    # The last request they made (to `activity_resolution`); written apart from revisions.
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __mapper_args__: ClassVar[dict] = {"version_id_col": revision}
    __table_args__ = (Index("ix_rbac_users_record_key", "record_key", unique=True),)

    roles: Mapped[list[Role]] = relationship(secondary=role_users, back_populates="users")
    groups: Mapped[list[Group]] = relationship(secondary=group_members, back_populates="members")
    tokens: Mapped[list[Token]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class Group(Base):
    __tablename__ = "rbac_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=EPOCH
    )
    revision: Mapped[int] = mapped_column(Integer, server_default="1")

    __mapper_args__: ClassVar[dict] = {"version_id_col": revision}

    roles: Mapped[list[Role]] = relationship(secondary=role_groups, back_populates="groups")
    members: Mapped[list[User]] = relationship(secondary=group_members, back_populates="groups")


class Token(Base):
    """An API token. Only a hash of the secret is stored; the secret is shown once, at creation."""

    __tablename__ = "rbac_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("rbac_users.id", ondelete="CASCADE"))
    # store/hashing.py's fast hash of the whole secret (argon2id before it, until first used);
    # before migration 0003, an unsalted SHA-256 (lookup is None)
    hashed: Mapped[str] = mapped_column(String(255), unique=True)
    lookup: Mapped[str | None] = mapped_column(String(16), unique=True, nullable=True)
    prefix: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(Text, default="")
    # None: every scope of the owner; else a subset, intersected with the owner's on every request
    scopes: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    one_time: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Who made it (the audit actor: a user name, "system", "cli:NAME"); None: before migration
    # 0004 and not in the audit trail. Only its owner's own tokens change their account.
    created_by: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # The last request it authenticated (to `activity_resolution`)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    user: Mapped[User] = relationship(back_populates="tokens")


class Invitation(Base):
    """A single-use link that creates a user (with roles and groups) and signs them in; or, with
    `user_key`, a sign-in link for a user who exists (it gives no roles or groups)."""

    __tablename__ = "rbac_invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lookup: Mapped[str] = mapped_column(String(16), unique=True)
    hashed: Mapped[str] = mapped_column(String(255))
    username: Mapped[str] = mapped_column(String(255), index=True)
    display_name: Mapped[str] = mapped_column(String(255), default="")
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    password_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # a sign-in link's user, by the random key of their record (a row id may be used again): not
    # one made again by the same name; no foreign key, so a deleted user's link stays listed
    user_key: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # the record key of its maker, if a user made it: a user made again by the maker's name
    # after they were deleted is someone else, and gives nothing through their links
    created_by_key: Mapped[str | None] = mapped_column(String(32), nullable=True)


class Share(Base):
    """A role given to one user or one group on one folder or file (model/shares.py says what
    it grants). Deleting the role, the user or the group deletes the share."""

    __tablename__ = "rbac_shares"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # the API path, normalised as the policy judges paths ("" is the root)
    path: Mapped[str] = mapped_column(Text)
    is_folder: Mapped[bool] = mapped_column(Boolean)
    role_id: Mapped[int] = mapped_column(ForeignKey("rbac_roles.id", ondelete="CASCADE"))
    # exactly one of user_id and group_id is set
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("rbac_users.id", ondelete="CASCADE"), nullable=True, index=True
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("rbac_groups.id", ondelete="CASCADE"), nullable=True, index=True
    )
    created_by: Mapped[str] = mapped_column(String(255))  # the audit actor who shared it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revision: Mapped[int] = mapped_column(Integer, server_default="1")

    __mapper_args__: ClassVar[dict] = {"version_id_col": revision}
    __table_args__ = (
        Index("ux_rbac_shares_user_path", "user_id", "path", unique=True),
        Index("ux_rbac_shares_group_path", "group_id", "path", unique=True),
        CheckConstraint(
            "(user_id IS NULL) <> (group_id IS NULL)", name="ck_rbac_shares_one_recipient"
        ),
    )

    role: Mapped[Role] = relationship()
    user: Mapped[User | None] = relationship()
    group: Mapped[Group | None] = relationship()


class ResourceOwner(Base):
    """Who started a kernel, terminal or session: what `!user=` and `!group=` filters match."""

    __tablename__ = "rbac_resource_owners"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    resource_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    owner: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEvent(Base):
    __tablename__ = "rbac_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(255), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(512), default="", index=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class PolicyState(Base):
    """One row: the policy version, bumped by every change so every process can notice it."""

    __tablename__ = "rbac_policy_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class PolicyChange(Base):
    """What one policy version touched (store/touched.py): a server that saw the version before
    reloads only that. The newest few hundred are kept; a server further behind reloads all."""

    __tablename__ = "rbac_policy_changes"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    touched: Mapped[dict] = mapped_column(JSON)


class PresenceRow(Base):
    """Who is present on one server (store/presence.py): a row per server process and user, so
    that servers sharing this database show one collaborators list. Not policy: written outside
    the versioned, audited transactions. Times are epoch seconds, as the presence registry keeps
    them; a row past `expires_at` counts for nobody (its server stopped refreshing it)."""

    __tablename__ = "rbac_presence"

    server: Mapped[str] = mapped_column(String(32), primary_key=True)
    username: Mapped[str] = mapped_column(String(255), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(255), default="")
    initials: Mapped[str | None] = mapped_column(String(64), nullable=True)
    color: Mapped[str | None] = mapped_column(String(64), nullable=True)
    avatar_url: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    # open websockets: [{"kind", "since", "document", "mode"}]
    connections: Mapped[list] = mapped_column(JSON)
    first_seen: Mapped[float] = mapped_column(Float)
    last_seen: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float, index=True)
