"""The calendars beneath the administrators' overrides: published schedules, the statutory rule.

Published schedules come from ``chinese-calendar``, which carries each year's State Council notice
(holidays and adjusted working weekend days) once it is out; the notice for the next year arrives
only in November or December. For any other year the provisional calendar applies: weekends off
plus the statutory holiday days themselves, computed from :data:`STATUTORY_HOLIDAYS`. No adjusted
working weekend day is guessed, since those are decided anew every year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import chinese_calendar  # type: ignore[import-untyped]
from lunar_python import Lunar, Solar  # type: ignore[import-untyped]

from fangfei.errors import FieldProblem, invalid

# The lunar conversion and the solar terms are computed for these years only.
FIRST_YEAR = 1901
LAST_YEAR = 2099


class Anchor(StrEnum):
    """How a statutory holiday's first day is fixed."""

    SOLAR = "solar"  # a Gregorian month and day
    LUNAR = "lunar"  # a month and day of the Chinese lunar calendar
    QINGMING = "qingming"  # the day of the Qingming solar term (about 4-5 April)


@dataclass(frozen=True)
class StatutoryHoliday:
    """One statutory holiday: its anchor date, days before the anchor, and length in days."""

    name: str
    anchor: Anchor
    month: int
    day: int
    length: int
    starts_before: int = 0


# Source: 《全国年节及纪念日放假办法》 as amended by State Council Decree No. 795
# (国务院令第795号, 2024-11-10), in force since 2025-01-01: 13 statutory holiday days a year.
RULES_SINCE = 2025
STATUTORY_HOLIDAYS: tuple[StatutoryHoliday, ...] = (
    StatutoryHoliday("元旦", Anchor.SOLAR, 1, 1, 1),
    # 除夕 and 正月初一 to 初三: four days starting the day before the lunar new year.
    StatutoryHoliday("春节", Anchor.LUNAR, 1, 1, 4, starts_before=1),
    StatutoryHoliday("清明节", Anchor.QINGMING, 0, 0, 1),
    StatutoryHoliday("劳动节", Anchor.SOLAR, 5, 1, 2),
    StatutoryHoliday("端午节", Anchor.LUNAR, 5, 5, 1),
    StatutoryHoliday("中秋节", Anchor.LUNAR, 8, 15, 1),
    StatutoryHoliday("国庆节", Anchor.SOLAR, 10, 1, 3),
)


def check_year(year: int) -> None:
    """Refuse a year outside the range the calendar can compute."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise invalid(
            f"工作日历只支持 {FIRST_YEAR} 年至 {LAST_YEAR} 年的日期（{year} 年超出范围）。",
            [FieldProblem("date", "超出支持范围")],
        )


def _solar_date(solar: Solar) -> date:
    return date(int(solar.getYear()), int(solar.getMonth()), int(solar.getDay()))


def _anchor_date(rule: StatutoryHoliday, year: int) -> date:
    if rule.anchor is Anchor.SOLAR:
        return date(year, rule.month, rule.day)
    if rule.anchor is Anchor.LUNAR:
        return _solar_date(Lunar.fromYmd(year, rule.month, rule.day).getSolar())
    # The lunar year that contains 15 April holds that spring's Qingming in its table.
    return _solar_date(Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()["清明"])


@lru_cache(maxsize=256)
def statutory_days(year: int) -> Mapping[date, str]:
    """The statutory holiday days of a year (date → holiday name) under the current rules."""
    check_year(year)
    days: dict[date, str] = {}
    for rule in STATUTORY_HOLIDAYS:
        first = _anchor_date(rule, year) - timedelta(days=rule.starts_before)
        for offset in range(rule.length):
            days[first + timedelta(days=offset)] = rule.name
    return days


# date → holiday name, as published; kept as dicts so that a lookup costs no validation.
_PUBLISHED_OFF: dict[date, str] = dict(chinese_calendar.holidays)
_PUBLISHED_ON: dict[date, str] = dict(chinese_calendar.workdays)
PUBLISHED_YEARS: frozenset[int] = frozenset(day.year for day in _PUBLISHED_OFF)


def is_weekday(day: date) -> bool:
    """Monday to Friday."""
    return day.weekday() < 5


def published_is_workday(day: date) -> bool:
    """Whether the published schedule makes ``day`` a working day (its year must be published)."""
    if day in _PUBLISHED_ON:
        return True
    return is_weekday(day) and day not in _PUBLISHED_OFF


def provisional_is_workday(day: date) -> bool:
    """Whether the provisional rule makes ``day`` a working day: weekdays not statutory holidays."""
    return is_weekday(day) and day not in statutory_days(day.year)
