"""`fangfei screen …` commands: names and scopes of a registry, promotional texts, loans, quality.

Nothing here touches the database: the engines are pure, and the LPR comes from the shipped table.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from fangfei.cli_support import console, fail
from fangfei.db import unit_of_work
from fangfei.errors import FangfeiError, FieldProblem, invalid
from fangfei.runtime import open_runtime
from fangfei.screening import runs, supervision
from fangfei.screening.documents import Skipped, read_documents
from fangfei.screening.labelled import HELD_OUT, SPLITS, load_corpus
from fangfei.screening.lenders import tally_lenders
from fangfei.screening.lexicon import (
    EDITABLE,
    data_sha256,
    data_source,
    edited_path,
    name_lexicon,
    shipped,
)
from fangfei.screening.loan_files import TABLE_HELP, read_loans
from fangfei.screening.loans import LoanResult, screen_loan_data
from fangfei.screening.lpr import CAP_MULTIPLE, latest_shipped_lpr
from fangfei.screening.names import default_screener
from fangfei.screening.quality import GOAL_PRECISION, GOAL_RECALL, QualityReport, evaluate
from fangfei.screening.registry import Summary, check_out_path, hit_writer, screen_registry
from fangfei.screening.texts import TextResult, screen_text

app = typer.Typer(help="筛查：企业名称和经营范围、宣传文本、借贷合同", no_args_is_help=True)


def _print_json(data: object) -> None:
    """JSON on stdout, unwrapped and unstyled, so it can be piped."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def benchmark_pct(value: str | None) -> Decimal:
    """The benchmark of promised returns: ``--benchmark``, or 4 × the latest shipped LPR."""
    if value is None:
        return latest_shipped_lpr()[1] * CAP_MULTIPLE
    try:
        pct = Decimal(value.strip().rstrip("%"))
    except InvalidOperation:
        pct = Decimal(-1)
    if not pct.is_finite() or pct <= 0:
        raise invalid(
            f"--benchmark 须为大于 0 的年化百分比，例如 12 或 12.5（收到“{value}”）。",
            [FieldProblem("--benchmark", "不是正数")],
        )
    return pct


RECORD_HELP = "在本系统数据库中记录本次筛查（输入和规则文件的校验值、条数、命中数）"


def _record(kind: str, path: Path, rows: int, flagged: int) -> None:
    """Record a screening of files in the application database (``--record``)."""
    rt = open_runtime()
    with unit_of_work(rt.sessions) as db:
        run = runs.record_files(db, actor=rt.actor, kind=kind, path=path, rows=rows,
                                flagged=flagged)  # fmt: skip
        # on stderr: the results on stdout stay plain JSON for ``loan`` and ``texts --format jsonl``
        typer.echo(f"已记录筛查 {run.id}（输入 sha256 {run.input_sha256[:12]}…）", err=True)


# --- names ------------------------------------------------------------------------------------


def _print_names_summary(summary: Summary, seconds: float, out: Path | None) -> None:
    tiers = name_lexicon().tiers
    console.print(
        f"读取企业：{summary.rows:,} 家；命中：{summary.flagged:,} 家（{summary.hits:,} 处）"
    )
    for code, tier in tiers.items():
        console.print(f"  {tier.label}：{summary.by_tier.get(code, 0):,} 家")
    console.print(
        f"持牌豁免：{summary.exempt:,} 家；例外或禁止性表述中未计：{summary.set_aside:,} 处"
    )
    if summary.by_word:
        top = "、".join(f"{word} {count:,}" for word, count in summary.by_word.most_common(10))
        console.print(f"命中最多的字样：{escape(top)}")
    rate = summary.rows / seconds * 60 if seconds > 0 else 0.0
    console.print(f"用时 {seconds:.1f} 秒（约 {rate:,.0f} 家/分钟）")
    if out is not None:
        console.print(f"命中清单已写入：{escape(str(out))}", soft_wrap=True)


