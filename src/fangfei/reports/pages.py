"""Pages: the case tables (Attachments 3 and 4) as they will be exported, and their Excel files."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from fangfei.deps import ActorDep, SessionDep, campaign_cutoff
from fangfei.reports import case_tables
from fangfei.web.render import download, render

router = APIRouter(include_in_schema=False)
Table = Literal["a3", "a4"]


@router.get("/reports")
def reports(request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """统计报表: each case table with the rows its file will hold."""
    cutoff = campaign_cutoff(request)
    tables = []
    for code, (_, title, columns) in case_tables.TABLES.items():
        items = case_tables.listing(db, code, actor=actor, cutoff=cutoff)
        tables.append({"code": code, "title": title, "columns": columns, "items": items})
    context = {"tables": tables, "cutoff": cutoff, "today": date.today()}
    return render(request, "reports/index.html", context, actor=actor)


@router.get("/reports/{table}.xlsx")
def report_file(table: Table, request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """The table as an Excel file in the official layout."""
    cutoff = campaign_cutoff(request)
    return download(*case_tables.export(db, table, actor=actor, cutoff=cutoff, today=date.today()))
