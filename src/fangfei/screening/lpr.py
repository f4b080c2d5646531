"""The one-year LPR from the shipped table, for screening without a database.

The loan engine takes any ``LprLookup`` (a function from a date to the LPR in force, or None before
the first published rate): this module's :func:`shipped_lpr_on` for the command line and tests,
or ``lambda day: reference.service.lpr_on(db, day)`` once the administrator's table in the
database should be used.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import lru_cache

from fangfei.reference import files as reference_files

LprLookup = Callable[[date], Decimal | None]
CAP_MULTIPLE = 4  # the protected-interest cap is 4 × the one-year LPR (SPC 2020, art. 25)


@lru_cache(maxsize=1)
def shipped_lpr_table() -> tuple[tuple[date, Decimal], ...]:
    """(effective date, one-year LPR %) from ``reference/data/lpr.yaml``, oldest first."""
    rates = reference_files.load("lpr.yaml")["rates"]
    return tuple(sorted((rate["from"], Decimal(str(rate["pct"]))) for rate in rates))


def shipped_lpr_on(day: date) -> Decimal | None:
    """The one-year LPR in force on ``day``; None before the first published rate (2019-08-20)."""
    table = shipped_lpr_table()
    index = bisect_right([start for start, _ in table], day)
    return table[index - 1][1] if index else None


def latest_shipped_lpr() -> tuple[date, Decimal]:
    """The newest entry of the shipped table: (effective date, one-year LPR %)."""
    return shipped_lpr_table()[-1]


def default_benchmark_pct() -> Decimal:
    """The default benchmark of promised returns: 4 × the latest shipped one-year LPR."""
    return latest_shipped_lpr()[1] * CAP_MULTIPLE
