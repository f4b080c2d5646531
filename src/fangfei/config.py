"""Typed settings from the environment (prefix ``FANGFEI_``)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "test", "production"]


class Settings(BaseSettings):
    """All configuration of one installation; every piece of state lives under ``home``."""

    model_config = SettingsConfigDict(env_prefix="FANGFEI_", extra="ignore")

    env: Environment = "development"
    home: Path = Path("./var")
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    # Secrets: given here or read from $FANGFEI_HOME/keys/ (see fangfei.security.keys).
    secret_key: str | None = None
    encryption_key: str | None = None
    login_attempts_per_minute: int = Field(default=5, ge=1)
    session_max_age_seconds: int = Field(default=8 * 3600, ge=60)
    # Working days a department has to verify a lead it was given (counted in Chinese workdays).
    lead_verification_workdays: int = Field(default=15, ge=1, le=250)
    # Public tip portal: submissions per address per hour.
    public_reports_per_hour: int = Field(default=5, ge=1)
    # 五年以上 (Attachment 4): cases filed on or before the cut-off of the current campaign.
    campaign_cutoff: date = date(2018, 12, 31)

    @property
    def resolved_home(self) -> Path:
        """The installation directory as an absolute path."""
        return self.home.expanduser().resolve()

    @property
    def sqlalchemy_url(self) -> str:
        """The application database: PostgreSQL when configured, else SQLite under home."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_home / 'fangfei.db'}"

    @property
    def files_dir(self) -> Path:
        """Stored files (attachments, generated documents)."""
        return self.resolved_home / "files"

    @property
    def keys_dir(self) -> Path:
        """Key files of this installation."""
        return self.resolved_home / "keys"

    @property
    def is_development(self) -> bool:
        """Development and test environments may create their own keys."""
        return self.env in ("development", "test")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
