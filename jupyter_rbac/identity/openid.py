"""OpenID Connect identities (Keycloak, as Nebari runs it): bearer JWTs and the browser login flow.

Who the user is, their groups and their roles come from the issuer's signed access token:
- `preferred_username`, `name`, `email`, `picture` make the Jupyter user;
- the `groups` claim gives groups (Keycloak paths: `/developer` is `developer`, `/org/team` is
  `team`); roles our policy gives those groups apply;
- Keycloak client roles (`resource_access.<client_id>.roles`) are roles of ours of the same name;
- a client role whose attribute `component` is `jupyter-rbac` carries scopes in its attribute
  `scopes` (comma-separated), read from Keycloak's admin API. Each bad scope is logged and
  skipped alone.
Everything is read again with every new token, so a change in Keycloak applies at the user's
next token (a browser session refreshes its token when it expires).

A browser session is jupyter_server's signed cookie holding what the token said plus the refresh
token (HttpOnly: only this server reads it), the user's session epoch in our store and the random
key of their record there (store/record_keys.py): "sign out everywhere" moves the epoch on, and
deleting the user ends the record, which ends the cookie and the websockets opened with it (a
user made again by that name has another key). No other server-side state: several servers
behind one proxy share sessions through their common cookie secret.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import typing as t
from urllib.parse import urlencode

import jwt
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from traitlets import Bool, Float, List, Unicode, default

from ..model import ScopeError
from ..policy import ExternalGrants
from ..store import RecordKeys
from .base import ExternalUser, PolicyBackedIdentity, color_of, initials_of

if t.TYPE_CHECKING:
    from ..config import RBAC
    from ..policy import Policy
    from ..services import RBACService

CALLBACK = "/rbac/oidc/callback"
STATE_COOKIE = "rbac-oidc-state"


class OIDCError(Exception):
    """A token or an answer of the issuer we cannot accept (the request is unauthenticated)."""


class OIDCIdentityProvider(PolicyBackedIdentity, IdentityProvider):
    """Users from an OpenID Connect issuer; groups, roles and scopes from its tokens."""

    issuer = Unicode(
        config=True, help="The issuer URL, e.g. https://keycloak.example.org/realms/nebari"
    )
    client_id = Unicode(config=True, help="This server's client id at the issuer.")
    client_secret = Unicode(config=True, help="This server's client secret (confidential client).")
    audience = Unicode(
        config=True, help="The `aud` an access token must carry (default: client_id)."
    )
    scope = List(
        Unicode(), ["openid", "profile", "email"], config=True, help="Scopes asked at login."
    )
    username_claim = Unicode("preferred_username", config=True, help="The claim naming the user.")
    groups_claim = Unicode("groups", config=True, help="The claim listing the user's groups.")
    client_roles = Bool(
        True,
        config=True,
        help="Map Keycloak client roles (resource_access.<client_id>.roles) to our roles.",
    )
    role_component = Unicode(
        "jupyter-rbac",
        config=True,
        help="A client role whose attribute `component` has this value carries scopes in `scopes`.",
    )
    roles_url = Unicode(
        "",
        config=True,
        help="""Keycloak's admin API listing the client's roles with their attributes, e.g.
        https://kc/admin/realms/nebari/clients/<client uuid>/roles?briefRepresentation=false.
        Read with a client-credentials token of this client (its service account needs
        `view-clients`). Empty: role attributes are not read.""",
    )
    leeway = Float(
        30.0, config=True, help="Seconds of clock difference tolerated on exp, nbf, iat."
    )
    jwks_min_refresh = Float(
        30.0, config=True, help="Least seconds between two reads of the JWKS for an unknown key id."
    )
    http_timeout = Float(10.0, config=True, help="Seconds to wait for the issuer.")

    @default("audience")
    def _audience_default(self) -> str:
        return self.client_id

    @default("token")
    def _token_default(self) -> str:
        return ""  # no shared server token: people come from the issuer

    @default("login_handler_class")
    def _login_handler_default(self):
        return OIDCLoginHandler

    @default("updatable_fields")
    def _updatable_default(self) -> list:
        return []  # the issuer owns the profile

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._metadata: dict | None = None
        self._keys: dict[str, jwt.PyJWK] = {}
        self._keys_read_at = 0.0
        self._role_scopes: dict[str, tuple[str, ...]] = {}
        self._role_scopes_read_at = 0.0
        self._reported: set[tuple[str, str]] = set()

    @property
    def auth_enabled(self) -> bool:
        return True

    @property
    def login_available(self) -> bool:
        return True

    def get_handlers(self) -> list:
        return [*super().get_handlers(), (CALLBACK, OIDCCallbackHandler)]

    def attach_policy(self, policy: Policy, service: RBACService, rbac: RBAC) -> None:
        super().attach_policy(policy, service, rbac)
        self._record_keys = RecordKeys(policy.store)

    # -- requests ------------------------------------------------------------------------------

    async def get_user(self, handler: web.RequestHandler) -> User | None:  # type: ignore[override]
        if getattr(handler, "_jupyter_current_user", None):
            return handler._jupyter_current_user  # type: ignore[attr-defined]
        bearer = _bearer_token(handler)
        if bearer:
            try:
                session = await self.session_from_token(bearer)
            except OIDCError as error:
                self.log.warning("OIDC: refused a bearer token: %s", error)
                return None
            handler._token_authenticated = True  # type: ignore[attr-defined]  # no XSRF for scripts
            return self.user_from_session(session)
        return await self._user_from_cookie(handler)

    async def _user_from_cookie(self, handler: web.RequestHandler) -> User | None:
        raw = handler.get_secure_cookie(
            self.get_cookie_name(handler), **self.get_secure_cookie_kwargs
        )
        if not raw:
            return None
        try:
            session = json.loads(raw)
        except ValueError:
            return None
        made_for = (session.get("e", 0), session.get("k"))
        if not self._session_holds(session.get("u"), made_for):
            self.clear_login_cookie(handler)  # signed out everywhere, or deleted, since it was made
            return None
        if session.get("exp", 0) <= time.time():
            # The token behind this session expired: a fresh one, with fresh groups and roles.
            try:
                tokens = await self.token_request(
                    {"grant_type": "refresh_token", "refresh_token": session.get("rt", "")}
                )
                session = await self.session_from_token(
                    tokens["access_token"], tokens.get("refresh_token")
                )
            except (OIDCError, KeyError) as error:
                self.log.info("OIDC: the session of %s ended: %s", session.get("u"), error)
                self.clear_login_cookie(handler)
                return None
            self._set_session_cookie(handler, session)
        user = self.user_from_session(session)
        # a websocket opened with this session asks `session_still_valid` at every message
        user.rbac_session = made_for  # type: ignore[attr-defined]
        return user

    def session_still_valid(self, user: User) -> bool:
        """For a long-lived connection: does the browser session it was opened with still hold
        (not signed out everywhere, not deleted since)? Connections opened with a bearer token
        answer True."""
        made_for = getattr(user, "rbac_session", None)
        return made_for is None or self._session_holds(user.username, made_for)

    def _session_holds(self, username: object, made_for: tuple[object, object]) -> bool:
        """The session (epoch, record key) the cookie was made with is the user's in our store
        now. With no record of them there (a name our store cannot hold: the issuer, not our
        store, says who they are) that is (0, None)."""
        return isinstance(username, str) and made_for == self._session_of(username)

    def _session_of(self, username: str) -> tuple[int, str | None]:
        """The user's (session epoch, record key) in our store, read once per policy version."""
        if self.policy is None:
            return 0, None
        record = self.policy.user(username)
        return (record.session_epoch if record else 0), self._record_keys.of(
            username, self.policy.version
        )

    # -- what a token says ---------------------------------------------------------------------

    async def session_from_token(self, token: str, refresh_token: str | None = None) -> dict:
        """Verify an access token; the session it makes (who, groups, roles, scopes, expiry)."""
        claims = await self.verify(token)
        username = claims.get(self.username_claim)
        if not isinstance(username, str) or not username:
            raise OIDCError(f"the token has no {self.username_claim!r}")
        roles = self._client_roles(claims)
        session = {
            "u": username,
            "n": claims.get("name") or username,
            "p": claims.get("picture") or None,
            "g": sorted(_group_names(claims.get(self.groups_claim))),
            "r": sorted(roles),
            "s": sorted(await self._scopes_of_roles(roles, claims.get("iat", 0))),
            "exp": claims.get("exp", 0),
        }
        if refresh_token:
            session["rt"] = refresh_token
        self.remember_user(username, session["n"], source="oidc")
        return session

    def user_from_session(self, session: dict) -> User:
        name = session["n"]
        return ExternalUser(
            username=session["u"],
            name=name,
            display_name=name,
            initials=initials_of(name),
            avatar_url=session.get("p"),
            color=color_of(session["u"]),
            external=ExternalGrants(
                "oidc", frozenset(session["g"]), frozenset(session["r"]), frozenset(session["s"])
            ),
        )

    async def verify(self, token: str) -> dict:
        """The claims of a token signed by the issuer for us, unexpired; else OIDCError."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise OIDCError(f"not a JWT: {error}") from error
        key = await self._key(header.get("kid"))
        try:
            return jwt.decode(
                token,
                key.key,
                algorithms=[key.algorithm_name],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "iss", "aud"]},
            )
        except jwt.InvalidTokenError as error:
            raise OIDCError(str(error)) from error

    def _client_roles(self, claims: dict) -> set[str]:
        if not self.client_roles:
            return set()
        access = claims.get("resource_access")
        roles = access.get(self.client_id, {}).get("roles", []) if isinstance(access, dict) else []
        return {role for role in roles if isinstance(role, str)}

    async def _scopes_of_roles(self, roles: set[str], issued_at: float) -> set[str]:
        """Scopes the token's client roles carry in their attributes (Nebari's convention)."""
        if not self.roles_url or not roles:
            return set()
        if self._role_scopes_read_at < issued_at + 1:
            # Not read since this token was issued (`iat` counts whole seconds): Keycloak may
            # have changed since, and the token must bring the change.
            await self._read_role_attributes()
        return {scope for role in roles for scope in self._role_scopes.get(role, ())}

    async def _read_role_attributes(self) -> None:
        read_at = time.time()
        service = await self.token_request({"grant_type": "client_credentials"})
        answer = await self._fetch(
            self.roles_url, headers={"Authorization": f"Bearer {service['access_token']}"}
        )
        scopes: dict[str, tuple[str, ...]] = {}
        for role in answer if isinstance(answer, list) else []:
            attributes = role.get("attributes") or {}
            if self.role_component not in attributes.get("component", []):
                continue
            scopes[role["name"]] = tuple(
                self._valid_scopes(role["name"], attributes.get("scopes", []))
            )
        self._role_scopes = scopes
        self._role_scopes_read_at = read_at

    def _valid_scopes(self, role: str, values: list[str]) -> list[str]:
        valid = []
        for value in values:
            for text in (part.strip() for part in str(value).split(",")):
                if not text:
                    continue
                try:
                    self.policy.catalog.parse(text)
                except ScopeError as error:
                    if (role, text) not in self._reported:
                        self._reported.add((role, text))
                        self.log.warning(
                            "OIDC: role %r: skipped the scope %r: %s", role, text, error
                        )
                    continue
                valid.append(text)
        return valid

    # -- talking to the issuer -----------------------------------------------------------------

    async def metadata(self) -> dict:
        if self._metadata is None:
            url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
            metadata = await self._fetch(url)
            if metadata.get("issuer") != self.issuer:
                raise OIDCError(f"the discovery document names issuer {metadata.get('issuer')!r}")
            self._metadata = metadata
        return self._metadata

    async def _key(self, kid: str | None) -> jwt.PyJWK:
        if kid not in self._keys and time.monotonic() - self._keys_read_at >= self.jwks_min_refresh:
            # An unknown key: the issuer may have rotated its keys. Read them again (not too often).
            self._keys_read_at = time.monotonic()
            jwks = await self._fetch((await self.metadata())["jwks_uri"])
            keys = {}
            for data in jwks.get("keys", []):
                try:
                    keys[data.get("kid")] = jwt.PyJWK(data)
                except jwt.PyJWKError:
                    continue  # a key type we do not use
            self._keys = keys
        key = self._keys.get(kid)
        if key is None:
            raise OIDCError(f"no key {kid!r} in the issuer's JWKS")
        return key

    async def token_request(self, fields: dict) -> dict:
        """POST to the issuer's token endpoint as this client."""
        endpoint = (await self.metadata())["token_endpoint"]
        body = urlencode(
            {**fields, "client_id": self.client_id, "client_secret": self.client_secret}
        )
        return await self._fetch(endpoint, method="POST", body=body)

    async def _fetch(
        self, url: str, method: str = "GET", body: str | None = None, headers=None
    ) -> t.Any:
        request = HTTPRequest(
            url,
            method=method,
            body=body,
            headers={"Accept": "application/json", **(headers or {})},
            request_timeout=self.http_timeout,
        )
        try:
            response = await AsyncHTTPClient().fetch(request)
        except HTTPClientError as error:
            raise OIDCError(f"{method} {url}: {error.code}") from error
        except OSError as error:
            raise OIDCError(f"{method} {url}: {error}") from error
        try:
            return json.loads(response.body)
        except ValueError as error:
            raise OIDCError(f"{method} {url}: not JSON") from error

    # -- cookies -------------------------------------------------------------------------------

    def _set_session_cookie(self, handler: web.RequestHandler, session: dict) -> None:
        # the user's session epoch and record key: "sign out everywhere" and deleting the user
        # end this cookie
        if self.policy is not None:
            self.policy.refresh()  # the user `remember_user` may just have made
        epoch, key = self._session_of(session["u"])
        session = {**session, "e": epoch, "k": key}
        options = {"httponly": True, "path": handler.base_url, **self.cookie_options}  # type: ignore[attr-defined]
        if self.secure_cookie or (
            self.secure_cookie is None and handler.request.protocol == "https"
        ):
            options.setdefault("secure", True)
        handler.set_secure_cookie(self.get_cookie_name(handler), json.dumps(session), **options)

    def process_login_form(self, handler: web.RequestHandler) -> User | None:
        raise NotImplementedError("users sign in at the OIDC issuer (OIDCLoginHandler)")


