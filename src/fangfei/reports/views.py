"""API: Attachment 1 and the case tables (Attachments 3 and 4) as rows and as Excel files, and
the townships' and member departments' parts of Attachment 1."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from fangfei.clock import local_today
from fangfei.deps import ActorDep, SessionDep, campaign_cutoff
from fangfei.reports import attachment1, case_tables, national, parts, runs
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


def _part_json(view: parts.PartView) -> dict[str, Any]:
    part = view.part
    return {
        "id": part.id if part else None, "unit": view.unit.name, "kind": view.unit.kind_label,
        "period": view.period, "status": view.status, "status_label": view.status_label,
        "submitted_by": part.submitted_by_name if part else None,
        "submitted_at": part.submitted_at if part else None,
        "return_reason": part.return_reason if part else None, "frozen": view.frozen,
        "changed_since": view.changed_since,
        "columns": [
            {"column": c, "name": attachment1.leaf_name(c), "counted": _plain(counted),
             "reported": _plain(view.reported[c]),
             "reason": (view.change(c) or {}).get("reason")}
            for c, counted in enumerate(view.counted)
        ],
    }  # fmt: skip


Period = Annotated[str, Query(description="2026H1、2026H2 等")]


class PartIn(BaseModel):
    """The figures of the part reported otherwise than counted; the others stay as counted."""

    changes: list[parts.ChangeIn] = []


class ReturnIn(BaseModel):
    """Why a submitted part goes back to its unit."""

    reason: str = Field(max_length=500)


@router.get("/reports/a1/parts", summary="附件 1 各单位填报汇总")
def parts_overview(db: SessionDep, actor: ActorDep, period: Period) -> list[dict[str, Any]]:
    """Every township and member department that owes its part, with its status and figures."""
    return [_part_json(view) for view in parts.overview(db, actor=actor, period=period)]


@router.get("/reports/a1/parts/mine", summary="本单位的附件 1 填报")
def my_part(db: SessionDep, actor: ActorDep, period: Period) -> dict[str, Any]:
    """The actor's unit's part: the counted figures, the reported ones and the reasons."""
    return _part_json(parts.mine(db, actor=actor, period=period))


@router.put("/reports/a1/parts/mine", summary="保存本单位填报")
def save_my_part(db: SessionDep, actor: ActorDep, period: Period, data: PartIn) -> dict[str, Any]:
    """Replace the figures reported otherwise; each needs its reason."""
    return _part_json(parts.save(db, actor=actor, period=period, changes=data.changes))


@router.post("/reports/a1/parts/mine/submit", summary="提交本单位填报")
def submit_my_part(db: SessionDep, actor: ActorDep, period: Period) -> dict[str, Any]:
    """Submit the part to the lead office; it then counts in the county table."""
    return _part_json(parts.submit(db, actor=actor, period=period))


@router.get("/report-parts/{part_id}", summary="一个单位的填报")
def part_detail(part_id: int, db: SessionDep, actor: ActorDep) -> dict[str, Any]:
    """A stored part, for its unit or the lead office it reports to."""
    return _part_json(parts.detail(db, actor=actor, part_id=part_id))


@router.post("/report-parts/{part_id}/return", summary="退回单位填报")
def return_part(part_id: int, db: SessionDep, actor: ActorDep, data: ReturnIn) -> dict[str, Any]:
    """Send a submitted part back to its unit, with the reason."""
    return _part_json(parts.return_part(db, actor=actor, part_id=part_id, reason=data.reason))


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
                                     cutoff=campaign_cutoff(request), today=local_today())  # fmt: skip
    return download(content, name)
