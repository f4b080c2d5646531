"""What a command-line tool or job needs: settings, the engine, sessions and the cipher."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from fangfei.auth.roles import Actor, system_actor
from fangfei.config import Settings, get_settings
from fangfei.db import make_engine, make_sessionmaker
from fangfei.security.crypto import FieldCipher
from fangfei.security.keys import load_keys


@dataclass
class Runtime:
    """One installation opened from the command line."""

    settings: Settings

    @cached_property
    def engine(self) -> Engine:
        """The application database."""
        self.settings.resolved_home.mkdir(parents=True, exist_ok=True)
        return make_engine(self.settings.sqlalchemy_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        """Sessions on the application database."""
        return make_sessionmaker(self.engine)

    @cached_property
    def cipher(self) -> FieldCipher:
        """The installation's field cipher."""
        return FieldCipher(load_keys(self.settings).encryption_key)

    @property
    def actor(self) -> Actor:
        """Command-line changes are audited under the operating-system user's name."""
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
        return system_actor(f"cli:{user}")


def open_runtime(settings: Settings | None = None) -> Runtime:
    """The runtime for the configured installation."""
    return Runtime(settings or get_settings())
