"""Alembic environment: runs against the URL fangfei.migrate passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import fangfei.models  # noqa: F401  (registers every table on the metadata)
from fangfei.db import Base, make_engine

config = context.config


def run_migrations_online() -> None:
    """Upgrade (or downgrade) the configured database in one transaction."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
