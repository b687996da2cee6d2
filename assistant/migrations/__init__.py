"""Alembic migrations of the application database; run them with ``assistant.migrate.upgrade``."""
