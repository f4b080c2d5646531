"""Fixtures of the case tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from fangfei.config import Settings


@pytest.fixture
def files(settings: Settings) -> Path:
    """Where the case's documents are stored."""
    return settings.files_dir
