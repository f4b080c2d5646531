"""Database upgrades with Alembic, callable from the CLI, `make run` and the tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from fangfei.auth.roles import Actor
from fangfei.db import make_sessionmaker, unit_of_work
from fangfei.reference import service as reference

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic configuration pointing at fangfei's migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, *, actor: Actor) -> dict[str, int]:
    """Migrate the schema to the newest revision, then sync the shipped reference data."""
    with engine.begin() as connection:
        config = alembic_config(engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with unit_of_work(make_sessionmaker(engine)) as db:
        return reference.sync_shipped(db, actor=actor)
