"""`fangfei backup` and `fangfei restore`."""

from __future__ import annotations


def backup() -> None:
    """Write a backup archive (not yet written)."""
    raise NotImplementedError


def restore() -> None:
    """Restore a backup archive (not yet written)."""
    raise NotImplementedError