class OIDCLoginHandler(JupyterHandler):
    """`/login`: off to the issuer, with a state and a PKCE challenge kept in a signed cookie."""

    @allow_unauthenticated
    async def get(self) -> None:
        provider: OIDCIdentityProvider = self.identity_provider  # type: ignore[assignment]
        try:
            endpoint = (await provider.metadata())["authorization_endpoint"]
        except (OIDCError, KeyError) as error:
            self.log.error("OIDC: cannot reach the issuer: %s", error)
            raise web.HTTPError(
                502, "The sign-in service cannot be reached; try again later."
            ) from error
        state, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(48)
        next_url = self.get_argument("next", default=self.base_url)
        self.set_secure_cookie(
            STATE_COOKIE,
            json.dumps({"state": state, "verifier": verifier, "next": next_url}),
            expires_days=None,
            httponly=True,
            path=self.base_url,
            samesite="Lax",  # sent back with the issuer's top-level redirect to the callback
        )
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        query = urlencode(
            {
                "response_type": "code",
                "client_id": provider.client_id,
                "redirect_uri": _redirect_uri(self),
                "scope": " ".join(provider.scope),
                "state": state,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        self.redirect(f"{endpoint}?{query}")


class OIDCCallbackHandler(JupyterHandler):
    """The issuer sends the browser back here with a code: exchange it, verify, sign in."""

    @allow_unauthenticated
    async def get(self) -> None:
        provider: OIDCIdentityProvider = self.identity_provider  # type: ignore[assignment]
        raw = self.get_secure_cookie(STATE_COOKIE, max_age_days=1)
        self.clear_cookie(STATE_COOKIE, path=self.base_url)
        try:
            expected = json.loads(raw) if raw else None
        except ValueError:
            expected = None
        if self.get_argument("error", ""):
            raise web.HTTPError(403, f"The sign-in was refused: {self.get_argument('error')}")
        if not expected or not secrets.compare_digest(
            self.get_argument("state", ""), expected["state"]
        ):
            raise web.HTTPError(
                400, "This sign-in link is stale or was not started here; sign in again."
            )
        code = self.get_argument("code", "")
        if not code:
            raise web.HTTPError(400, "The issuer sent no code; sign in again.")
        try:
            tokens = await provider.token_request(
                {
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": _redirect_uri(self),
                    "code_verifier": expected["verifier"],
                }
            )
            session = await provider.session_from_token(
                tokens["access_token"], tokens.get("refresh_token")
            )
        except (OIDCError, KeyError) as error:
            self.log.warning("OIDC: a sign-in failed: %s", error)
            raise web.HTTPError(403, "The sign-in could not be verified; sign in again.") from error
        provider._set_session_cookie(self, session)
        self.log.info("OIDC: %s signed in", session["u"])
        self._redirect_within(expected.get("next") or self.base_url)

    def _redirect_within(self, url: str) -> None:
        # Only paths of this server: the `next` of a login must not send anyone elsewhere.
        if not url.startswith(self.base_url) or url.startswith("//") or "\\" in url:
            url = self.base_url
        self.redirect(url)


def _redirect_uri(handler: web.RequestHandler) -> str:
    return f"{handler.request.protocol}://{handler.request.host}{url_path_join(handler.base_url, CALLBACK)}"  # type: ignore[attr-defined]


def _bearer_token(handler: web.RequestHandler) -> str | None:
    header = handler.request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _group_names(claim: object) -> set[str]:
    """Keycloak group paths (`/developer`, `/org/team`) as group names (`developer`, `team`)."""
    if not isinstance(claim, list):
        return set()
    names = set()
    for value in claim:
        if isinstance(value, str):
            name = value.rstrip("/").rsplit("/", 1)[-1]
            if name:
                names.add(name)
    return names
