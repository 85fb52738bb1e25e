"""No escalation through membership changes (the outside review's F4 and F10).

Putting someone into or out of a group, or giving or taking a role, needs write access to them as
the policy stands before the change, whichever endpoint it comes through: nobody widens their own
`!group=` scopes by moving a user into their group. And nobody changes, strips or deletes a role
unless they hold every scope it grants now.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

ROLES = ("api", "rbac", "roles")
USERS = ("api", "rbac", "users")
GROUPS = ("api", "rbac", "groups")

# F4: carol administers the users and the group `class`.
CAROL_SCOPES = [
    "write:users!group=class",
    "read:users!group=class",
    "write:groups!group=class",
    "read:groups!group=class",
]
# F10: erin manages roles, reads users, and writes only ann.
ERIN_SCOPES = [
    "write:roles",
    "read:roles",
    "read:contents!path=shared/**",
    "write:users!user=ann",
    "read:users",
]
HOME_SCOPES = ["write:contents!path=home/{user}/**"]


@pytest.fixture
def carol(rbac, make_user):
    rbac.store.create_role("class-admin", CAROL_SCOPES)
    make_user("x4", groups=["class"])
    make_user("victim")
    make_user("admin2", roles=["admin"])
    return make_user("carol", roles=["class-admin"])


@pytest.fixture
def erin(rbac, make_user):
    rbac.store.create_role("erinrole", ERIN_SCOPES)
    rbac.store.create_role("erinrole2", ["read:contents!path=shared/**"])
    rbac.store.create_role("home", HOME_SCOPES)
    make_user("ann")
    make_user("bob", roles=["home"])
    return make_user("erin", roles=["erinrole"])


def members_of(rbac, group: str) -> list[str]:
    return sorted(rbac.store.get_group(group).members)


async def test_moving_an_administrator_into_your_group_is_refused(carol, rbac):
    """F4: the move itself is refused, so carol's group-filtered scopes never reach admin2."""
    status, payload = await carol.patch(
        *GROUPS, "class", body={"members": ["x4", "victim", "admin2"]}
    )
    assert status == 403, payload
    assert payload["missing_scope"] in ("write:users!user=victim", "write:users!user=admin2")
    assert members_of(rbac, "class") == ["x4"]
    assert (await carol.patch(*USERS, "admin2", body={"display_name": "pwned"}))[0] in (403, 404)
    assert (await carol.delete(*USERS, "admin2"))[0] in (403, 404)
    assert rbac.store.user_exists("admin2")
    assert rbac.store.get_user("admin2").display_name != "pwned"


async def test_the_refusal_names_the_user_you_may_not_write(carol):
    status, payload = await carol.patch(*GROUPS, "class", body={"members": ["x4", "admin2"]})
    assert (status, payload["missing_scope"]) == (403, "write:users!user=admin2")
    assert "write:users!user=admin2" in payload["message"]


async def test_a_group_administrator_still_manages_whom_she_may_write(carol, rbac, make_user):
    make_user("pupil", groups=["class"])
    assert (await carol.patch(*GROUPS, "class", body={"members": ["pupil"]}))[0] == 200
    assert members_of(rbac, "class") == ["pupil"]
    # x4 left the group: carol no longer writes x4, so she cannot bring x4 back
    status, payload = await carol.patch(*GROUPS, "class", body={"members": ["pupil", "x4"]})
    assert (status, payload["missing_scope"]) == (403, "write:users!user=x4")


async def test_taking_someone_out_of_a_group_needs_write_access_to_them(rbac, make_user):
    # she sees x4 (a member hidden from her stays: tests/test_existence_leaks.py)
    rbac.store.create_role(
        "class-keeper",
        ["read:groups!group=class", "write:groups!group=class", "read:users!group=class"],
    )
    keeper = make_user("keeper", roles=["class-keeper"])
    make_user("x4", groups=["class"])
    status, payload = await keeper.patch(*GROUPS, "class", body={"members": []})
    assert (status, payload["missing_scope"]) == (403, "write:users!user=x4")
    assert members_of(rbac, "class") == ["x4"]


async def test_a_new_group_takes_only_members_you_may_write(rbac, make_user):
    rbac.store.create_role("grouper", ["write:groups", "read:groups", "write:users!group=class"])
    grouper = make_user("grouper", roles=["grouper"])
    make_user("admin2", roles=["admin"])
    status, payload = await grouper.post(*GROUPS, body={"name": "mine", "members": ["admin2"]})
    assert (status, payload["missing_scope"]) == (403, "write:users!user=admin2")
    assert not rbac.store.group_exists("mine")


