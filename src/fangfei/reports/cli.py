"""`fangfei report …` commands."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from fangfei.auth.roles import Actor, acting_in
from fangfei.cli_support import console, fail
from fangfei.clock import local_time, local_today
from fangfei.db import unit_of_work
from fangfei.errors import FangfeiError, FieldProblem, invalid
from fangfei.reports import attachment1, calendar, monthly, national, parts, runs
from fangfei.runtime import open_runtime

app = typer.Typer(help="统计报表（附件 1、2、3、4、6）", no_args_is_help=True)


@app.command(
    "build",
    help="按官方格式生成报表 Excel：a1 工作情况统计表（须给期间），a2、a6 为线索台账，"
    "a3 跨省案件，a4 重点督办案件。",
)
def build(
    table: Annotated[str, typer.Option(help="a1、a2、a3、a4 或 a6", show_default=False)],
    out: Annotated[Path, typer.Option(help="输出的 .xlsx 文件", show_default=False)],
    period: Annotated[
        str | None, typer.Option(help="期间（a1、a2、a6）：2025、2025H1、2025Q2 或 2025-06")
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            help="以某一辖区（乡镇名称或代码）的范围生成；成员单位（如 县市场监管局）只生成其附件 1 填报",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write one official table to an Excel file."""
    try:
        runs.check(table, period)
        rt = open_runtime()
        with unit_of_work(rt.sessions) as db:
            content, held = _build(db, rt.actor, table, period, unit, rt.settings.campaign_cutoff)
        out.write_bytes(content)
    except FangfeiError as error:
        raise fail(error) from None
    console.print(f"已生成“{runs.TITLES[table]}”（{held}）：{out}")


def _build(
    db: Session, actor: Actor, table: str, period: str | None, unit: str | None, cutoff: date
) -> tuple[bytes, str]:
    found = parts.unit_named(db, actor, unit) if unit else None
    if isinstance(found, parts.PartUnit):
        if table != parts.TABLE or period is None:
            reason = "成员单位只填报附件 1，请用 --table a1 --period"
            raise invalid("成员单位只生成附件 1。", [FieldProblem("table", reason)])
        content = attachment1.workbook(parts.department_table(db, found, period))
        return content, f"{found.name}本单位填报"
    if found is not None:
        actor = acting_in(found.id, found.path, actor.label)
    content, _, held = runs.generate(db, actor=actor, table=table, period=period, cutoff=cutoff,
                                     today=local_today())  # fmt: skip
    return content, held


@app.command(
    "calendar", help="报送日历：今后若干天到期和已逾期的报送事项（报表以签发的报送版本为已报送）。"
)
def show_calendar(
    days: Annotated[int, typer.Option(help="向后看多少天")] = 31,
) -> None:
    """Print what falls due and what is overdue."""
    rt = open_runtime()
    today = local_today()
    with unit_of_work(rt.sessions) as db:
        found = calendar.due_items(db, actor=rt.actor, today=today, days=days)
    for d in found:
        state = (
            "已报送"
            if d.submitted
            else "已逾期"
            if d.overdue(today)
            else "待报送"
            if d.table
            else "提醒"
        )
        console.print(
            f"{d.due.isoformat()}  {d.name}  {d.period or ''}  {state}  {d.missing_text}".rstrip(),
            highlight=False,
            soft_wrap=True,
        )
    console.print(f"共 {len(found)} 项", highlight=False)


@app.command(
    "parts", help="各乡镇（街道）和成员单位的附件 1 填报情况：谁已提交、谁未填报、调整了几项。"
)
def show_parts(
    period: Annotated[str, typer.Option(help="期间，如 2026H2", show_default=False)],
) -> None:
    """Print every unit's part of the period and its status."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            views = parts.overview(db, actor=rt.actor, period=period)
            for v in views:
                when = local_time(v.part.submitted_at) if v.part else ""
                changed = f"调整 {len(v.part.changes)} 项" if v.part and v.part.changes else ""
                later = "提交后记录有变化" if v.changed_since else ""
                line = "  ".join(x for x in (v.unit.name, v.unit.kind_label, v.status_label,
                                            when, changed, later) if x)  # fmt: skip
                console.print(line, highlight=False, soft_wrap=True)
    except FangfeiError as error:
        raise fail(error) from None
    done = sum(v.status == "submitted" for v in views)
    console.print(f"{period}：已提交 {done} / {len(views)} 个单位", highlight=False)


@app.command(
    "national",
    help="全国处置非法集资协同联动系统月度更新表：存量和新发案件的行政处置措施、刑事进展。",
)
def national_update(
    month: Annotated[str, typer.Option(help="年月，如 2026-11", show_default=False)],
    out: Annotated[Path, typer.Option(help="输出的 .xlsx 文件", show_default=False)],
) -> None:
    """Write the month's national-system update file."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            content, measures, criminal = national.workbook(db, actor=rt.actor, month=month)
        out.write_bytes(content)
    except FangfeiError as error:
        raise fail(error) from None
    console.print(f"已生成全国系统月度更新表（{month}：行政处置措施 {measures} 项，刑事案件 {criminal} 件）：{out}",
                  highlight=False, soft_wrap=True)  # fmt: skip


@app.command(
    "monthly", help="月度风险监测报告（Word）：本月数据已填好，存在的问题和工作建议留给承办人填写。"
)
def monthly_report(
    month: Annotated[str, typer.Option(help="年月，如 2026-11", show_default=False)],
    out: Annotated[Path, typer.Option(help="输出的 .docx 文件", show_default=False)],
) -> None:
    """Write the month's risk monitoring report."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            content = monthly.document(db, actor=rt.actor, month=month, today=local_today())
        out.write_bytes(content)
    except FangfeiError as error:
        raise fail(error) from None
    console.print(f"已生成 {month} 月度风险监测报告：{out}", highlight=False, soft_wrap=True)
