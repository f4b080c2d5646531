"""Fixtures of the monitoring tests: a private FANGFEI_HOME, stores built from hand-made books,
and one Spark session (local[1]) for the engine parity tests.

Spark needs pyspark and Java 17. Without them the Spark tests are skipped, unless
FANGFEI_REQUIRE_SPARK=1 (CI sets it), which makes them fail instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fangfei.config import get_settings
from fangfei.monitoring.engines import DuckDbEngine, Engine, SparkEngine


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "Java is not installed"
    return None


@pytest.fixture(scope="module")
def spark_session() -> Iterator[Any]:
    """One local Spark session (started once per test process, reused by every module)."""
    reason = _spark_missing()
    if reason:
        if os.environ.get("FANGFEI_REQUIRE_SPARK") == "1":
            pytest.fail(f"{reason} but FANGFEI_REQUIRE_SPARK=1")
        pytest.skip(reason)
    from fangfei.monitoring.engines import spark_session as start

    yield start("local[1]", shuffle_partitions=2)


@pytest.fixture
def spark(spark_session: Any) -> Iterator[Engine]:
    """A Spark engine on the shared session."""
    engine = SparkEngine(spark_session)
    yield engine
    engine.close()


@pytest.fixture
def duckdb_engine() -> Iterator[Engine]:
    """A fresh DuckDB engine."""
    engine = DuckDbEngine(memory_limit="1GB")
    yield engine
    engine.close()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private FANGFEI_HOME for code that reads the settings."""
    path = tmp_path / "home"
    monkeypatch.setenv("FANGFEI_HOME", str(path))
    monkeypatch.setenv("FANGFEI_ENV", "development")
    monkeypatch.delenv("FANGFEI_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()
