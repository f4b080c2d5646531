"""One page of a scoped list, with a count that stops early on very long lists.

Counting every row of a million-row list costs more than the page itself, and nobody pages through
ten thousand rows: past :data:`COUNT_CAP` matches the count stops and the page says “10,000+”.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, literal, select
from sqlalchemy.orm import Session

COUNT_CAP = 10_000
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results; ``capped`` when there are more than ``total`` matches."""

    total: int
    page: int
    per_page: int
    items: list[T]
    capped: bool = False

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def total_label(self) -> str:
        """The count as shown: exact, or “10,000+” when capped."""
        return f"{self.total:,}+" if self.capped else str(self.total)


def paginate(
    db: Session, stmt: Select[Any], *, order_by: ColumnElement[Any], page: int, per_page: int
) -> Page[Any]:
    """Count (up to the cap) and fetch one page of ``stmt``."""
    limited = (
        stmt.with_only_columns(literal(1), maintain_column_froms=True)
        .order_by(None)
        .limit(COUNT_CAP + 1)
    )
    counted = db.scalar(select(func.count()).select_from(limited.subquery())) or 0
    rows = db.scalars(stmt.order_by(order_by).offset((page - 1) * per_page).limit(per_page))
    return Page(min(counted, COUNT_CAP), page, per_page, list(rows), capped=counted > COUNT_CAP)
