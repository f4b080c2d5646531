"""`fangfei tx …` (bank data) and `fangfei monitor …` (scenarios, alerts, quality).

Mount with ``app.add_typer(tx_app, name="tx")`` and ``app.add_typer(monitor_app, name="monitor")``.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from sqlalchemy import select

from fangfei.cli_support import console, fail
from fangfei.config import get_settings
from fangfei.db import unit_of_work
from fangfei.errors import FangfeiError, FieldProblem, invalid
from fangfei.monitoring import triage
from fangfei.monitoring.alerts import Alert
from fangfei.monitoring.engines import make_engine
from fangfei.monitoring.generator import Difficulty, Format, GeneratorConfig, generate
from fangfei.monitoring.importer import ImportResult, import_files
from fangfei.monitoring.mapping import CANONICAL, load_mapping, parse_mapping, save_mapping
from fangfei.monitoring.models import MonitorAlert
from fangfei.monitoring.quality import QualityReport, measure
from fangfei.monitoring.runner import default_window, run_store
from fangfei.monitoring.scenarios.spec import load_pack, pack_path
from fangfei.monitoring.scoring import score_hits
from fangfei.monitoring.store import BankStore
from fangfei.runtime import open_runtime

tx_app = typer.Typer(help="银行交易流水：导入、列映射、生成演示数据", no_args_is_help=True)
mapping_app = typer.Typer(help="各银行导出格式的列映射", no_args_is_help=True)
monitor_app = typer.Typer(
    help="资金异动监测：运行监测模型、查看预警、评估质量", no_args_is_help=True
)
tx_app.add_typer(mapping_app, name="mapping")
ALERT_COLUMNS = ("account_id", "scenario", "score", "period_start", "period_end", "explanation")


def _home() -> Path:
    return get_settings().resolved_home


@contextmanager
def _progress() -> Iterator[Progress]:
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        yield progress


# --- tx -------------------------------------------------------------------------------------


def _print_import(result: ImportResult) -> None:
    for note in result.notes:
        console.print(f"提示：{escape(note)}")
    console.print(f"账户：新增 {result.accounts_added} 个，已存在 {result.accounts_known} 个")
    console.print(
        f"交易流水：新增 {result.transactions_added} 笔，已导入过 {result.transactions_known} 笔（按银行+流水号去重）"
    )
    if result.months:
        console.print(f"涉及月份：{'、'.join(result.months)}")


@tx_app.command(
    "import",
    help="导入账户文件和交易流水文件（CSV/xlsx/Parquet，UTF-8 或 GBK）；有任何问题则逐行列出、一行不写。",
)
def tx_import(
    accounts: Annotated[Path, typer.Argument(help="账户文件", show_default=False)],
    transactions: Annotated[Path, typer.Argument(help="交易流水文件", show_default=False)],
    mapping: Annotated[
        str | None, typer.Option("--mapping", help="使用已保存的某银行列映射")
    ] = None,
    problems: Annotated[
        Path | None, typer.Option("--problems", help="把全部问题写入此 CSV 文件")
    ] = None,
) -> None:
    """Import an accounts file and a transactions file, whole or not at all."""
    try:
        store = BankStore.default()
        bank_mapping = load_mapping(store.mappings_dir, mapping) if mapping else CANONICAL
        with _progress() as progress:
            tasks: dict[str, object] = {}

            def step(label: str, done: int, total: int | None) -> None:
                if label not in tasks:
                    tasks[label] = progress.add_task(label, total=total)
                progress.update(tasks[label], completed=done, total=total)  # type: ignore[arg-type]

            result = import_files(
                accounts,
                transactions,
                store=store,
                mapping=bank_mapping,
                step=step,
                problems_csv=problems,
            )
    except FangfeiError as error:
        raise fail(error) from None
    _print_import(result)


@mapping_app.command("save", help="保存（或替换）某银行的列映射（YAML 文件，格式见文档）。")
def mapping_save(
    bank: Annotated[str, typer.Argument(help="银行名称", show_default=False)],
    file: Annotated[Path, typer.Argument(help="映射文件（YAML）", show_default=False)],
) -> None:
    """Validate and save a bank's column mapping."""
    try:
        if not file.is_file():
            raise invalid(f"找不到映射文件：{file}", [FieldProblem("文件", "不存在或不是文件")])
        parsed = parse_mapping(file.read_text("utf-8"), str(file))
        path = save_mapping(
            BankStore.default().mappings_dir, parsed.model_copy(update={"bank": bank})
        )
    except FangfeiError as error:
        raise fail(error) from None
    console.print(f"已保存“{escape(bank)}”的列映射：{escape(str(path))}")


@mapping_app.command("show", help="显示某银行已保存的列映射。")
def mapping_show(bank: Annotated[str, typer.Argument(help="银行名称", show_default=False)]) -> None:
    """Print a bank's saved mapping."""
    try:
        saved = load_mapping(BankStore.default().mappings_dir, bank)
    except FangfeiError as error:
        raise fail(error) from None
    console.print_json(saved.model_dump_json())


