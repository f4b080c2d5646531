"""`fangfei demo`: load the demo county."""

from __future__ import annotations


def demo() -> None:
    """Load the demo county (not yet written)."""
    raise NotImplementedError
