"""Local time: times are stored in UTC and shown, in pages and files alike, in Beijing time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


def local_time(value: datetime | None) -> str:
    """A stored UTC time shown in Beijing time."""
    if value is None:
        return ""
    return value.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")
