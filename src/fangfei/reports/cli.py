"""`fangfei report …` commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fangfei.cli_support import console, fail
from fangfei.db import unit_of_work
from fangfei.errors import FangfeiError, FieldProblem, invalid
from fangfei.leads import ledger, ledger_xlsx
from fangfei.reports import attachment1, case_tables
from fangfei.runtime import open_runtime

app = typer.Typer(help="统计报表（附件 1、2、3、4、6）", no_args_is_help=True)
LEDGERS = ("a2", "a6")


def _check(table: str, period: str | None) -> None:
    if table not in ("a1", *LEDGERS, *case_tables.TABLES):
        raise invalid("报表有误。", [FieldProblem("table", "须为 a1、a2、a3、a4 或 a6")])
    if table == "a1" and period is None:
        raise invalid(
            "附件 1 按期间统计。", [FieldProblem("period", "请用 --period 指定，如 2026H1")]
        )
    if period is not None and table in case_tables.TABLES:
        reason = "附件 3、附件 4 填报案件的当前情况，不按期间统计；请去掉 --period"
        raise invalid("期间不适用。", [FieldProblem("period", reason)])
    ledger.check_period(period)


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
) -> None:
    """Write one official table to an Excel file."""
    try:
        _check(table, period)
        rt = open_runtime()
        cutoff = rt.settings.campaign_cutoff
        with unit_of_work(rt.sessions) as db:
            if table == "a1":
                counted = attachment1.build(db, actor=rt.actor, period=period or "")
                out.write_bytes(attachment1.workbook(counted))
                count = f"{len(counted.rows)} 个填报单位"
            elif table in LEDGERS:
                leads = ledger.ledger_leads(db, actor=rt.actor, layout=table, period=period)
                out.write_bytes(ledger_xlsx.workbook(db, table, leads))
                count = f"{len(leads)} 条线索"
            else:
                cases = case_tables.cases_of(db, table, actor=rt.actor, cutoff=cutoff)
                out.write_bytes(case_tables.workbook(db, table, cases, cutoff))
                count = f"{len(cases)} 件案件（风险）"
    except FangfeiError as error:
        raise fail(error) from None
    console.print(f"已生成“{_title(table)}”（{count}）：{out}")


def _title(table: str) -> str:
    if table == "a1":
        return attachment1.TITLE
    if table in LEDGERS:
        return ledger.A2_TITLE if table == "a2" else ledger.A6_TITLE
    return case_tables.TABLES[table][1]
