"""Alembic: the migrations build exactly the models' schema, both ways, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from fangfei.db import Base, make_engine
from fangfei.migrate import alembic_config
from tests.conftest import fresh_database


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_upgrade_matches_models_and_downgrades(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = fresh_database(kind, tmp_path, request, "fangfei_migrations")
    engine = make_engine(url)
    config = alembic_config(url)
    command.upgrade(config, "head")
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    assert diff == []
    command.downgrade(config, "base")
    with engine.connect() as conn:
        assert set(engine.dialect.get_table_names(conn)) == {"alembic_version"}
    command.upgrade(config, "head")
    engine.dispose()
