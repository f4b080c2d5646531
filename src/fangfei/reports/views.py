"""API: the case tables (Attachments 3 and 4) as rows and as Excel files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from fangfei.deps import ActorDep, SessionDep, campaign_cutoff
from fangfei.reports import case_tables
from fangfei.reports.pages import Table
from fangfei.web.render import download

router = APIRouter(tags=["统计报表"])


def _plain(value: object) -> object:
    """Amounts as strings, exact (never floats)."""
    return str(value) if isinstance(value, Decimal) else value


@router.get("/reports/{table}", summary="附件 3 / 附件 4 的数据行")
def report_rows(table: Table, request: Request, db: SessionDep, actor: ActorDep) -> dict[str, Any]:
    """The title, the columns and the rows of the table, each row with its case number."""
    items = case_tables.listing(db, table, actor=actor, cutoff=campaign_cutoff(request))
    _, title, columns = case_tables.TABLES[table]
    return {
        "title": title,
        "columns": list(columns),
        "rows": [{"case_number": case.number, "values": [_plain(v) for v in values]}
                 for case, values in items],
    }  # fmt: skip


@router.get("/reports/{table}/xlsx", summary="附件 3 / 附件 4 的 Excel 文件")
def report_xlsx(table: Table, request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """The table in the official layout."""
    cutoff = campaign_cutoff(request)
    return download(*case_tables.export(db, table, actor=actor, cutoff=cutoff, today=date.today()))
