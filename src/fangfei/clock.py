"""Local time: times are stored in UTC and shown, in pages and files alike, in Beijing time;
"today" is the Beijing date, whatever zone the server runs in."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


def local_time(value: datetime | None) -> str:
    """A stored UTC time shown in Beijing time."""
    if value is None:
        return ""
    return value.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")


def local_today() -> date:
    """Today's date in Beijing (a server on UTC is still on yesterday until 16:00 UTC)."""
    return datetime.now(LOCAL_ZONE).date()