@tx_app.command(
    "generate",
    help="生成一个县的合成银行数据（含合法的相似行为和注入的集资、放贷等模式及账户级标注）。",
)
def tx_generate(
    accounts: Annotated[int, typer.Option("--accounts", min=100, help="账户数")] = 20_000,
    days: Annotated[int, typer.Option("--days", min=30, max=3650, help="天数")] = 365,
    seed: Annotated[int, typer.Option("--seed", help="随机种子（同一种子生成同样的数据）")] = 1,
    difficulty: Annotated[str, typer.Option("--difficulty", help="easy|medium|hard")] = "hard",
    out: Annotated[Path, typer.Option("--out", help="输出目录")] = Path("bank-data"),
    fmt: Annotated[str, typer.Option("--format", help="csv|parquet")] = "csv",
    start: Annotated[str, typer.Option("--start", help="起始日期 YYYY-MM-DD")] = "2025-01-01",
) -> None:
    """Write accounts, transactions and labels of a synthetic county."""
    try:
        config = GeneratorConfig(
            accounts, days, seed, _difficulty(difficulty), _date(start, "--start")
        )
        kind = _format(fmt)
        with _progress() as progress:
            task = progress.add_task("生成交易流水", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            made = generate(config, out, kind, advance)
    except FangfeiError as error:
        raise fail(error) from None
    console.print(f"已生成 {made.accounts} 个账户、{made.rows} 笔交易流水：")
    for path in (made.accounts_path, made.transactions_path, made.labels_path):
        console.print(f"  {escape(str(path))}")


def _difficulty(value: str) -> Difficulty:
    if value not in ("easy", "medium", "hard"):
        raise invalid(
            "--difficulty 只能是 easy、medium 或 hard。", [FieldProblem("--difficulty", value)]
        )
    return cast(Difficulty, value)


def _format(value: str) -> Format:
    if value not in ("csv", "parquet"):
        raise invalid("--format 只能是 csv 或 parquet。", [FieldProblem("--format", value)])
    return cast(Format, value)


def _date(value: str | None, option: str) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        raise invalid(
            f"{option} 不是有效日期（应为 YYYY-MM-DD）：{value}", [FieldProblem(option, "日期无效")]
        ) from None


# --- monitor --------------------------------------------------------------------------------


@monitor_app.command(
    "run", help="在已导入的交易流水上运行全部监测模型，保存预警（同一账户同一期间重跑不重复）。"
)
def monitor_run(
    engine: Annotated[str, typer.Option("--engine", help="duckdb|spark")] = "duckdb",
    start: Annotated[
        str | None, typer.Option("--from", help="开始日期 YYYY-MM-DD（默认：最早的整月）")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="结束日期 YYYY-MM-DD（默认：最晚的整月）")
    ] = None,
    master: Annotated[
        str | None, typer.Option("--master", help="Spark 集群地址，如 spark://主机:7077")
    ] = None,
) -> None:
    """Run the scenario pack and store the alerts."""
    try:
        home = _home()
        store, pack = BankStore.default(), load_pack(pack_path(home))
        window = default_window(
            store, _date(start, "--from") if start else None, _date(end, "--to") if end else None
        )
        runner = make_engine(engine, master=master, spill=home / "monitoring" / "spill")
        try:
            with _progress() as progress:
                task = progress.add_task("监测模型", total=10)
                hits = run_store(
                    runner,
                    pack,
                    store,
                    window,
                    lambda name: progress.update(task, advance=1, description=f"监测模型 {name}"),
                )
                progress.update(task, completed=10)
        finally:
            runner.close()
        alerts = score_hits(hits, pack, window, engine)
        rt = open_runtime()
        with unit_of_work(rt.sessions) as db:
            saved = triage.record_run(db, actor=rt.actor, cipher=rt.cipher, store=store,
                                      alerts=alerts)  # fmt: skip
    except FangfeiError as error:
        raise fail(error) from None
    console.print(f"期间 {window.start} 至 {window.end}，模型版本 {pack.version}，引擎 {engine}")
    console.print(
        f"预警 {len(alerts)} 条：新增 {saved.written} 条，更新同期间的 {saved.updated} 条，"
        f"覆盖此前重叠期间的待研判预警 {saved.superseded} 条；{saved.linked} 个户主已关联主体档案"
    )
    _print_top(alerts)


def _print_top(alerts: list[Alert], limit: int = 10) -> None:
    table = Table("账号", "模型", "得分", "类型")
    for alert in sorted(alerts, key=lambda a: -a.score)[:limit]:
        table.add_row(
            alert.account_id,
            "、".join(alert.scenarios),
            f"{alert.score:.2f}",
            "、".join(alert.typologies),
        )
    if alerts:
        console.print(table)


