"""Shared fixtures: both databases, per-test transactions, the app, and a small county.

Every test that uses ``db`` runs on SQLite and on a real PostgreSQL. Set FANGFEI_REQUIRE_POSTGRES=1
(CI does) to make a missing PostgreSQL a failure instead of a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from fangfei.auth.roles import system_actor
from fangfei.cli import app as fangfei_app
from fangfei.config import Settings, get_settings
from fangfei.db import make_engine
from fangfei.main import create_app
from fangfei.migrate import upgrade
from fangfei.security import passwords
from fangfei.security.crypto import FieldCipher
from fangfei.security.keys import generate_encryption_key, generate_secret_key
from tests.county import County, build_county
from tests.pgserver import find_pg_bin, running_cluster

SYSTEM = system_actor("test")
# Verification still runs the real Argon2id; only the cost is lowered to keep the suite fast.
passwords.configure(time_cost=1, memory_cost_kib=64)


def _require(name: str) -> bool:
    return os.environ.get(f"FANGFEI_REQUIRE_{name}") == "1"


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands print on a wide console in tests, so that long paths never wrap a message."""
    from fangfei.cli_support import console

    monkeypatch.setattr(console, "width", 240)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server: FANGFEI_TEST_POSTGRES_URL, or one started for the session."""
    given = os.environ.get("FANGFEI_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    if find_pg_bin() is None:
        if _require("POSTGRES"):
            pytest.fail("PostgreSQL binaries not found but FANGFEI_REQUIRE_POSTGRES=1")
        pytest.skip("PostgreSQL binaries not found")
    with running_cluster() as url:
        yield url


def fresh_database(kind: str, tmp: Path, request: pytest.FixtureRequest, name: str) -> str:
    """The URL of a new, empty database of the given kind."""
    if kind == "sqlite":
        return f"sqlite:///{tmp / (name + '.db')}"
    server = request.getfixturevalue("postgres_server")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A migrated database with the shipped reference data, one per backend."""
    url = fresh_database(request.param, tmp_path_factory.mktemp("db"), request, "fangfei_test")
    eng = make_engine(url)
    upgrade(eng, actor=SYSTEM)
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def sessions(connection: Connection) -> sessionmaker[Session]:
    """Session factory joined to the test transaction: commits become savepoint releases."""
    return sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
def db(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session for arranging and checking data."""
    session = sessions()
    yield session
    session.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Test settings with fresh keys and a private home."""
    return Settings(
        env="test",
        home=tmp_path / "home",
        secret_key=generate_secret_key(),
        encryption_key=generate_encryption_key(),
    )


@pytest.fixture
def files(settings: Settings) -> Path:
    """Where stored files (case documents, attachments) go."""
    return settings.files_dir


@pytest.fixture
def cipher(settings: Settings) -> FieldCipher:
    """The cipher the app under test uses."""
    from fangfei.security.keys import load_keys

    return FieldCipher(load_keys(settings).encryption_key)


@pytest.fixture
def county(db: Session) -> County:
    """A county with two townships and a user of every role (password ``password123``)."""
    county = build_county(db)
    db.commit()
    return county


@pytest.fixture
def client(settings: Settings, sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    """The app on the test transaction."""
    with TestClient(create_app(settings, sessions=sessions)) as test_client:
        yield test_client


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private home for the command line, before any command ran in it."""
    monkeypatch.setenv("FANGFEI_HOME", str(tmp_path))
    monkeypatch.setenv("FANGFEI_ENV", "development")
    monkeypatch.delenv("FANGFEI_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.fixture
def installed(home: Path) -> Path:
    """A fresh installation in :func:`home`, its database upgraded."""
    result = CliRunner().invoke(fangfei_app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return home
