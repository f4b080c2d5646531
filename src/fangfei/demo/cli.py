"""`fangfei demo`: load the demo county."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table
from sqlalchemy import inspect, select

from fangfei.auth.models import User
from fangfei.auth.roles import ROLE_LABELS
from fangfei.cli_support import console, fail
from fangfei.clock import local_today
from fangfei.db import unit_of_work
from fangfei.demo.bank import MONTHS as DEMO_MONTHS
from fangfei.demo.bank import load_demo_bank_data
from fangfei.demo.county import (
    DEFAULT_SEED,
    DEMO_LOGINS,
    DemoLogin,
    DemoSummary,
    build_demo,
    existing_counts,
)
from fangfei.errors import FangfeiError
from fangfei.runtime import Runtime, open_runtime


def _logins_table(rt: Runtime, logins: Iterable[DemoLogin]) -> Table:
    url = f"http://{rt.settings.host}:{rt.settings.port}"
    table = Table(title=f"演示账号（登录地址 {url}）")
    for column in ("角色", "用户名", "密码", "说明"):
        table.add_column(column)
    for login in logins:
        table.add_row(ROLE_LABELS[login.role], login.username, login.password, login.display_name)
    return table


def _existing_demo_logins(rt: Runtime) -> list[DemoLogin]:
    with unit_of_work(rt.sessions) as db:
        names = set(db.scalars(select(User.username)))
    return [login for login in DEMO_LOGINS if login.username in names]


def _load(rt: Runtime, seed: int, enterprises: int, persons: int) -> DemoSummary:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    tasks: dict[str, TaskID] = {}
    with Progress(*columns, console=console) as bar, unit_of_work(rt.sessions) as db:

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        summary = build_demo(db, actor=rt.actor, cipher=rt.cipher, seed=seed, files_root=rt.settings.files_dir,
                             enterprises=enterprises, persons=persons, progress=report)  # fmt: skip
        report("生成并筛查银行流水", 0, 1)
        alerts = load_demo_bank_data(db, actor=rt.actor, cipher=rt.cipher,
                                     home=rt.settings.resolved_home, seed=seed, today=local_today())  # fmt: skip
        report("生成并筛查银行流水", 1, 1)
        return replace(summary, alerts=alerts.written)


def _print_summary(summary: DemoSummary) -> None:
    console.print(
        f"[green]示范县演示数据已载入[/green]（种子 {summary.seed}）：乡镇（街道）{summary.townships} 个，"
        f"企业 {summary.enterprises} 家（其中 {summary.flagged_enterprises} 家信用代码有误或缺失），"
        f"个人 {summary.persons} 名（其中 {summary.flagged_persons} 名身份证号码有误或缺失），"
        f"其中 {summary.supervised} 家按名称、经营范围列入重点监管对象，银行账户 {summary.accounts} 个，风险线索 {summary.leads} 条，案件 {summary.cases} 件（其中一件有 {summary.participants} 名集资参与人的清退登记册），"
        f"近 {DEMO_MONTHS} 个月的银行流水和资金监测预警 {summary.alerts} 条。"
    )


def demo(
    seed: Annotated[
        int, typer.Option(help="随机种子：相同的种子生成完全相同的数据")
    ] = DEFAULT_SEED,
    enterprises: Annotated[int, typer.Option(min=0, help="企业数量")] = 20000,
    persons: Annotated[int, typer.Option(min=0, help="个人数量")] = 5000,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="库中已有用户或主体时不做改动，只显示演示账号")
    ] = False,
) -> None:
    """Load the demo county 示范县 (townships, enterprises, persons, accounts, one login per role)."""
    rt = open_runtime()
    if not inspect(rt.engine).has_table("users"):
        console.print("[red]错误：数据库尚未建立。请先运行 `fangfei db upgrade`。[/red]")
        raise typer.Exit(code=2)
    if if_empty:
        with unit_of_work(rt.sessions) as db:
            counts = existing_counts(db)
        if counts["users"] or counts["entities"]:
            console.print("数据库中已有数据，未载入演示数据。")
            logins = _existing_demo_logins(rt)
            if logins:
                console.print(_logins_table(rt, logins))
            return
    try:
        summary = _load(rt, seed, enterprises, persons)
    except FangfeiError as error:
        raise fail(error) from None
    _print_summary(summary)
    console.print(_logins_table(rt, summary.logins))
