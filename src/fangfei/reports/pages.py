"""Pages: the case tables (Attachments 3 and 4) as they will be exported, and their Excel files."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from fangfei.deps import ActorDep, SessionDep
from fangfei.reports import case_tables
from fangfei.web.render import download, render

router = APIRouter(include_in_schema=False)
Table = Literal["a3", "a4"]


def campaign_cutoff(request: Request) -> date:
    """The campaign cut-off of 五年以上 (setting ``FANGFEI_CAMPAIGN_CUTOFF``)."""
    cutoff: date = request.app.state.settings.campaign_cutoff
    return cutoff


@router.get("/reports")
def reports(request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """统计报表: each case table with the rows its file will hold."""
    cutoff = campaign_cutoff(request)
    tables = []
    for code, (_, title, columns) in case_tables.TABLES.items():
        cases = case_tables.cases_of(db, code, actor=actor, cutoff=cutoff)
        rows = case_tables.rows(db, code, cases, cutoff)
        tables.append({"code": code, "title": title, "columns": columns,
                       "items": list(zip(cases, rows, strict=True))})  # fmt: skip
    context = {"tables": tables, "cutoff": cutoff, "today": date.today()}
    return render(request, "reports/index.html", context, actor=actor)


@router.get("/reports/{table}.xlsx")
def report_file(table: Table, request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """The table as an Excel file in the official layout."""
    cutoff = campaign_cutoff(request)
    return download(*case_tables.export(db, table, actor=actor, cutoff=cutoff, today=date.today()))
