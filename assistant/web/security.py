"""Who may use the web door, from where, and with which role.

- Bound to the loopback address (the default), the server is in *local mode*: only this computer can reach it, so
  asking (and everything else a ``staff`` user may do) needs no sign-in. Changing the documents still needs a
  signed-in policy officer. Requests must name a loopback host, which stops other web sites reaching it through
  DNS rebinding.
- Bound to any other address, everything but ``/api/health`` and the sign-in page needs sign-in, and the server
  refuses to start without ``settings.api_token`` (it also signs the session cookies).
- People sign in on ``/signin`` with a username and password from the users table (``partnership users add``) and
  get a signed, expiring, HttpOnly, SameSite=Strict session cookie carrying their username and role (the role is
  checked against the users table on every request, so disabling a user ends their sessions). Tools send
  ``Authorization: Bearer <token>`` and act with ``settings.api_token_role`` (admin by default). Behind a single
  sign-on reverse proxy, ``settings.trusted_user_header`` names the user when the request comes from one of
  ``settings.trusted_proxy_ips``.
- Roles rank staff < policy_officer < admin (``assistant.users``): ``require_access`` lets any signed-in user (or
  anyone in local mode) through; ``require_policy_officer`` guards uploads, replacements and removals.
- In both modes a POST, PUT or DELETE sent by another web site (a cross-site ``Origin`` or ``Sec-Fetch-Site``) is
  refused, which is the CSRF protection for the forms and the API alike.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Depends, Request, Response, Security
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from assistant.errors import AccessDeniedError, ConfigError, SignInRequiredError
from assistant.settings import Settings
from assistant.users import ROLE_RANK, UserStore, has_role

SESSION_COOKIE = "partnership_session"
MIN_TOKEN_CHARS = 16
PUBLIC_PATHS = frozenset({"/api/health", "/signin"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Requests that prove themselves with a signature (Slack's), so they may arrive through a tunnel in local mode.
SIGNED_PATHS = ("/slack/",)

bearer = HTTPBearer(auto_error=False, scheme_name="AccessToken",
                    description="PARTNERSHIP_API_TOKEN. Needed only when the server is bound to an address other "
                                "than 127.0.0.1 (in local mode no sign-in is needed).")


def is_loopback(host: str) -> bool:
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Principal:
    """Who is making a request: ``via`` is password, token, proxy, or local (nobody signed in, local mode)."""

    username: str
    role: str
    via: str

    @property
    def signed_in(self) -> bool:
        return self.via != "local"

    def may(self, role: str) -> bool:
        return has_role(self.role, role)


ANONYMOUS_LOCAL = Principal(username="", role="staff", via="local")
TOKEN_USER = "api-token"


@dataclass(frozen=True)
class Access:
    sign_in_required: bool
    token: str = ""
    secret: str = ""
    session_seconds: int = 12 * 3600
    secure_cookie: bool = False
    token_role: str = "admin"
    trusted_header: str = ""
    trusted_proxies: frozenset[str] = frozenset()

    @classmethod
    def for_binding(cls, settings: Settings, host: str) -> Access:
        """Local mode on loopback; anywhere else sign-in, and a refusal to start without a usable token."""
        token = settings.api_token.strip()
        if settings.api_token_role not in ROLE_RANK:
            raise ConfigError(f"PARTNERSHIP_API_TOKEN_ROLE must be one of: {', '.join(ROLE_RANK)}.")
        common = {"session_seconds": int(settings.session_hours * 3600), "token_role": settings.api_token_role,
                  "trusted_header": settings.trusted_user_header.strip(),
                  "trusted_proxies": frozenset(ip.strip() for ip in settings.trusted_proxy_ips if ip.strip()),
                  "secure_cookie": settings.public_base_url.startswith("https://")}
        if is_loopback(host):
            usable = token if len(token) >= MIN_TOKEN_CHARS else ""
            # Without a token, sessions are signed with a secret of this process (sign in again after a restart).
            return cls(sign_in_required=False, token=usable, secret=usable or secrets.token_hex(32),
                       **common)  # type: ignore[arg-type]
        if not token:
            raise ConfigError(f"Serving on {host} (not this computer only) needs sign-in: set PARTNERSHIP_API_TOKEN "
                              "to a long random secret, or serve on 127.0.0.1 for local mode.")
        if len(token) < MIN_TOKEN_CHARS:
            raise ConfigError(f"PARTNERSHIP_API_TOKEN is too short: use at least {MIN_TOKEN_CHARS} random characters.")
        return cls(sign_in_required=True, token=token, secret=token, **common)  # type: ignore[arg-type]

    def token_ok(self, candidate: str) -> bool:
        return bool(self.token) and hmac.compare_digest(candidate.encode(), self.token.encode())

    def new_session(self, username: str = TOKEN_USER, role: str = "", now: float | None = None) -> str:
        """A signed cookie value: base64 of {user, role, expiry}, a dot, and its HMAC."""
        expires = int((now if now is not None else time.time()) + self.session_seconds)
        payload = json.dumps({"u": username, "r": role or self.token_role, "e": expires}, separators=(",", ":"))
        body = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
        return f"{body}.{self._sign(body)}"

    def session(self, value: str, now: float | None = None) -> tuple[str, str] | None:
        """(username, role) of a valid, unexpired session cookie; None otherwise."""
        body, _, signature = value.partition(".")
        if not body or not hmac.compare_digest(signature, self._sign(body)):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            username, role, expires = str(data["u"]), str(data["r"]), int(data["e"])
        except (ValueError, KeyError, TypeError):
            return None
        return (username, role) if expires > (now if now is not None else time.time()) else None

    def session_ok(self, value: str, now: float | None = None) -> bool:
        return self.session(value, now) is not None

    def principal(self, request: Request) -> Principal | None:
        """The signed-in user of this request (token, proxy header or session cookie), or None."""
        users: UserStore = request.app.state.assistant.users
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and self.token_ok(credentials.strip()):
            return Principal(TOKEN_USER, self.token_role, "token")
        if self.trusted_header and request.client is not None and request.client.host in self.trusted_proxies:
            name = request.headers.get(self.trusted_header, "").strip()
            if name and (user := users.get(name)) is not None:
                return Principal(user.username, user.role, "proxy")
        cookie = request.cookies.get(SESSION_COOKIE, "")
        session = self.session(cookie) if cookie else None
        if session is None:
            return None
        username, role = session
        if username == TOKEN_USER:
            return Principal(TOKEN_USER, role, "token")
        user = users.get(username)  # disabled or deleted users are signed out; the table's role is the one used
        return Principal(user.username, user.role, "password") if user is not None else None

    def authenticated(self, request: Request) -> bool:
        return not self.sign_in_required or self.principal(request) is not None

    def _sign(self, message: str) -> str:
        return hmac.new(self.secret.encode(), f"session:{message}".encode(), hashlib.sha256).hexdigest()


def require_access(request: Request,
                   _credentials: HTTPAuthorizationCredentials | None = Security(bearer)) -> Principal:  # noqa: B008
    """Dependency on every route but health and sign-in: the caller (anonymous staff in local mode). The error
    handler turns a 401 into a sign-in redirect for pages."""
    access: Access = request.app.state.access
    principal = access.principal(request)
    if principal is None:
        if access.sign_in_required:
            raise SignInRequiredError("Sign in first: send 'Authorization: Bearer <token>', or sign in on /signin.")
        principal = ANONYMOUS_LOCAL
    request.state.principal = principal
    return principal


def require_policy_officer(principal: Principal = Depends(require_access)) -> Principal:  # noqa: B008
    """Dependency on uploading, replacing and removing documents: a policy officer or an admin."""
    if principal.may("policy_officer"):
        return principal
    if not principal.signed_in:
        raise SignInRequiredError("Sign in as a policy officer to upload, replace or remove documents.")
    raise AccessDeniedError("Only policy officers can upload, replace or remove documents: you are signed in as "
                            f"{principal.username} ({principal.role.replace('_', ' ')}).")


def guard(access: Access, max_body_bytes: int) -> Callable[[Request, Callable[[Request], Awaitable[Response]]],
                                                            Awaitable[Response]]:
    """HTTP middleware: loopback Host in local mode, same-origin writes, and a cap on request bodies."""

    async def middleware(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        host = request.headers.get("host", "")
        if (not access.sign_in_required and not request.url.path.startswith(SIGNED_PATHS)
                and not is_loopback(urlsplit(f"//{host}").hostname or "")):
            return _refuse(400, "This local-mode server answers only on 127.0.0.1 or localhost.")
        if request.method in UNSAFE_METHODS:
            origin = request.headers.get("origin")
            if request.headers.get("sec-fetch-site") == "cross-site" or (
                    origin is not None and urlsplit(origin).netloc != host):
                return _refuse(403, "Requests from other web sites are refused.")
            length = request.headers.get("content-length", "")
            if length.isdigit() and int(length) > max_body_bytes:
                return _refuse(413, f"The upload is too large: the limit is {max_body_bytes / 1_000_000:g} MB "
                                    "per request. Upload fewer files at a time.")
        return await call_next(request)

    return middleware


def _refuse(status: int, message: str) -> Response:
    return JSONResponse(status_code=status, content={"error": message})
