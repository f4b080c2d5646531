"""`fangfei calendar …` commands."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.markup import escape

from fangfei.cli_support import console, fail
from fangfei.db import unit_of_work
from fangfei.errors import FangfeiError, FieldProblem, invalid
from fangfei.runtime import open_runtime
from fangfei.workdays import service

app = typer.Typer(help="工作日历", no_args_is_help=True)

DateArgument = Annotated[
    str, typer.Argument(metavar="DATE", help="日期（YYYY-MM-DD）", show_default=False)
]


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise invalid(
            f"日期“{text}”格式不对，应为 YYYY-MM-DD，例如 2027-01-15。",
            [FieldProblem("date", "格式应为 YYYY-MM-DD")],
        ) from None


def _join(days: tuple[date, ...]) -> str:
    return "、".join(day.isoformat() for day in days) or "无"


def _print_status(status: service.YearStatus) -> None:
    console.print(f"{status.year} 年：{status.source.label}", highlight=False)
    if status.entered_by and status.entered_at:
        console.print(
            f"官方安排录入：{escape(status.entered_by)}，{status.entered_at:%Y-%m-%d %H:%M} UTC",
            highlight=False,
        )
    console.print(f"工作日 {status.working_days} 天", highlight=False)
    console.print(
        f"放假的周一至周五：{_join(status.weekdays_off)}", highlight=False, soft_wrap=True
    )
    console.print(
        f"调休上班的周末：{_join(status.weekend_workdays)}", highlight=False, soft_wrap=True
    )
    console.print(f"管理员调整 {len(status.overrides)} 处", highlight=False)
    for row in status.overrides:
        kind = "上班" if row.is_workday else "休息"
        console.print(
            f"  #{row.id} {row.day.isoformat()} {kind} — {escape(row.note)}", highlight=False
        )


@app.command(
    "add-workdays",
    help="计算某日之后的第 N 个工作日（起算日不计入），按 ISO 格式输出日期；"
    "计算涉及尚无官方放假安排的年份时在日期后标注“暂定”。N 为负数时向前倒数（写作 -- DATE -N）。",
)
def add_workdays(
    start: DateArgument,
    n: Annotated[int, typer.Argument(metavar="N", help="工作日数", show_default=False)],
) -> None:
    """Print the N-th working day after DATE, followed by 暂定 when it is provisional."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            deadline = service.add_workdays(db, _parse_date(start), n)
    except FangfeiError as error:
        raise fail(error) from None
    suffix = " 暂定" if deadline.provisional else ""
    console.print(f"{deadline.date.isoformat()}{suffix}", highlight=False)


@app.command("override", help="把某日设为工作日（--workday，如调休上班）或休息日（--holiday）。")
def override(
    day: DateArgument,
    workday: Annotated[
        bool, typer.Option("--workday/--holiday", help="上班（--workday）或休息（--holiday）")
    ],
    note: Annotated[str, typer.Option(help="说明，如“2027年春节”或通知文号")],
) -> None:
    """Rule that DATE is a working day or a day off."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            row = service.set_override(
                db, actor=rt.actor, day=_parse_date(day), is_workday=workday, note=note
            )
    except FangfeiError as error:
        raise fail(error) from None
    kind = "工作日" if row.is_workday else "休息日"
    console.print(f"已设置 {row.day.isoformat()} 为{kind}（调整编号 {row.id}）", highlight=False)


@app.command("void", help="作废一处调整（保留记录），该日恢复按日历计算。")
def void(
    override_id: Annotated[int, typer.Argument(help="调整编号（见 status 命令）")],
    reason: Annotated[str, typer.Option(help="作废原因")],
) -> None:
    """Withdraw an override, keeping it as history."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            row = service.void_override(db, actor=rt.actor, override_id=override_id, reason=reason)
    except FangfeiError as error:
        raise fail(error) from None
    console.print(f"已作废调整 #{row.id}（{row.day.isoformat()}）", highlight=False)


@app.command("official", help="在录入某年全部放假和调休安排后，标记该年为官方安排（不再暂定）。")
def official(
    year: Annotated[int, typer.Argument(metavar="YEAR", help="年份", show_default=False)],
) -> None:
    """Record that YEAR's official schedule has been entered."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            service.mark_official(db, actor=rt.actor, year=year)
            status = service.calendar_status(db, year)
    except FangfeiError as error:
        raise fail(error) from None
    console.print(f"已标记 {year} 年为官方安排，工作日 {status.working_days} 天", highlight=False)


@app.command("status", help="查看某年工作日历的来源、工作日天数、节假日和调整。")
def status(
    year: Annotated[int, typer.Argument(metavar="YEAR", help="年份", show_default=False)],
) -> None:
    """Show where YEAR's schedule comes from, its working days and its overrides."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            result = service.calendar_status(db, year)
    except FangfeiError as error:
        raise fail(error) from None
    _print_status(result)
