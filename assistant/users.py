"""People who may sign in to the web door, with their role, in the application database.

Passwords are kept only as an scrypt hash with a random salt (stdlib ``hashlib.scrypt``) and compared in constant
time. Roles rank ``staff`` < ``policy_officer`` < ``admin``: staff ask, give feedback, find referral routes and
route escalations; policy officers also upload, replace and remove documents and release quarantined ones; admins
may do everything. Users are created with ``partnership users add``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, String, select
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from assistant.db import Base
from assistant.errors import BadRequestError, NotFoundError

ROLES: tuple[str, ...] = ("staff", "policy_officer", "admin")
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD_CHARS = 10
# scrypt cost: n=2**14, r=8, p=1 (about 16 MB and a few tens of milliseconds per check).
_N, _R, _P, _DKLEN = 2**14, 8, 1, 32


class UserRow(Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)  # unique by being the key
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


@dataclass(frozen=True)
class User:
    username: str
    role: str
    created_at: datetime
    disabled: bool

    def may(self, role: str) -> bool:
        """Whether this user has ``role`` or a higher one."""
        return has_role(self.role, role)


def has_role(held: str, needed: str) -> bool:
    return ROLE_RANK.get(held, -1) >= ROLE_RANK[needed]


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                                   dklen=len(digest) // 2)
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


_DUMMY_HASH = hash_password(secrets.token_hex(8))  # checked for unknown names, so timing does not tell them apart


class UserStore:
    def __init__(self, sessions: sessionmaker) -> None:  # type: ignore[type-arg]
        self._sessions = sessions

    def add(self, username: str, password: str, role: str) -> User:
        if not USERNAME.match(username):
            raise BadRequestError("A username is 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a "
                                  "letter or digit.")
        if role not in ROLE_RANK:
            raise BadRequestError(f"The role must be one of: {', '.join(ROLES)}.")
        if len(password) < MIN_PASSWORD_CHARS:
            raise BadRequestError(f"The password is too short: use at least {MIN_PASSWORD_CHARS} characters.")
        with self._sessions() as s, s.begin():
            if s.get(UserRow, username) is not None:
                raise BadRequestError(f"There is already a user called {username}.")
            row = UserRow(username=username, role=role, password_hash=hash_password(password),
                          created_at=datetime.now(UTC), disabled=False)
            s.add(row)
            return _user(row)

    def get(self, username: str) -> User | None:
        """The user if they exist and are not disabled."""
        with self._sessions() as s:
            row = s.get(UserRow, username)
            return _user(row) if row is not None and not row.disabled else None

    def verify(self, username: str, password: str) -> User | None:
        """The user when the password is right and the user is not disabled; otherwise None."""
        with self._sessions() as s:
            row = s.get(UserRow, username)
            ok = check_password(password, row.password_hash if row is not None else _DUMMY_HASH)
            return _user(row) if ok and row is not None and not row.disabled else None

    def list(self) -> list[User]:
        with self._sessions() as s:
            return [_user(r) for r in s.scalars(select(UserRow).order_by(UserRow.username))]

    def disable(self, username: str) -> User:
        with self._sessions() as s, s.begin():
            row = s.get(UserRow, username)
            if row is None:
                raise NotFoundError(f"There is no user called {username}.")
            row.disabled = True
            return _user(row)


def _user(row: UserRow) -> User:
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return User(username=row.username, role=row.role, created_at=created, disabled=bool(row.disabled))
