"""Screening a registry file (企业名录) row by row, and writing the hits as CSV or xlsx.

The file has the columns of the entity registry import (``entities.importer.COLUMNS``); only
企业名称 is required here, and 统一社会信用代码, 经营范围 and 持牌金融业务类型 are used when present.
Rows are streamed: memory does not grow with the file, only with the hits.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from openpyxl import Workbook

from fangfei.entities.importer import COLUMNS
from fangfei.errors import FieldProblem, invalid
from fangfei.screening.names import FIELD_LABELS, NameResult, NameScreener
from fangfei.tables import Cells, cell_text, detect_format, is_blank, open_rows

USED_FIELDS = ("name", "uscc", "business_scope", "licence_type")
OUTPUT_HEADER = (
    "行号",
    "企业名称",
    "统一社会信用代码",
    "层级",
    "字样",
    "位置",
    "起",
    "止",
    "原文",
    "依据",
)


@dataclass(frozen=True)
class Row:
    """One enterprise of the registry."""

    number: int  # the header is row 1
    name: str
    uscc: str
    scope: str
    licence: str


@dataclass
class Summary:
    """What a registry screening found."""

    rows: int = 0
    flagged: int = 0
    by_tier: Counter[str] = field(default_factory=Counter)
    by_word: Counter[str] = field(default_factory=Counter)
    exempt: int = 0
    set_aside: int = 0
    hits: int = 0

    def add(self, result: NameResult) -> None:
        """Count one screened enterprise."""
        self.rows += 1
        if result.flagged and result.tier:
            self.flagged += 1
            self.by_tier[result.tier] += 1
        self.hits += len(result.hits)
        self.by_word.update(hit.word for hit in result.hits)
        self.exempt += any(hit.status == "exempt" for hit in result.ignored)
        self.set_aside += sum(hit.status in ("exception", "excluded") for hit in result.ignored)


def _positions(cells: Cells) -> dict[str, int]:
    labels = {c.label: c.field for c in COLUMNS} | {c.field: c.field for c in COLUMNS}
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        found = labels.get(cell_text(cell).lstrip("\ufeff").strip())
        if found in USED_FIELDS and found not in positions:
            positions[found] = index
    if "name" not in positions:
        names = "、".join(t for t in (cell_text(c) for c in cells) if t) or "（无）"
        raise invalid(
            f"第 1 行表头缺少必填列“企业名称”。文件中的列：{names}。",
            [FieldProblem("企业名称", "缺少必填列", 1)],
        )
    return positions


def _cell(cells: Cells, positions: dict[str, int], name: str) -> str:
    index = positions.get(name)
    return cell_text(cells[index]) if index is not None and index < len(cells) else ""


def registry_rows(rows: Iterator[Cells]) -> Iterator[Row]:
    """The enterprises of an opened table, blank rows skipped."""
    first = next(rows, None)
    if first is None:
        raise invalid("文件中没有数据：第 1 行应为表头（企业名称、经营范围……）。")
    positions = _positions(first)
    for number, cells in enumerate(rows, start=2):
        if is_blank(cells):
            continue
        yield Row(
            number,
            _cell(cells, positions, "name"),
            _cell(cells, positions, "uscc"),
            _cell(cells, positions, "business_scope"),
            _cell(cells, positions, "licence_type"),
        )


class HitWriter(Protocol):
    """Where hit rows go."""

    def write(self, values: tuple[object, ...]) -> None:
        """Write one row."""


class _CsvWriter:
    def __init__(self, handle: object) -> None:
        self._writer = csv.writer(handle)  # type: ignore[arg-type]

    def write(self, values: tuple[object, ...]) -> None:
        """Write one CSV row."""
        self._writer.writerow(values)


class _SheetWriter:
    def __init__(self, sheet: object) -> None:
        self._sheet = sheet

    def write(self, values: tuple[object, ...]) -> None:
        """Append one sheet row."""
        self._sheet.append(list(values))  # type: ignore[attr-defined]


@contextmanager
def hit_writer(path: Path) -> Iterator[HitWriter]:
    """A writer of hit rows to ``path`` (.csv in UTF-8 with BOM, or .xlsx), whole or not at all."""
    partial = path.with_name(path.name + ".part")
    try:
        if path.suffix.lower() == ".xlsx":
            book = Workbook(write_only=True)
            sheet = book.create_sheet("命中")
            writer: HitWriter = _SheetWriter(sheet)
            writer.write(OUTPUT_HEADER)
            yield writer
            book.save(partial)
        else:
            with partial.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = _CsvWriter(handle)
                writer.write(OUTPUT_HEADER)
                yield writer
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise invalid(
            f"无法写入 {path}：{exc.strerror or exc}。",
            [FieldProblem("--out", "所在目录不存在、没有写入权限，或文件正被占用")],
        ) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def hit_rows(row: Row, result: NameResult) -> Iterator[tuple[object, ...]]:
    """The output rows of one flagged enterprise, one per hit."""
    for hit in result.hits:
        yield (
            row.number,
            row.name,
            row.uscc,
            hit.tier_label,
            hit.word,
            FIELD_LABELS[hit.field],
            hit.start,
            hit.end,
            hit.text,
            hit.reason,
        )


def screen_registry(path: Path, screener: NameScreener, writer: HitWriter | None = None) -> Summary:
    """Screen every enterprise of a registry file; hits go to ``writer`` as they are found."""
    if not path.is_file():
        raise invalid(f"找不到企业名录：{path}", [FieldProblem("文件", "不存在或不是文件")])
    summary = Summary()
    with open_rows(path, detect_format(path)) as rows:
        for row in registry_rows(rows):
            result = screener.screen(name=row.name, scope=row.scope, licence=row.licence)
            summary.add(result)
            if writer is not None and result.flagged:
                for values in hit_rows(row, result):
                    writer.write(values)
    return summary


def check_out_path(source: Path, out: Path) -> None:
    """Refuse an output that would overwrite the registry or is neither CSV nor xlsx."""
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise invalid(
            "命中清单只能输出为 .csv 或 .xlsx 文件。", [FieldProblem("--out", "扩展名不对")]
        )
    if out.exists() and source.exists() and out.resolve() == source.resolve():
        raise invalid(
            "--out 不能与企业名录是同一个文件。", [FieldProblem("--out", "会覆盖企业名录")]
        )
