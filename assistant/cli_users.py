"""`partnership users add|list|disable`: the people who may sign in to the web page, and their roles.

These commands open only the application database (no embedding model, no knowledge base). Passwords are typed
twice at a hidden prompt, or read from standard input with ``--password-stdin`` for scripts.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.db import Base, build_engine, build_sessionmaker
from assistant.errors import BadRequestError
from assistant.migrate import upgrade
from assistant.users import ROLES, UserStore

console = Console()
users_app = typer.Typer(help="Add, list and disable the people who may sign in to the web page.",
                        no_args_is_help=True)


def _store() -> UserStore:
    from assistant import cli  # cli.py owns the settings (and imports this module)

    engine = build_engine(cli._settings().sqlalchemy_url)
    upgrade(engine)
    Base.metadata.create_all(engine)
    return UserStore(build_sessionmaker(engine))


@users_app.command("add")
def add(username: Annotated[str, typer.Argument(help="The sign-in name, e.g. a.khan")],
        role: Annotated[str, typer.Option("--role", help=f"One of: {', '.join(ROLES)}")] = "staff",
        password_stdin: Annotated[bool, typer.Option("--password-stdin",
                                                     help="Read the password from standard input")] = False) -> None:
    """Add a user who signs in with USERNAME and a password."""
    if role not in ROLES:
        raise BadRequestError(f"The role must be one of: {', '.join(ROLES)}.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = _store().add(username, password, role)
    console.print(f"Added {user.username} ({user.role}).")


@users_app.command("list")
def list_users(as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False) -> None:
    """List the users, their roles and whether they are disabled."""
    users = _store().list()
    if as_json:
        console.print_json(json.dumps([{"username": u.username, "role": u.role, "disabled": u.disabled,
                                        "created_at": u.created_at.isoformat()} for u in users]))
        return
    table = Table("Username", "Role", "Created", "Status")
    for u in users:
        table.add_row(u.username, u.role, u.created_at.strftime("%d %b %Y"), "disabled" if u.disabled else "active")
    console.print(table if users else "No users yet: add one with `partnership users add NAME --role ROLE`.")


@users_app.command("disable")
def disable(username: Annotated[str, typer.Argument(help="The user to disable")]) -> None:
    """Stop USERNAME signing in (their current sessions end too)."""
    user = _store().disable(username)
    console.print(f"Disabled {user.username}.")
