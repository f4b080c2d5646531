"""API: Attachment 1 and the case tables (Attachments 3 and 4) as rows and as Excel files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from fangfei.deps import ActorDep, SessionDep, campaign_cutoff
from fangfei.reports import attachment1, case_tables, national, runs
from fangfei.reports.pages import FileTable, Table
from fangfei.web.render import download

router = APIRouter(tags=["统计报表"])


def _plain(value: object) -> object:
    """Amounts as strings, exact (never floats)."""
    return str(value) if isinstance(value, Decimal) else value


@router.get("/reports/national/xlsx", summary="全国系统月度更新表")
def national_xlsx(
    db: SessionDep, actor: ActorDep, month: Annotated[str, Query(description="年月，如 2026-11")]
) -> Response:
    """存量案件 and 新发案件 of the month: the measures taken and the criminal progress."""
    content, _, _ = national.workbook(db, actor=actor, month=month)
    return download(content, f"{national.TITLE}-{month}.xlsx")


@router.get("/reports/a1", summary="附件 1 工作情况统计表")
def attachment_1(
    db: SessionDep,
    actor: ActorDep,
    period: Annotated[str, Query(description="2026H1、2026Q2、2026-06 或 2026")],
) -> dict[str, Any]:
    """Each reporting unit's counts for the period and the total."""
    return attachment1.as_json(attachment1.build(db, actor=actor, period=period))


@router.get("/reports/a1/cell", summary="附件 1 一个单元格统计的记录")
def attachment_1_cell(
    db: SessionDep, actor: ActorDep, period: Annotated[str, Query()],
    unit: Annotated[int, Query(description="行：0 起，末行为合计")],
    column: Annotated[int, Query(description="列：0 起，不含填报单位")],
) -> dict[str, Any]:  # fmt: skip
    """Which leads, cases and activity records a cell counts, and what each adds."""
    table = attachment1.build(db, actor=actor, period=period)
    return {
        "title": attachment1.cell_title(table, unit, column),
        "records": [
            {k: _plain(v) for k, v in r.items()}
            for r in attachment1.cell_records(db, table, unit, column)
        ],
    }


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


@router.get("/reports/{table}/xlsx", summary="附件 1、3、4 的 Excel 文件")
def report_xlsx(
    table: FileTable, request: Request, db: SessionDep, actor: ActorDep,
    period: Annotated[str | None, Query(description="附件 1 的期间，如 2026H1")] = None,
) -> Response:  # fmt: skip
    """The table in the official layout."""
    content, name, _ = runs.generate(db, actor=actor, table=table, period=period,
                                     cutoff=campaign_cutoff(request), today=date.today())  # fmt: skip
    return download(content, name)
