"""Secrets of an installation: the session signing key and the data encryption key.

Each is taken from the environment (``FANGFEI_SECRET_KEY``, ``FANGFEI_ENCRYPTION_KEY``) or from a
file under ``$FANGFEI_HOME/keys/``. In development and test a missing key file is generated; in
production a missing or placeholder key stops the start with a message that says what to do.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from fangfei.config import Settings
from fangfei.errors import FangfeiError

SECRET_FILE = "secret.key"
ENCRYPTION_FILE = "encryption.key"
PLACEHOLDERS = frozenset({"", "change-me", "changeme", "secret", "dev", "development", "fangfei"})


@dataclass(frozen=True)
class Keys:
    """The secrets in use by this process."""

    secret_key: str
    encryption_key: bytes


def generate_secret_key() -> str:
    """A new random session signing key."""
    return secrets.token_urlsafe(48)


def generate_encryption_key() -> str:
    """A new random 256-bit AES key, base64-encoded."""
    return base64.b64encode(os.urandom(32)).decode("ascii")


def _config_error(message: str) -> FangfeiError:
    return FangfeiError("config", message, 500)


def _decode_encryption_key(text: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise _config_error(
            "加密密钥不是有效的 base64 文本。请用 `fangfei keys init` 生成。"
        ) from exc
    if len(raw) != 32:
        raise _config_error(
            "加密密钥长度必须为 32 字节（base64 编码）。请用 `fangfei keys init` 生成。"
        )
    return raw


def _read_or_create(path: Path, settings: Settings, make: str) -> str:
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    if not settings.is_development:
        raise _config_error(
            f"缺少密钥文件 {path}。生产环境不会自动生成密钥：请运行 `fangfei keys init` "
            "并把 keys 目录单独备份。"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    value = generate_secret_key() if make == "secret" else generate_encryption_key()
    write_key_file(path, value)
    return value


def write_key_file(path: Path, value: str) -> None:
    """Write a key file readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")


def init_key_files(settings: Settings) -> list[Path]:
    """Create the key files that do not exist yet; never overwrite one."""
    created = []
    for name, value in (
        (SECRET_FILE, generate_secret_key()),
        (ENCRYPTION_FILE, generate_encryption_key()),
    ):
        path = settings.keys_dir / name
        if not path.exists():
            write_key_file(path, value)
            created.append(path)
    return created


def load_keys(settings: Settings) -> Keys:
    """The keys for this installation, refusing placeholders outside development."""
    secret = settings.secret_key
    if secret is None:
        secret = _read_or_create(settings.keys_dir / SECRET_FILE, settings, "secret")
    if not settings.is_development and (secret.lower() in PLACEHOLDERS or len(secret) < 32):
        raise _config_error(
            "会话密钥为默认值或过短（至少 32 个字符）。请用 `fangfei keys init` 生成。"
        )
    encryption = settings.encryption_key
    if encryption is None:
        encryption = _read_or_create(settings.keys_dir / ENCRYPTION_FILE, settings, "encryption")
    if not settings.is_development and encryption.lower() in PLACEHOLDERS:
        raise _config_error("加密密钥为默认值。请用 `fangfei keys init` 生成。")
    return Keys(secret_key=secret, encryption_key=_decode_encryption_key(encryption))
