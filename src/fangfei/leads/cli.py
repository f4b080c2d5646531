"""`fangfei ledger …` commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fangfei.cli_support import console, fail
from fangfei.db import unit_of_work
from fangfei.errors import FangfeiError, FieldProblem, invalid
from fangfei.leads import ledger, ledger_xlsx
from fangfei.leads.ledger_import import import_ledger
from fangfei.leads.list_import import import_leads
from fangfei.reference import service as reference
from fangfei.runtime import open_runtime

ledger_app = typer.Typer(help="台账（附件 2、附件 6）", no_args_is_help=True)


@ledger_app.command(
    "export", help="按官方格式导出台账 Excel；不给期间则导出全部线索。台账中不含举报人信息。"
)
def ledger_export(
    file: Annotated[Path, typer.Argument(help="输出的 .xlsx 文件", show_default=False)],
    layout: Annotated[str, typer.Option(help="a2（附件 2）或 a6（附件 6）")] = "a2",
    period: Annotated[str | None, typer.Option(help="期间：2025、2025Q2 或 2025-06")] = None,
) -> None:
    """Write the ledger of a period to an Excel file."""
    try:
        if layout not in ("a2", "a6"):
            raise invalid("台账格式有误。", [FieldProblem("layout", "须为 a2 或 a6")])
        ledger.check_period(period)
        rt = open_runtime()
        with unit_of_work(rt.sessions) as db:
            leads = ledger.ledger_leads(db, actor=rt.actor, layout=layout, period=period)
            file.write_bytes(ledger_xlsx.workbook(db, layout, leads))
    except FangfeiError as error:
        raise fail(error) from None
    console.print(f"已导出 {len(leads)} 条线索到 {file}")


@ledger_app.command(
    "import",
    help="导入已有台账（附件 2 或附件 6 格式的 xlsx/CSV，按表头自动识别）：整个文件逐行校验，全部通过才写入。",
)
def ledger_import_command(
    file: Annotated[Path, typer.Argument(help="台账文件", show_default=False)],
    jurisdiction: Annotated[
        str, typer.Option(help="线索所属辖区代码（县或乡镇）", show_default=False)
    ],
) -> None:
    """Import an existing ledger, all rows or none."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            place = reference.jurisdiction_by_code(db, jurisdiction)
            result = import_ledger(db, actor=rt.actor, path=file, jurisdiction_id=place.id)
    except FangfeiError as error:
        raise fail(error) from None
    layout = "附件 2" if result.layout == "a2" else "附件 6"
    console.print(
        f"[green]已导入 {result.imported} 条线索[/green]（{layout}，导入批次 {result.batch_id}）"
    )


leads_app = typer.Typer(help="风险线索", no_args_is_help=True)


@leads_app.command(
    "import",
    help="导入线索表（xlsx/CSV，列：线索渠道、风险主体名称、统一社会信用代码、所属乡镇、所属行业领域、线索内容、涉及金额（元）、涉及人数、发现日期、举报人姓名、举报人电话）；逐行校验，有问题一行不写。",
)
def leads_import_command(
    file: Annotated[Path, typer.Argument(help="线索表文件", show_default=False)],
) -> None:
    """Import a list of leads, all rows or none."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            count = import_leads(db, actor=rt.actor, cipher=rt.cipher, path=file)
    except FangfeiError as error:
        raise fail(error) from None
    console.print(f"[green]已登记 {count} 条线索[/green]")
