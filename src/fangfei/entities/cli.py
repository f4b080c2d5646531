"""`fangfei entities …` commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from fangfei.cli_support import console, fail
from fangfei.db import unit_of_work
from fangfei.entities import importer
from fangfei.errors import FangfeiError
from fangfei.runtime import open_runtime

app = typer.Typer(help="主体档案", no_args_is_help=True)

FLAGGED_SHOWN = 20


def _reading_bar() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("读取表格"),
        BarColumn(),
        TextColumn("已读 {task.completed} 行"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def _print_result(result: importer.ImportResult) -> None:
    flagged = len(result.flagged)
    console.print(
        f"[green]导入 {result.imported} 家[/green]，{flagged} 家证照号码待核（导入批次 {result.batch_id}）"
    )
    for problem in result.flagged[:FLAGGED_SHOWN]:
        console.print(f"  - {escape(str(problem))}", soft_wrap=True)
    if flagged > FLAGGED_SHOWN:
        console.print(f"  …… 另有 {flagged - FLAGGED_SHOWN} 行待核，可在主体列表中按证照状态筛选")
    if result.supervised:
        console.print(
            f"名称、经营范围筛查：{result.supervised} 家列入重点监管对象（见“筛查工具 · 重点监管对象”）"
        )
    for note in result.notes:
        console.print(f"提示：{escape(note)}")


@app.command(
    "import",
    help="导入企业名录（xlsx 或 CSV）：先逐行校验整个文件，全部通过才写入；"
    "有任何问题则列出每一行、一行也不写入。统一社会信用代码无效或未填的企业照常导入并标记待核。",
)
def entities_import(
    file: Annotated[Path, typer.Argument(help="企业名录文件（.xlsx 或 .csv）", show_default=False)],
) -> None:
    """Import an enterprise registry file, all rows or none."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db, _reading_bar() as bar:
            task = bar.add_task("read", total=None)
            result = importer.import_registry(
                db,
                actor=rt.actor,
                path=file,
                progress=lambda rows: bar.update(task, completed=rows),
            )
    except FangfeiError as error:
        raise fail(error) from None
    _print_result(result)