async def test_giving_a_role_through_its_member_list_needs_write_access_to_the_user(erin, rbac):
    """F10: the users endpoint refuses it; the role's member list must refuse it too."""
    status, _ = await erin.patch(*USERS, "bob", body={"roles": ["home", "erinrole2"]})
    assert status == 403
    status, payload = await erin.patch(*ROLES, "erinrole2", body={"users": ["bob", "admin"]})
    assert (status, payload["missing_scope"]) == (403, "write:users!user=bob")
    assert rbac.store.get_role("erinrole2").users == []
    # a user she may write, she may give it to
    status, role = await erin.patch(*ROLES, "erinrole2", body={"users": ["ann"]})
    assert (status, role["users"]) == (200, ["ann"])


async def test_giving_a_role_to_a_group_through_its_member_list_needs_write_access_to_it(
    erin, rbac
):
    status, payload = await erin.patch(*ROLES, "erinrole2", body={"groups": ["analyst"]})
    assert (status, payload["missing_scope"]) == (403, "write:groups!group=analyst")
    assert rbac.store.get_role("erinrole2").groups == []


async def test_nobody_rewrites_the_role_everyone_holds_without_writing_everyone(erin, rbac):
    before = rbac.store.get_role("user")
    for method, body in [
        ("patch", {"scopes": ["read:lab!user={user}"]}),
        ("put", {"scopes": []}),
        ("patch", {"description": "mine"}),
        ("patch", {"users": ["ann"]}),
    ]:
        status, payload = await getattr(erin, method)(*ROLES, "user", body=body)
        # giving it to someone also gives its templated scopes, which erin holds on herself only
        refusals = ("write:users", "read:lab!user={user}") if "users" in body else ("write:users",)
        assert status == 403 and payload["missing_scope"] in refusals, (method, body, payload)
    after = rbac.store.get_role("user")
    assert (after.scopes, after.description) == (before.scopes, before.description)
    assert after.users == before.users


async def test_nobody_changes_strips_or_deletes_a_role_whose_scopes_they_lack(erin, rbac):
    for method, body in [
        ("put", {"scopes": ["read:contents!path=shared/**"]}),
        ("patch", {"description": "gone"}),
        ("patch", {"users": []}),
        ("delete", None),
    ]:
        status, payload = await getattr(erin, method)(*ROLES, "home", body=body)
        assert status == 403, (method, body, payload)
        assert payload["missing_scope"] in (HOME_SCOPES[0], "write:users!user=bob"), payload
    role = rbac.store.get_role("home")
    assert (role.scopes, role.users) == (HOME_SCOPES, ["bob"])


async def test_a_role_its_author_holds_stays_hers_to_change(erin, rbac):
    narrower = ["read:contents!path=shared/a/**"]
    status, role = await erin.patch(*ROLES, "erinrole2", body={"scopes": narrower})
    assert (status, role["scopes"]) == (200, narrower)
    assert (await erin.delete(*ROLES, "erinrole2"))[0] == 204


async def test_taking_a_role_through_the_users_endpoint_needs_every_scope_it_grants(
    rbac, make_user
):
    rbac.store.create_role("people", ["write:users", "read:users", "write:roles", "read:roles"])
    people = make_user("people", roles=["people"])
    make_user("admin2", roles=["admin"])
    status, payload = await people.patch(*USERS, "admin2", body={"roles": []})
    assert (status, payload["missing_scope"]) == (403, "all")
    assert "admin" in rbac.store.get_user("admin2").roles
    status, payload = await people.patch(*ROLES, "admin", body={"users": ["admin"]})
    assert (status, payload["missing_scope"]) == (403, "all")


async def test_full_administrators_are_unaffected(admin, carol, erin, rbac):
    status, group = await admin.patch(
        *GROUPS, "class", body={"members": ["x4", "victim", "admin2"]}
    )
    assert (status, sorted(group["members"])) == (200, ["admin2", "victim", "x4"])
    assert members_of(rbac, "class") == ["admin2", "victim", "x4"]
    status, role = await admin.patch(*ROLES, "erinrole2", body={"users": ["bob", "admin"]})
    assert (status, sorted(role["users"])) == (200, ["admin", "bob"])
    status, role = await admin.patch(*ROLES, "user", body={"description": "Everyone"})
    assert (status, role["description"]) == (200, "Everyone")
    status, role = await admin.put(*ROLES, "home", body={"scopes": ["read:contents"]})
    assert (status, role["scopes"]) == (200, ["read:contents"])
    assert (await admin.delete(*ROLES, "home"))[0] == 204
    assert (await admin.get(*ROLES, "home"))[0] == 404
    status, group = await admin.patch(*GROUPS, "class", body={"members": []})
    assert (status, group["members"]) == (200, [])
    assert members_of(rbac, "class") == []


