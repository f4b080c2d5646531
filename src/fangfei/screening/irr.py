"""Internal rates of return of a loan's cash flows: XIRR and the IRR-method nominal rate.

**XIRR** (effective annual rate) is Excel's: the rate ``r`` with
``Σ amount_i × (1 + r)^(−days_i / 365) = 0``, days counted from the first flow (actual/365).

**Nominal annual rate by the IRR method** (中国人民银行公告〔2021〕第3号): the IRR per period of the
repayment schedule times the periods in a year. The schedule is read from the dates of the
(netted) flows after the first disbursement ``d0``:

- ``annual`` — every flow on an anniversary of ``d0`` (one repayment exactly one year later being
  the common case): periods are years, × 1;
- ``monthly`` — every flow on ``d0``'s day of the month: periods are months, × 12. Month ends:
  a day that a month lacks falls on that month's last day (31 Jan → 28/29 Feb → 31 Mar), and when
  ``d0`` is itself a month's last day every month's last day matches (28 Feb → 31 Mar);
- ``weekly`` — every flow a whole number of weeks after ``d0``: × 52;
- ``daily`` — repayments on consecutive days — and ``irregular`` — anything else: the daily IRR
  × 365, i.e. ``((1 + XIRR)^(1/365) − 1) × 365``; the two differ only in their label.

Annual is tried first, so a single repayment after exactly one year is annual, not 12 months.

The root is found in floating point, on ``x = ln(1 + r)`` by bracketing and bisection (monotone for
a loan: money out first, money back later), and reported rounded to 0.01 percentage points;
amounts stay ``Decimal`` until the solver and the rates are ``Decimal`` again after it.
"""

from __future__ import annotations

import calendar
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext

PERIODS_PER_YEAR = {"annual": 1, "monthly": 12, "weekly": 52, "daily": 365, "irregular": 365}
SCHEDULE_LABELS = {
    "annual": "按年（每年同日）",
    "monthly": "按月（每月同日）",
    "weekly": "按周",
    "daily": "按日（逐日还款）",
    "irregular": "不规则（按日折算）",
}
_CENT = Decimal("0.01")
_BISECTIONS = 200
_MAX_LOG_RATE = 1024.0


class NoRate(ValueError):
    """The flows have no rate of return (all money goes one way, or no root exists)."""


@dataclass(frozen=True)
class Rates:
    """The rates of one set of flows, in percent, rounded to 0.01."""

    schedule: str
    periods_per_year: int
    nominal_pct: Decimal
    effective_pct: Decimal


def _value(log_rate: float, flows: Sequence[tuple[float, float]]) -> float:
    """Present value at ``x = ln(1 + r)``; scaled so huge rates do not overflow."""
    exponents = [-log_rate * t for t, _ in flows]
    top = max(exponents)
    return math.fsum(a * math.exp(e - top) for (_, a), e in zip(flows, exponents, strict=True))


def solve_log_rate(flows: Sequence[tuple[float, float]]) -> float:
    """``x = ln(1 + r)`` where ``Σ amount × (1 + r)^(−t) = 0``, for flows (t, amount)."""
    if not any(a > 0 for _, a in flows) or not any(a < 0 for _, a in flows):
        raise NoRate("现金流必须既有付出也有收回")
    at_zero = _value(0.0, flows)
    if at_zero == 0:
        return 0.0
    # A profit puts the root above 0, a loss below; walk outwards until the sign changes.
    step = 1.0 if at_zero > 0 else -1.0
    near, far = 0.0, step
    while (_value(far, flows) > 0) == (at_zero > 0):
        near, far = far, far * 2
        if abs(far) > _MAX_LOG_RATE:
            raise NoRate("找不到使现金流净现值为零的利率")
    near_positive = _value(near, flows) > 0
    for _ in range(_BISECTIONS):
        middle = (near + far) / 2
        if (_value(middle, flows) > 0) == near_positive:
            near = middle
        else:
            far = middle
    return (near + far) / 2


def _pct(rate: float | Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = 1000  # 套路贷 rates can be astronomically high; never fail on rounding
        return (Decimal(rate) * 100).quantize(_CENT, rounding=ROUND_HALF_UP)


def _growth(log_rate: float, periods: float) -> Decimal:
    """``(1 + r)^periods − 1`` exactly enough for any size (Decimal exponential)."""
    with localcontext() as context:
        context.prec = 60
        return (Decimal(log_rate) * Decimal(periods)).exp() - 1


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day when the month is shorter."""
    year, month = divmod(start.month - 1 + months, 12)
    last = calendar.monthrange(start.year + year, month + 1)[1]
    return date(start.year + year, month + 1, min(start.day, last))


def _is_month_end(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def _months_after(start: date, day: date, step: int) -> int | None:
    """Whole periods of ``step`` months from ``start`` to ``day``, or None if off schedule."""
    months = (day.year - start.year) * 12 + day.month - start.month
    if months <= 0 or months % step:
        return None
    if day == add_months(start, months):
        return months // step
    if _is_month_end(start) and _is_month_end(day):
        return months // step
    return None


def schedule_of(start: date, days: Sequence[date]) -> tuple[str, list[int]]:
    """The schedule of flows on ``days`` (all after ``start``) and each flow's period number."""
    for name, step in (("annual", 12), ("monthly", 1)):
        periods = [_months_after(start, day, step) for day in days]
        if days and all(p is not None for p in periods):
            return name, [p for p in periods if p is not None]
    offsets = [(day - start).days for day in days]
    if days and all(o > 0 and o % 7 == 0 for o in offsets):
        return "weekly", [o // 7 for o in offsets]
    consecutive = len(days) >= 2 and all(
        later - earlier == timedelta(days=1) for earlier, later in itertools.pairwise(days)
    )
    return ("daily" if consecutive else "irregular"), offsets


def loan_rates(netted: Sequence[tuple[date, Decimal]]) -> Rates:
    """XIRR and the IRR-method nominal rate of netted flows (date order, first one the payout)."""
    start = netted[0][0]
    by_day = [((day - start).days, float(amount)) for day, amount in netted]
    daily = solve_log_rate(by_day)
    effective = _growth(daily, 365)
    schedule, periods = schedule_of(start, [day for day, _ in netted[1:]])
    per_year = PERIODS_PER_YEAR[schedule]
    if schedule in ("daily", "irregular"):
        nominal = _growth(daily, 1) * per_year
    else:
        flows = [(0.0, float(netted[0][1]))]
        flows += [(float(p), float(a)) for p, (_, a) in zip(periods, netted[1:], strict=True)]
        nominal = _growth(solve_log_rate(flows), 1) * per_year
    return Rates(schedule, per_year, _pct(nominal), _pct(effective))
