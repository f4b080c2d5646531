"""Secrets: generated in development, refused at defaults or missing in production."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from fangfei.config import Settings
from fangfei.errors import FangfeiError
from fangfei.main import create_app
from fangfei.security.keys import (
    generate_encryption_key,
    generate_secret_key,
    init_key_files,
    load_keys,
)


def test_development_creates_private_key_files_once(tmp_path: Path) -> None:
    settings = Settings(env="development", home=tmp_path)
    first = load_keys(settings)
    for name in ("secret.key", "encryption.key"):
        mode = (tmp_path / "keys" / name).stat().st_mode
        assert stat.S_IMODE(mode) == 0o600
    assert load_keys(settings) == first
    assert len(first.encryption_key) == 32


@pytest.mark.parametrize("secret", ["change-me", "secret", "short-but-not-default"])
def test_production_refuses_default_or_short_secret(tmp_path: Path, secret: str) -> None:
    settings = Settings(
        env="production", home=tmp_path, secret_key=secret, encryption_key=generate_encryption_key()
    )
    with pytest.raises(FangfeiError, match="会话密钥为默认值或过短"):
        create_app(settings)


def test_production_refuses_to_invent_keys(tmp_path: Path) -> None:
    settings = Settings(env="production", home=tmp_path)
    with pytest.raises(FangfeiError, match="缺少密钥文件") as refused:
        load_keys(settings)
    assert "fangfei keys init" in refused.value.message
    assert not (tmp_path / "keys").exists()


def test_production_starts_with_initialised_keys(tmp_path: Path) -> None:
    settings = Settings(env="production", home=tmp_path)
    created = init_key_files(settings)
    assert sorted(p.name for p in created) == ["encryption.key", "secret.key"]
    assert init_key_files(settings) == []  # never overwrites
    assert len(load_keys(settings).secret_key) >= 32


@pytest.mark.parametrize(
    ("value", "message"), [("not base64!", "不是有效的 base64"), ("YWJj", "必须为 32 字节")]
)
def test_malformed_encryption_key(tmp_path: Path, value: str, message: str) -> None:
    settings = Settings(
        env="production", home=tmp_path, secret_key=generate_secret_key(), encryption_key=value
    )
    with pytest.raises(FangfeiError, match=message):
        load_keys(settings)