# -- F3 of the second outside test: a role taken by another route than taking it ----------------

# pa administers users, groups and roles, but holds no `all` and none of the shipped Nebari roles.
PA_SCOPES = [
    "write:users",
    "read:users",
    "write:groups",
    "read:groups",
    "write:roles",
    "read:roles",
]
DEVELOPER_SCOPE = "write:contents!path=home/{user}/**"  # the first scope of analyst and developer


@pytest.fixture
def pa(rbac, make_user):
    rbac.store.create_role("padmin", PA_SCOPES)
    make_user("admin2", roles=["admin"])
    make_user("ga", groups=["admin"])
    make_user("dev1", groups=["developer"])
    make_user("run", groups=["analyst"])
    return make_user("pa", roles=["padmin"])


def refused_for_role(status: int, payload: dict, role: str, scope: str) -> bool:
    """The refusal of taking a role directly: it names the role and the scope the actor lacks."""
    return (
        status == 403
        and payload["missing_scope"] == scope
        and f"role {role!r} grants {scope!r}, which you do not hold yourself" in payload["message"]
    )


async def test_taking_a_role_directly_is_refused_to_a_partial_administrator(pa, rbac):
    """The refusal every other route must give as well."""
    status, payload = await pa.patch(*USERS, "admin2", body={"roles": []})
    assert refused_for_role(status, payload, "admin", "all"), payload
    status, payload = await pa.patch(*GROUPS, "analyst", body={"roles": []})
    assert refused_for_role(status, payload, "analyst", DEVELOPER_SCOPE), payload


async def test_deleting_an_administrator_needs_what_taking_admin_needs(pa, rbac):
    status, payload = await pa.delete(*USERS, "admin2")
    assert refused_for_role(status, payload, "admin", "all"), payload
    assert "admin" in rbac.store.get_user("admin2").roles


async def test_taking_someone_out_of_a_group_takes_its_roles(pa, rbac):
    for user, group, role in (("ga", "admin", "admin"), ("run", "analyst", "analyst")):
        status, payload = await pa.patch(*USERS, user, body={"groups": []})
        scope = "all" if role == "admin" else DEVELOPER_SCOPE
        assert refused_for_role(status, payload, role, scope), (user, payload)
        assert rbac.store.get_user(user).groups == [group]


async def test_the_groups_own_member_list_takes_its_roles_too(pa, rbac):
    status, payload = await pa.patch(*GROUPS, "admin", body={"members": []})
    assert refused_for_role(status, payload, "admin", "all"), payload
    status, payload = await pa.patch(*GROUPS, "analyst", body={"members": []})
    assert refused_for_role(status, payload, "analyst", DEVELOPER_SCOPE), payload
    assert "ga" in members_of(rbac, "admin")
    assert members_of(rbac, "analyst") == ["run"]


async def test_deleting_a_group_takes_its_roles(pa, rbac):
    status, payload = await pa.delete(*GROUPS, "developer")
    assert refused_for_role(status, payload, "developer", DEVELOPER_SCOPE), payload
    assert members_of(rbac, "developer") == ["dev1"]
    assert rbac.store.get_group("developer").roles == ["developer"]


async def test_what_takes_no_role_stays_allowed(pa, rbac, make_user):
    """Moves that take nothing pa could not give: no roles, roles pa holds, roles kept otherwise."""
    make_user("plain", groups=["club"])
    make_user("helper", roles=["padmin"], groups=["club"])
    make_user("twice", roles=["analyst"], groups=["analyst"])  # holds analyst directly as well
    assert (await pa.patch(*USERS, "twice", body={"groups": []}))[0] == 200
    assert rbac.store.get_user("twice").roles == ["analyst"]
    assert (await pa.patch(*GROUPS, "club", body={"members": ["helper"]}))[0] == 200
    assert (await pa.patch(*USERS, "helper", body={"groups": []}))[0] == 200
    assert (await pa.delete(*USERS, "helper"))[0] == 204
    assert (await pa.delete(*GROUPS, "club"))[0] == 204
    assert (await pa.delete(*USERS, "plain"))[0] == 204


async def test_an_administrator_still_takes_any_role_by_any_route(admin, pa, rbac):
    assert (await admin.patch(*USERS, "run", body={"groups": []}))[0] == 200
    members = [m for m in members_of(rbac, "admin") if m != "ga"]
    assert (await admin.patch(*GROUPS, "admin", body={"members": members}))[0] == 200
    assert (await admin.delete(*GROUPS, "developer"))[0] == 204
    assert (await admin.delete(*USERS, "admin2"))[0] == 204
    assert not rbac.store.user_exists("admin2")
