"""A real OpenID Connect issuer for tests, shaped like Keycloak, run as its own process on loopback.

    python tests/support/openid_issuer.py PORT CLIENT_ID CLIENT_SECRET

Serves discovery, JWKS (RSA keys generated at start), the authorization endpoint (approves at
once, as the user the test chose), the token endpoint (authorization_code with PKCE,
refresh_token, client_credentials) and Keycloak's admin list of a client's roles with their
attributes. The test steers it through `/test/*`: who signs in next, users' groups and client
roles, role attributes, key rotation, and minting tokens for bearer requests.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
import sys
import time
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from tornado import web

REALM = "nebari"
CLIENT_UUID = "0b6b8c84-jupyter-rbac"


class Issuer:
    def __init__(self, base: str, client_id: str, client_secret: str):
        self.base = base
        self.client_id = client_id
        self.client_secret = client_secret
        self.keys: list[tuple[str, rsa.RSAPrivateKey]] = []
        self.rotate()
        self.users: dict[str, dict] = {}  # name -> extra claims (groups, resource_access, ...)
        self.roles: list[dict] = []  # Keycloak role representations, attributes included
        self.next_user = ""
        self.codes: dict[str, dict] = {}
        self.refresh_tokens: dict[str, str] = {}  # refresh token -> user
        self.service_tokens: set[str] = set()
        self.access_token_lifetime = 300

    @property
    def issuer(self) -> str:
        return f"{self.base}/realms/{REALM}"

    def rotate(self) -> None:
        """A new signing key; the old one leaves the JWKS (tokens it signed stop verifying)."""
        self.keys = [
            (secrets.token_hex(8), rsa.generate_private_key(public_exponent=65537, key_size=2048))
        ]

    def jwks(self) -> dict:
        keys = []
        for kid, key in self.keys:
            data = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
            keys.append({**data, "kid": kid, "use": "sig", "alg": "RS256"})
        return {"keys": keys}

    def mint(self, username: str, **overrides) -> str:
        """An access token for `username`, as Keycloak makes them (overrides for bad tokens)."""
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": f"sub-{username}",
            "iat": now,
            "exp": now + self.access_token_lifetime,
            "preferred_username": username,
            "name": username.title(),
            "email": f"{username}@example.org",
            **self.users.get(username, {}),
            **overrides,
        }
        kid, key = self.keys[0]
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})

    def tokens_for(self, username: str) -> dict:
        refresh = secrets.token_urlsafe(24)
        self.refresh_tokens[refresh] = username
        return {
            "access_token": self.mint(username),
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": self.access_token_lifetime,
        }


class Base(web.RequestHandler):
    @property
    def issuer(self) -> Issuer:
        return self.settings["issuer"]

    def check_xsrf_cookie(self) -> None:
        pass

    def json(self) -> dict:
        return json.loads(self.request.body or b"{}")

    def refuse(self, status: int, error: str) -> None:
        self.set_status(status)
        self.finish({"error": error})


class Discovery(Base):
    def get(self) -> None:
        base = self.issuer.issuer
        self.finish(
            {
                "issuer": base,
                "authorization_endpoint": f"{base}/protocol/openid-connect/auth",
                "token_endpoint": f"{base}/protocol/openid-connect/token",
                "jwks_uri": f"{base}/protocol/openid-connect/certs",
            }
        )


class Keys(Base):
    def get(self) -> None:
        self.settings["counters"]["jwks"] += 1
        self.finish(self.issuer.jwks())


class Authorize(Base):
    def get(self) -> None:
        """Approve at once, as the user the test chose; the code remembers the PKCE challenge."""
        issuer = self.issuer
        if self.get_argument("client_id") != issuer.client_id:
            return self.refuse(400, "unauthorized_client")
        code = secrets.token_urlsafe(16)
        issuer.codes[code] = {
            "user": issuer.next_user,
            "redirect_uri": self.get_argument("redirect_uri"),
            "challenge": self.get_argument("code_challenge"),
        }
        query = urlencode({"code": code, "state": self.get_argument("state")})
        self.redirect(f"{self.get_argument('redirect_uri')}?{query}")


class Token(Base):
    def post(self) -> None:
        issuer = self.issuer
        if (self.get_argument("client_id"), self.get_argument("client_secret", "")) != (
            issuer.client_id,
            issuer.client_secret,
        ):
            return self.refuse(401, "invalid_client")
        grant = self.get_argument("grant_type")
        if grant == "authorization_code":
            found = issuer.codes.pop(self.get_argument("code"), None)
            verifier = self.get_argument("code_verifier", "")
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                .rstrip(b"=")
                .decode()
            )
            if (
                not found
                or found["redirect_uri"] != self.get_argument("redirect_uri")
                or challenge != found["challenge"]
            ):
                return self.refuse(400, "invalid_grant")
            return self.finish(issuer.tokens_for(found["user"]))
        if grant == "refresh_token":
            user = issuer.refresh_tokens.pop(self.get_argument("refresh_token"), None)
            if user is None:
                return self.refuse(400, "invalid_grant")
            self.settings["counters"]["refresh"] += 1
            return self.finish(issuer.tokens_for(user))
        if grant == "client_credentials":
            token = secrets.token_urlsafe(24)
            issuer.service_tokens.add(token)
            return self.finish({"access_token": token, "token_type": "Bearer", "expires_in": 60})
        self.refuse(400, "unsupported_grant_type")


class ClientRoles(Base):
    """Keycloak's GET /admin/realms/{realm}/clients/{id}/roles?briefRepresentation=false."""

    def get(self) -> None:
        token = self.request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.issuer.service_tokens:
            return self.refuse(401, "unauthorized")
        self.settings["counters"]["roles"] += 1
        self.finish(json.dumps(self.issuer.roles))


class Steer(Base):
    """The test's controls."""

    def post(self, what: str) -> None:
        issuer, body = self.issuer, self.json()
        if what == "user":
            issuer.users[body["name"]] = body.get("claims", {})
        elif what == "next-user":
            issuer.next_user = body["name"]
        elif what == "roles":
            issuer.roles = body["roles"]
        elif what == "rotate":
            issuer.rotate()
        elif what == "forget-sessions":
            issuer.refresh_tokens.clear()
        elif what == "lifetime":
            issuer.access_token_lifetime = body["seconds"]
        elif what == "mint":
            return self.finish({"token": issuer.mint(body["name"], **body.get("claims", {}))})
        else:
            raise web.HTTPError(404)
        self.finish({})

    def get(self, what: str) -> None:
        if what != "counters":
            raise web.HTTPError(404)
        self.finish(self.settings["counters"])


async def main(port: int, client_id: str, client_secret: str) -> None:
    issuer = Issuer(f"http://127.0.0.1:{port}", client_id, client_secret)
    realm = f"/realms/{REALM}"
    app = web.Application(
        [
            (rf"{realm}/\.well-known/openid-configuration", Discovery),
            (rf"{realm}/protocol/openid-connect/certs", Keys),
            (rf"{realm}/protocol/openid-connect/auth", Authorize),
            (rf"{realm}/protocol/openid-connect/token", Token),
            (rf"/admin{realm}/clients/{CLIENT_UUID}/roles", ClientRoles),
            (r"/test/([a-z-]+)", Steer),
        ],
        issuer=issuer,
        counters={"jwks": 0, "refresh": 0, "roles": 0},
    )
    app.listen(port, address="127.0.0.1")
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3]))