@app.command(
    "names",
    short_help="筛查企业名录中名称和经营范围的敏感字样。",
    help="筛查企业名录（xlsx 或 csv，表头同企业名录导入：企业名称、统一社会信用代码、经营范围、"
    "持牌金融业务类型）中名称和经营范围的敏感字样，打印汇总；--out 写出命中清单（.csv 或 .xlsx）。",
)
def names(
    registry: Annotated[Path, typer.Argument(help="企业名录文件", show_default=False)],
    out: Annotated[Path | None, typer.Option("--out", help="命中清单（.csv 或 .xlsx）")] = None,
    regional: Annotated[
        bool, typer.Option("--regional/--no-regional", help="是否包括北京条例增加的地方金融字样")
    ] = True,
    record: Annotated[bool, typer.Option("--record", help=RECORD_HELP)] = False,
) -> None:
    """Screen every enterprise of a registry file."""
    screener = default_screener(regional=regional)
    started = time.perf_counter()
    try:
        if out is None:
            summary = screen_registry(registry, screener)
        else:
            check_out_path(registry, out)
            with hit_writer(out) as writer:
                summary = screen_registry(registry, screener, writer)
        _print_names_summary(summary, time.perf_counter() - started, out)
        if record:
            _record("registry_file", registry, summary.rows, summary.flagged)
    except FangfeiError as error:
        raise fail(error) from None