def alerts_csv(alerts: list[MonitorAlert]) -> str:
    """The alert list as CSV text with the documented columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ALERT_COLUMNS)
    for a in alerts:
        writer.writerow(
            [
                a.account_id,
                ",".join(a.scenarios),
                f"{a.score:.2f}",
                a.period_start,
                a.period_end,
                a.explanation,
            ]
        )
    return buffer.getvalue()


@monitor_app.command(
    "alerts",
    help="输出已保存的预警：csv（account_id, scenario, score, period_start, period_end, explanation）或含证据的 json。",
)
def monitor_alerts(
    fmt: Annotated[str, typer.Option("--format", help="csv|json")] = "csv",
    out: Annotated[Path | None, typer.Option("--out", help="写入文件（默认输出到屏幕）")] = None,
) -> None:
    """Print or write the stored alerts."""
    try:
        if fmt not in ("csv", "json"):
            raise invalid("--format 只能是 csv 或 json。", [FieldProblem("--format", fmt)])
        rt = open_runtime()
        with unit_of_work(rt.sessions) as db:
            alerts = list(db.scalars(select(MonitorAlert).where(MonitorAlert.status != "superseded")
                                     .order_by(MonitorAlert.score.desc(), MonitorAlert.account_id)))  # fmt: skip
            text = (
                alerts_csv(alerts)
                if fmt == "csv"
                else json.dumps([triage.as_json(a) for a in alerts], ensure_ascii=False, indent=2)
                + "\n"
            )
    except FangfeiError as error:
        raise fail(error) from None
    if out:
        out.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        console.print(f"已写入 {len(alerts)} 条预警：{escape(str(out))}")
    else:
        sys.stdout.write(text)


@monitor_app.command(
    "scenarios", help="显示正在使用的监测模型参数（阈值、理由、出处、权重、版本）。"
)
def monitor_scenarios() -> None:
    """Print the scenario pack in force."""
    try:
        path = pack_path(_home())
        pack = load_pack(path)
    except FangfeiError as error:
        raise fail(error) from None
    console.print(
        f"模型参数：{escape(str(path))}（版本 {pack.version}，预警分数线 {pack.alert_score():g}）"
    )
    for sid, settings in pack.scenarios.items():
        console.print(
            f"[bold]{sid} {escape(settings.name)}[/bold] v{settings.version} 权重 {settings.weight:g}{'' if settings.enabled else '（已停用）'}"
        )
        for name, threshold in settings.thresholds.items():
            value = (
                "、".join(threshold.value)
                if isinstance(threshold.value, list)
                else f"{threshold.value:g}"
            )
            console.print(
                f"  {name} = {escape(value)}{threshold.unit}：{escape(threshold.rationale)}（{escape(threshold.source)}）",
                soft_wrap=True,
            )


@monitor_app.command(
    "quality", help="生成各难度的合成数据、运行监测模型，按类型输出账户级精确率、召回率和 F1。"
)
def monitor_quality(
    accounts: Annotated[int, typer.Option("--accounts", min=500, help="每个难度的账户数")] = 20_000,
    days: Annotated[int, typer.Option("--days", min=60, help="天数")] = 365,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    difficulty: Annotated[str, typer.Option("--difficulty", help="easy|medium|hard|all")] = "all",
    engine: Annotated[str, typer.Option("--engine", help="duckdb|spark")] = "duckdb",
) -> None:
    """Measure precision, recall and F1 per typology for each difficulty."""
    levels = ("easy", "medium", "hard") if difficulty == "all" else (difficulty,)
    try:
        pack = load_pack(pack_path(_home()))
        for level in levels:
            with console.status(f"{level}：准备中") as status:
                result = measure(
                    _difficulty(level),
                    accounts=accounts,
                    days=days,
                    seed=seed,
                    pack=pack,
                    engine=engine,
                    tick=status.update,
                )
            print_quality(result)
    except FangfeiError as error:
        raise fail(error) from None


def print_quality(result: QualityReport) -> None:
    """One difficulty's table."""
    table = Table(
        "类型",
        "标注",
        "预警",
        "命中",
        "精确率",
        "召回率",
        "F1",
        "仅凭形态的精确率",
        title=f"{result.difficulty}：{result.accounts} 个账户，{result.rows} 笔交易流水",
    )
    for m, naive in zip(result.metrics, result.shape_only, strict=True):
        table.add_row(
            m.name,
            str(m.labelled),
            str(m.predicted),
            str(m.correct),
            f"{m.precision:.3f}",
            f"{m.recall:.3f}",
            f"{m.f1:.3f}",
            f"{naive.precision:.3f}",
        )
    console.print(table)
    watched = "，".join(
        f"{role} {result.watched_alerted[role]}/{result.watched_total[role]}"
        for role in result.watched_alerted
    )
    console.print(f"代发工资与商户账户被预警数（预警/总数）：{watched}")
    console.print(
        f"集资网络中本身不呈现上述类型的核心账户被预警数：{result.core_alerted}/{result.core_total}"
        "（由 S1、S2 证据中的对手方指向）"
    )
