"""Alembic environment for the application database, run in code by ``assistant.migrate`` (no alembic.ini).

``target_metadata`` must hold every table the product owns, or autogenerate would propose dropping the missing
ones: add each module that declares tables on ``assistant.db.Base`` to MODEL_MODULES.
"""

from __future__ import annotations

import importlib

from alembic import context
from sqlalchemy import Connection

from assistant.db import Base, build_engine

MODEL_MODULES = ("assistant.escalations.store", "assistant.feedback", "assistant.kb_store")

for _module in MODEL_MODULES:
    importlib.import_module(_module)

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = build_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