@app.command(
    "entities",
    help="按名称和经营范围字样重新筛查全部已登记企业（如词表更新后），更新重点监管对象名单并记录本次筛查。",
)
def entities() -> None:
    """Screen every registered enterprise again and bring the key-supervision list up to date."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            done = supervision.screen_all(db, actor=rt.actor)
            console.print(
                f"筛查已登记企业 {done.run.rows} 家（词表版本 {done.run.lexicon_version}）："
                f"新列入 {done.listed} 家，移出 {done.unlisted} 家，名单现有 {done.run.flagged} 家；"
                f"筛查记录 {done.run.id}，输入校验值 {done.run.input_sha256[:12]}…",
                highlight=False, soft_wrap=True,
            )  # fmt: skip
    except FangfeiError as error:
        raise fail(error) from None


@app.command(
    "words",
    help="显示正在使用的名称和经营范围词表（各档字样、依据、版本）；"
    "--copy 把随系统提供的词表（名称与宣传文本）复制到 $FANGFEI_HOME/screening/ 供管理员修改，"
    "修改后立即生效，再运行 fangfei screen entities 重新筛查已登记企业。",
)
def words(
    copy: Annotated[bool, typer.Option("--copy", help="复制词表到数据目录供修改")] = False,
) -> None:
    """Print the name lexicon in force; ``--copy`` puts editable copies in the home folder."""
    try:
        if copy:
            for name in EDITABLE:
                target = edited_path(name)
                if target.exists():
                    console.print(f"已有 {escape(str(target))}，未覆盖。")
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(shipped(name).read_bytes())
                console.print(f"已复制到 {escape(str(target))}：修改后请把 version 加一。")
        lexicon = name_lexicon()
    except FangfeiError as error:
        raise fail(error) from None
    console.print(
        f"名称词表：{escape(str(data_source('names.yaml')))}（版本 {lexicon.version}，"
        f"sha256 {data_sha256('names.yaml')[:12]}…）",
        soft_wrap=True,
    )
    for code, tier in lexicon.tiers.items():
        listed = "、".join(w.word for w in lexicon.words if w.tier.code == code) or "（无）"
        console.print(f"[bold]{escape(tier.label)}[/bold]（{code}）：{escape(listed)}")
        console.print(f"  依据：{escape(tier.basis)}", soft_wrap=True)


# --- texts ------------------------------------------------------------------------------------


def _text_row(source: str, result: TextResult) -> dict[str, Any]:
    return {"source": source, **result.as_dict()}


def _texts_table(rows: list[tuple[str, TextResult]]) -> Table:
    table = Table("来源", "判定", "得分", "类别", "最高年化", "说明", show_lines=False)
    for source, result in rows:
        verdict = (
            "[red]疑似[/red]" if result.flagged else ("报道/提示" if result.is_report else "—")
        )
        promised = [r.annual_pct for r in result.rates if r.promised]
        top = f"{max(promised)}%" if promised else ""
        labels = "、".join(dict.fromkeys(h.label for h in result.hits))
        verdict_line = result.explanation.split("。", 1)[0] + "。"
        table.add_row(
            escape(source), verdict, str(result.score), escape(labels), top, escape(verdict_line)
        )
    return table


@app.command(
    "texts",
    short_help="筛查宣传文本（txt、html、docx 或文件夹）。",
    help="筛查宣传文本：一个 UTF-8 .txt 文件（每行一条）、.html、.docx，或包含这些文件的文件夹。"
    "--format jsonl 每条输出一个 JSON 对象（flagged、score、rates、hits、explanation）。",
)
def texts(
    path: Annotated[Path, typer.Argument(help="文件或文件夹", show_default=False)],
    output_format: Annotated[str, typer.Option("--format", help="table 或 jsonl")] = "table",
    benchmark: Annotated[
        str | None, typer.Option("--benchmark", help="收益基准（年化 %），默认 4 倍最新 LPR")
    ] = None,
    record: Annotated[bool, typer.Option("--record", help=RECORD_HELP)] = False,
) -> None:
    """Screen promotional texts from a file or folder."""
    try:
        if output_format not in ("table", "jsonl"):
            raise invalid(
                "--format 只能是 table 或 jsonl。", [FieldProblem("--format", "取值不对")]
            )
        pct = benchmark_pct(benchmark)
        skipped = Skipped([])
        rows = [
            (d.source, screen_text(d.text, benchmark_pct=pct))
            for d in read_documents(path, skipped)
        ]
        if record:
            _record("text_files", path, len(rows), sum(result.flagged for _, result in rows))
    except FangfeiError as error:
        raise fail(error) from None
    if output_format == "jsonl":
        for source, result in rows:
            typer.echo(json.dumps(_text_row(source, result), ensure_ascii=False))
        return
    console.print(_texts_table(rows))
    flagged = sum(result.flagged for _, result in rows)
    console.print(f"共 {len(rows)} 条，疑似违规宣传 {flagged} 条（收益基准：年化 {pct}%）。")
    if skipped.files:
        console.print(f"跳过不支持的文件 {len(skipped.files)} 个。")


# --- loans ------------------------------------------------------------------------------------


def _loan_outputs(path: Path) -> tuple[list[dict[str, Any]], list[LoanResult]]:
    outputs: list[dict[str, Any]] = []
    results: list[LoanResult] = []
    for source in read_loans(path):
        if source.error:
            problems = [p.as_dict() for p in source.problems]
            outputs.append({"source": source.source, "error": source.error, "problems": problems})
            continue
        try:
            result = screen_loan_data(source.data)
        except FangfeiError as error:
            problems = [p.as_dict() for p in error.problems]
            outputs.append({"source": source.source, "error": error.message, "problems": problems})
            continue
        results.append(result)
        outputs.append({"source": source.source, **result.as_dict()})
    return outputs, results


@app.command(
    "loan",
    short_help="计算借款实际利率，标记砍头息、超限利率等（输出 JSON）。",
    help="计算借贷合同的实际利率（XIRR）和 IRR 法名义年利率，比较 4 倍 LPR 上限和 36%/72% 线，"
    "标记砍头息、虚增本金、变相收费、以贷还贷、校园贷；多笔借款时按出借人统计两年内超过 36% 的放贷。"
    "输入：一个借款 JSON 文件、含 JSON 文件的文件夹，或 "
    + TABLE_HELP
    + ' 输入有误时输出 {"error": …} 并以 1 退出。',
)
def loan(
    path: Annotated[Path, typer.Argument(help="借款文件或文件夹", show_default=False)],
    record: Annotated[bool, typer.Option("--record", help=RECORD_HELP)] = False,
) -> None:
    """Screen one loan, or many with a per-lender tally; print JSON."""
    try:
        outputs, results = _loan_outputs(path)
        if record:
            _record("loan_files", path, len(outputs), sum(bool(r.flags) for r in results))
    except FangfeiError as error:
        _print_json({"error": error.message, "problems": [p.as_dict() for p in error.problems]})
        raise typer.Exit(code=1) from None
    failed = any("error" in output for output in outputs)
    if len(outputs) == 1:
        single = dict(outputs[0])
        single.pop("source", None)
        _print_json(single)
    elif not outputs:
        _print_json({"error": f"{path} 中没有找到任何借款。"})
        failed = True
    else:
        lenders = [tally.as_dict() for tally in tally_lenders(results)]
        _print_json({"loans": outputs, "lenders": lenders})
    if failed:
        raise typer.Exit(code=1)


# --- quality ----------------------------------------------------------------------------------


def _figures_table(report: QualityReport, held_out: tuple[str, ...]) -> Table:
    table = Table("语料", "正例", "负例", "精确率", "召回率", "说明")
    for split, figures in report.by_split.items():
        note = "留出集（从未用于调参和训练）" if split in held_out else "调参和训练用"
        table.add_row(
            split,
            str(figures.positives),
            str(figures.negatives),
            f"{figures.precision:.3f}",
            f"{figures.recall:.3f}",
            note,
        )
    overall = report.overall
    table.add_row(
        "合计",
        str(overall.positives),
        str(overall.negatives),
        f"{overall.precision:.3f}",
        f"{overall.recall:.3f}",
        "",
    )
    return table


def _category_table(report: QualityReport) -> Table:
    table = Table("类别", "正例", "判定疑似", "召回率", "识别出该类别", "精确率")
    for figures in report.by_category:
        recall = f"{figures.flagged / figures.samples:.3f}" if figures.samples else "—"
        flagged = figures.flagged_with_category
        precision = f"{figures.positives_flagged_with_category / flagged:.3f}" if flagged else "—"
        table.add_row(
            figures.label,
            str(figures.samples),
            str(figures.flagged),
            recall,
            str(figures.detected),
            precision,
        )
    return table


@app.command(
    "quality",
    short_help="在标注语料上评测宣传文本筛查的精确率和召回率。",
    help="在项目自编的标注语料上评测宣传文本筛查，打印精确率、召回率（总体、各语料、各类别）；"
    f"全部或留出集低于目标（精确率 {GOAL_PRECISION}、召回率 {GOAL_RECALL}）时以 1 退出。",
)
def quality(
    split: Annotated[
        list[str] | None, typer.Option("--split", help="只评测某些语料：" + "、".join(SPLITS))
    ] = None,
    benchmark: Annotated[
        str | None, typer.Option("--benchmark", help="收益基准（年化 %），默认 4 倍最新 LPR")
    ] = None,
    show_errors: Annotated[bool, typer.Option("--show-errors", help="列出判错的文本")] = False,
) -> None:
    """Evaluate text screening on the shipped corpus; exit 1 below the goal."""
    try:
        unknown = [s for s in split or [] if s not in SPLITS]
        if unknown:
            raise invalid(f"没有语料“{'、'.join(unknown)}”：可选 {'、'.join(SPLITS)}。")
        report = evaluate(load_corpus(split or SPLITS), benchmark_pct=benchmark_pct(benchmark))
    except FangfeiError as error:
        raise fail(error) from None
    console.print(_figures_table(report, HELD_OUT))
    console.print(_category_table(report))
    if show_errors:
        for sample, result in report.mistakes:
            kind = "漏判" if sample.positive else "误判"
            console.print(
                f"{kind} {sample.id}（得分 {result.score}）：{escape(sample.text)}", soft_wrap=True
            )
    met = report.meets_goal()
    verdict = "达到" if met else "未达到"
    held_out = report.held_out()
    held_out_text = (
        f"；留出集（对新文本的估计）精确率 {held_out.precision:.3f}、召回率 {held_out.recall:.3f}"
        if held_out.positives + held_out.negatives
        else ""
    )
    console.print(
        f"总体精确率 {report.overall.precision:.3f}、召回率 {report.overall.recall:.3f}"
        f"{held_out_text}，{verdict}目标（{GOAL_PRECISION} / {GOAL_RECALL}）。"
    )
    if not met:
        raise typer.Exit(code=1)
