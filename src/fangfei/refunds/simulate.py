"""`fangfei refund simulate`: plan a round from a claims file, touching no case and no database."""

from __future__ import annotations

import csv
import os
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Annotated, NamedTuple

import typer
from rich.markup import escape

from fangfei.cli_support import console, fail
from fangfei.errors import FangfeiError, FieldProblem, invalid
from fangfei.refunds.allocation import allocate, fen_to_yuan, yuan_to_fen
from fangfei.tables import Cells, cell_text, detect_format, is_blank, open_rows

ID_LABELS = ("participant_id", "参与人编号")
CLAIM_LABELS = ("claim_yuan", "债权金额", "债权金额(元)")
OUTPUT_HEADER = ("participant_id", "claim_yuan", "refund_yuan")


# --- reading the claims file ------------------------------------------------------------------


@dataclass
class ClaimsFile:
    """The checked rows of a claims file, in file order, and what the reader noticed."""

    ids: list[str] = field(default_factory=list)
    claims_fen: list[int] = field(default_factory=list)
    problems: list[FieldProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _no_data() -> FangfeiError:
    return invalid(
        "债权表中没有数据行：第 1 行写表头 participant_id, claim_yuan，其下每行一位参与人。"
    )


def _normal(label: str) -> str:
    return unicodedata.normalize("NFKC", label.lstrip("\ufeff")).strip().lower()


class _Column(NamedTuple):
    """Where a column sits and how the file spells its header (problems quote that spelling)."""

    position: int
    label: str


def _column(labels: Sequence[str], names: Sequence[str]) -> _Column | None:
    wanted = {_normal(label) for label in labels}
    found = [_Column(i, name) for i, name in enumerate(names) if _normal(name) in wanted]
    if len(found) > 1:
        raise invalid(
            f"第 1 行表头中“{labels[0]}”列出现了 {len(found)} 次：请只保留一列。",
            [FieldProblem(found[1].label, "与前面的列重复", 1)],
        )
    return found[0] if found else None


def _header(cells: Cells) -> tuple[_Column, _Column, list[str]]:
    """The id and claim columns and the ignored ones, or a refusal naming the columns found."""
    names = [cell_text(cell).lstrip("\ufeff") for cell in cells]
    id_column, claim_column = _column(ID_LABELS, names), _column(CLAIM_LABELS, names)
    if id_column and claim_column:
        used = {id_column.position, claim_column.position}
        return id_column, claim_column, [n for i, n in enumerate(names) if n and i not in used]
    pairs = ((ID_LABELS, id_column), (CLAIM_LABELS, claim_column))
    missing = [labels[0] for labels, column in pairs if column is None]
    found = "、".join(name for name in names if name) or "（无）"
    problems = [FieldProblem(label, "缺少必填列", 1) for label in missing]
    raise invalid(f"第 1 行表头缺少必填列：{'、'.join(missing)}。文件中的列：{found}。", problems)


def _cell(cells: Cells, column: _Column) -> str:
    return cell_text(cells[column.position]) if column.position < len(cells) else ""


class _Checker:
    """Checks claim rows one by one, collecting every problem instead of stopping at the first."""

    def __init__(self, id_column: _Column, claim_column: _Column) -> None:
        self.id_column, self.claim_column = id_column, claim_column
        self.first_row_of: dict[str, int] = {}
        self.result = ClaimsFile()

    def feed(self, number: int, cells: Cells) -> None:
        """Check one row (``number`` counts the header as row 1)."""
        participant = _cell(cells, self.id_column)
        problems = self.result.problems
        if not participant:
            problems.append(FieldProblem(self.id_column.label, "不能为空", number))
        elif (first := self.first_row_of.setdefault(participant, number)) != number:
            reason = f"与第 {first} 行重复：{participant}"
            problems.append(FieldProblem(self.id_column.label, reason, number))
        try:
            claim = yuan_to_fen(_cell(cells, self.claim_column), field=self.claim_column.label)
        except FangfeiError as error:
            problems.extend(FieldProblem(p.field, p.reason, number) for p in error.problems)
            return
        if not problems:  # once the file is refused, stop holding rows
            self.result.ids.append(participant)
            self.result.claims_fen.append(claim)


def _checked_rows(rows: Iterator[Cells]) -> ClaimsFile:
    first = next(rows, None)
    if first is None or (is_blank(first) and all(is_blank(row) for row in rows)):
        raise _no_data()
    id_column, claim_column, ignored = _header(first)
    checker = _Checker(id_column, claim_column)
    blank = 0
    for number, cells in enumerate(rows, start=2):  # the header is row 1
        if is_blank(cells):
            blank += 1
        else:
            checker.feed(number, cells)
    if ignored:
        checker.result.notes.append(f"已忽略无关的列：{'、'.join(ignored)}")
    if blank:
        checker.result.notes.append(f"跳过 {blank} 个空行")
    return checker.result


def read_claims(path: Path) -> ClaimsFile:
    """Every row of a claims file (xlsx, or CSV in UTF-8 or GBK) checked; refused if any is bad."""
    if not path.is_file():
        raise invalid(f"找不到债权表：{path}", [FieldProblem("文件", "不存在或不是文件")])
    if path.stat().st_size == 0:
        raise _no_data()
    kind = detect_format(path)
    with open_rows(path, kind) as rows:
        claims = _checked_rows(rows)
    if claims.problems:
        rows_at_fault = len({p.row for p in claims.problems})
        raise invalid(
            f"债权表中有 {len(claims.problems)} 处问题（涉及 {rows_at_fault} 行），"
            "未生成分配表。请逐条修改后重试。",
            claims.problems,
        )
    if not claims.ids:
        raise _no_data()
    if kind == "gb18030":
        claims.notes.insert(0, "文件按 GBK（GB18030）编码读取")
    return claims


# --- writing the allocation -------------------------------------------------------------------


def write_allocation(path: Path, claims: ClaimsFile, refunds_fen: list[int]) -> None:
    """The allocation as CSV in UTF-8 with a BOM (so Excel opens it), written whole or not at all."""
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(OUTPUT_HEADER)
            for participant, claim, refund in zip(
                claims.ids, claims.claims_fen, refunds_fen, strict=True
            ):
                writer.writerow((participant, fen_to_yuan(claim), fen_to_yuan(refund)))
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise _unwritable(path, exc) from exc


def _unwritable(path: Path, exc: OSError) -> FangfeiError:
    if isinstance(exc, FileNotFoundError):
        reason = "所在目录不存在"
    elif isinstance(exc, PermissionError):
        reason = "没有写入权限，或文件正被 Excel 等程序打开"
    else:
        reason = f"写入失败（{exc.strerror or exc}）"
    return invalid(f"无法写入分配表 {path}：{reason}。", [FieldProblem("--out", reason)])


def coverage(paid_fen: int, claims_fen: int) -> str:
    """清偿比例 — paid ÷ claims as a percentage, rounded down so 100% only means fully paid."""
    if claims_fen == 0:
        return "—（债权总额为 0）"
    ratio = Decimal(paid_fen * 100) / Decimal(claims_fen)
    return f"{ratio.quantize(Decimal('0.01'), rounding=ROUND_DOWN)}%"


def _print_summary(claims: ClaimsFile, pool_fen: int, paid_fen: int, out: Path) -> None:
    total = sum(claims.claims_fen)
    for note in claims.notes:
        console.print(f"提示：{escape(note)}")
    console.print(f"参与人数：{len(claims.ids)} 人")
    console.print(f"债权总额：{fen_to_yuan(total, grouped=True)} 元")
    console.print(f"本轮可分配：{fen_to_yuan(pool_fen, grouped=True)} 元")
    console.print(f"实际分配：{fen_to_yuan(paid_fen, grouped=True)} 元")
    console.print(f"清偿比例：{coverage(paid_fen, total)}（实际分配 ÷ 债权总额，向下取到 0.01%）")
    if pool_fen > paid_fen:
        surplus = fen_to_yuan(pool_fen - paid_fen, grouped=True)
        console.print(f"可分配金额超过债权总额，{surplus} 元未分配。")
    console.print(f"已写入分配表：{escape(str(out))}", soft_wrap=True)


# --- the command ------------------------------------------------------------------------------


def _check_paths(claims_file: Path, out: Path) -> None:
    if out.suffix.lower() in {".xlsx", ".xls"}:
        raise invalid(
            "分配表以 CSV 格式输出：请把 --out 的文件名改为 .csv 结尾。",
            [FieldProblem("--out", f"不能是 {out.suffix} 文件")],
        )
    if out.exists() and claims_file.exists() and out.resolve() == claims_file.resolve():
        raise invalid(
            "--out 不能与债权表是同一个文件：请另取一个文件名。",
            [FieldProblem("--out", "会覆盖债权表")],
        )


SHORT_HELP = "模拟一轮按比例清退（不涉及案件、不写数据库）。"
HELP = (
    "模拟一轮按比例清退，不涉及任何案件、不写数据库：读取债权表（.xlsx 或 .csv，"
    "UTF-8 或 GBK，表头 participant_id, claim_yuan），按本轮可分配金额以最大余额法精确到分分配，"
    "输出分配表（participant_id, claim_yuan, refund_yuan）。债权表有任何问题则逐行列出、不输出文件。"
)


def simulate(
    claims_file: Annotated[
        Path, typer.Argument(help="债权表（.xlsx 或 .csv）", show_default=False)
    ],
    pool: Annotated[str, typer.Option("--pool", help="本轮可分配金额（元，最多两位小数）")],
    out: Annotated[Path, typer.Option("--out", help="输出的分配表（CSV，UTF-8 带 BOM）")],
) -> None:
    """Plan one pro-rata round from a claims file and write the allocation as CSV."""
    try:
        pool_fen = yuan_to_fen(pool, field="本轮可分配金额（--pool）")
        _check_paths(claims_file, out)
        claims = read_claims(claims_file)
        shares = allocate(dict(zip(claims.ids, claims.claims_fen, strict=True)), pool_fen)
        refunds_fen = [shares[participant] for participant in claims.ids]
        write_allocation(out, claims, refunds_fen)
    except FangfeiError as error:
        raise fail(error) from None
    _print_summary(claims, pool_fen, sum(refunds_fen), out)
