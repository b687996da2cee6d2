"""Who may use the web door, and from where.

- Bound to the loopback address (the default), the server is in *local mode*: only this computer can reach it, so
  there is no sign-in. Requests must name a loopback host, which stops other web sites reaching it through DNS
  rebinding.
- Bound to any other address, everything but ``/api/health`` and the sign-in page needs the access token from
  ``settings.api_token``: tools send ``Authorization: Bearer <token>``, people sign in once on ``/signin`` and get
  a signed, expiring, HttpOnly, SameSite=Strict session cookie. The server refuses to start without a token.
- In both modes a POST, PUT or DELETE sent by another web site (a cross-site ``Origin`` or ``Sec-Fetch-Site``) is
  refused, which is the CSRF protection for the forms and the API alike.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Request, Response, Security
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from assistant.errors import ConfigError, SignInRequiredError
from assistant.settings import Settings

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
class Access:
    sign_in_required: bool
    token: str = ""
    session_seconds: int = 12 * 3600
    secure_cookie: bool = False

    @classmethod
    def for_binding(cls, settings: Settings, host: str) -> Access:
        """Local mode on loopback; anywhere else sign-in, and a refusal to start without a usable token."""
        if is_loopback(host):
            return cls(sign_in_required=False)
        token = settings.api_token.strip()
        if not token:
            raise ConfigError(f"Serving on {host} (not this computer only) needs sign-in: set PARTNERSHIP_API_TOKEN "
                              "to a long random secret, or serve on 127.0.0.1 for local mode.")
        if len(token) < MIN_TOKEN_CHARS:
            raise ConfigError(f"PARTNERSHIP_API_TOKEN is too short: use at least {MIN_TOKEN_CHARS} random characters.")
        return cls(sign_in_required=True, token=token, session_seconds=int(settings.session_hours * 3600),
                   secure_cookie=settings.public_base_url.startswith("https://"))

    def token_ok(self, candidate: str) -> bool:
        return bool(self.token) and hmac.compare_digest(candidate.encode(), self.token.encode())

    def new_session(self, now: float | None = None) -> str:
        expires = int((now if now is not None else time.time()) + self.session_seconds)
        return f"{expires}.{self._sign(str(expires))}"

    def session_ok(self, value: str, now: float | None = None) -> bool:
        expires, _, signature = value.partition(".")
        if not expires.isdigit() or not hmac.compare_digest(signature, self._sign(expires)):
            return False
        return int(expires) > (now if now is not None else time.time())

    def authenticated(self, request: Request) -> bool:
        if not self.sign_in_required:
            return True
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and self.token_ok(credentials.strip()):
            return True
        cookie = request.cookies.get(SESSION_COOKIE, "")
        return bool(cookie) and self.session_ok(cookie)

    def _sign(self, message: str) -> str:
        return hmac.new(self.token.encode(), f"session:{message}".encode(), hashlib.sha256).hexdigest()


def require_access(request: Request,
                   _credentials: HTTPAuthorizationCredentials | None = Security(bearer)) -> None:  # noqa: B008
    """Dependency on every route but health and sign-in; the error handler turns a 401 into a sign-in redirect
    for pages."""
    access: Access = request.app.state.access
    if not access.authenticated(request):
        raise SignInRequiredError("Sign in first: send 'Authorization: Bearer <token>', or sign in on /signin.")


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
