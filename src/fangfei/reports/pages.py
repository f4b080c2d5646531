"""Pages: Attachment 1 and the case tables (Attachments 3 and 4) as they will be exported, and
their Excel files."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from fangfei.deps import ActorDep, SessionDep, campaign_cutoff
from fangfei.errors import FangfeiError
from fangfei.reports import attachment1, case_tables
from fangfei.web.render import download, render

router = APIRouter(include_in_schema=False)
Table = Literal["a3", "a4"]


@router.get("/reports")
def reports(
    request: Request, db: SessionDep, actor: ActorDep, period: str | None = None
) -> Response:
    """统计报表: Attachment 1 of a period, and each case table with the rows its file will hold."""
    period = period or attachment1.current_half(date.today())
    try:
        a1: attachment1.Table | None = attachment1.build(db, actor=actor, period=period)
        error = None
    except FangfeiError as exc:
        if exc.status == 403:
            raise
        a1, error = None, exc
    cutoff = campaign_cutoff(request)
    tables = []
    for code, (_, title, columns) in case_tables.TABLES.items():
        items = case_tables.listing(db, code, actor=actor, cutoff=cutoff)
        tables.append({"code": code, "title": title, "columns": columns, "items": items})
    context = {
        "tables": tables, "cutoff": cutoff, "today": date.today(), "period": period, "a1": a1,
        "a1_leaves": attachment1.LEAVES, "error": error,
    }  # fmt: skip
    return render(request, "reports/index.html", context, actor=actor)


@router.get("/reports/a1/cell")
def attachment_1_cell(
    request: Request, db: SessionDep, actor: ActorDep, period: str, unit: int, column: int
) -> Response:
    """The records counted in one cell of Attachment 1."""
    table = attachment1.build(db, actor=actor, period=period)
    context = {
        "title": attachment1.cell_title(table, unit, column), "period": period,
        "records": attachment1.cell_records(db, table, unit, column),
    }  # fmt: skip
    return render(request, "reports/cell.html", context, actor=actor)


@router.get("/reports/a1.xlsx")
def attachment_1_file(db: SessionDep, actor: ActorDep, period: str) -> Response:
    """Attachment 1 of the period as an Excel file in the official layout."""
    return download(*attachment1.export(db, actor=actor, period=period))


@router.get("/reports/{table}.xlsx")
def report_file(table: Table, request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """The table as an Excel file in the official layout."""
    cutoff = campaign_cutoff(request)
    return download(*case_tables.export(db, table, actor=actor, cutoff=cutoff, today=date.today()))
