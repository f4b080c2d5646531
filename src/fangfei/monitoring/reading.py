"""Reading one bank export (CSV in UTF-8 or GBK, xlsx or Parquet) into a staged all-text Parquet.

Every cell is kept as text so that validation can name the row and cell at fault; each record
carries ``_row``, its number in the file with the header as row 1. Nothing is held in memory
beyond one batch, so files of any length stream through.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from fangfei.errors import FangfeiError, FieldProblem, invalid
from fangfei.monitoring.canonical import DATE_FORMAT, TIMESTAMP_FORMAT, Column
from fangfei.monitoring.mapping import FileMapping
from fangfei.tables import open_rows

Progress = Callable[[int, int | None], None]
BATCH_ROWS = 200_000
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass
class RawFile:
    """What reading a file found: its kind, how many records, and rows it could not parse."""

    kind: str
    records: int = 0
    blank: int = 0
    broken: list[FieldProblem] = field(default_factory=list)
    broken_lines: list[int] = field(default_factory=list)


def _not_a_table(what: str, reason: str) -> FangfeiError:
    return invalid(f"{what}不是 CSV、xlsx 或 Parquet 表格。", [FieldProblem("文件", reason)])


def sniff(path: Path, what: str) -> str:
    """``xlsx``, ``parquet``, or the encoding of a CSV text (``utf8`` or ``gb18030``)."""
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(_XLS_MAGIC):
        raise _not_a_table(what, "这是旧版 Excel（xls）文件：请另存为 xlsx 或 CSV 后再导入")
    for encoding, name in (("utf-8-sig", "utf8"), ("gb18030", "gb18030")):
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        if not _BINARY.search(text):
            return name
    raise _not_a_table(what, "既不是 xlsx/Parquet 文件，也不是 UTF-8 或 GBK 编码的 CSV 文本")


def normal_header(label: object) -> str:
    """A header cell compared loosely: BOM, width, case and surrounding blanks ignored."""
    text = "" if label is None else str(label)
    return unicodedata.normalize("NFKC", text.lstrip("\ufeff")).strip().lower()


def resolve_columns(
    header: list[str], columns: tuple[Column, ...], fmap: FileMapping, constants: dict[str, str]
) -> dict[str, int | None]:
    """Canonical column → position in the file (None: filled blank or with a constant)."""
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        key = normal_header(name)
        if key and key in positions:
            raise invalid(
                f"第 1 行表头中“{name}”列出现了两次：请只保留一列。",
                [FieldProblem(name, "与前面的列重复", 1)],
            )
        positions[key] = index
    found: dict[str, int | None] = {}
    missing: list[Column] = []
    for column in columns:
        wanted = normal_header(fmap.columns.get(column.name, column.name))
        found[column.name] = positions.get(wanted)
        if found[column.name] is None and column.required and column.name not in constants:
            missing.append(column)
    if missing:
        _refuse_missing(missing, fmap, header)
    return found


def _refuse_missing(missing: list[Column], fmap: FileMapping, header: list[str]) -> None:
    names = [fmap.columns.get(c.name, c.name) for c in missing]
    problems = [
        FieldProblem(n, f"缺少必填列（{c.label}）", 1) for n, c in zip(names, missing, strict=True)
    ]
    shown = "、".join(h for h in header if h) or "（无）"
    raise invalid(
        f"第 1 行表头缺少必填列：{'、'.join(names)}。文件中的列：{shown}。"
        "其他格式的导出请用 --mapping 指定已保存的银行列映射。",
        problems,
    )


class _CountingReader(io.RawIOBase):
    """A binary file that reports how many bytes were read so far."""

    def __init__(self, path: Path, progress: Progress | None) -> None:
        self._fh = path.open("rb")
        self._total = path.stat().st_size
        self._done = 0
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._fh.readinto(buffer)
        self._done += count
        if self._progress:
            self._progress(self._done, self._total)
        return count

    def close(self) -> None:
        self._fh.close()
        super().close()


def _csv_header(path: Path, encoding: str) -> list[str]:
    text_encoding = "utf-8-sig" if encoding == "utf8" else encoding
    with path.open(encoding=text_encoding, newline="", errors="replace") as fh:
        return next(csv.reader(fh), [])


def _csv_batches(
    path: Path, encoding: str, raw: RawFile, progress: Progress | None, label: str
) -> tuple[list[str], Iterator[pa.RecordBatch]]:
    header = _csv_header(path, encoding)

    def skip(row: Any) -> str:
        raw.broken_lines.append(row.number or 0)
        reason = f"应有 {row.expected_columns} 列，实际 {row.actual_columns} 列（检查分隔符和引号）"
        raw.broken.append(FieldProblem(f"{label}·整行", reason, row.number))
        return "skip"

    def batches() -> Iterator[pa.RecordBatch]:
        stream = _CountingReader(path, progress)
        try:
            reader = pa_csv.open_csv(
                pa.PythonFile(stream, mode="r"),
                read_options=pa_csv.ReadOptions(
                    encoding=encoding, block_size=16 << 20, use_threads=False
                ),
                parse_options=pa_csv.ParseOptions(
                    invalid_row_handler=skip, ignore_empty_lines=False, newlines_in_values=True
                ),
                convert_options=pa_csv.ConvertOptions(
                    column_types=dict.fromkeys(header, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            yield from reader
        except pa.ArrowInvalid as exc:
            raise invalid(
                "文件无法按 CSV 读完：可能混用了编码（UTF-8 与 GBK）或已损坏。",
                [FieldProblem("文件", str(exc).splitlines()[0][:200])],
            ) from exc
        finally:
            stream.close()

    return header, batches()


def _text_column(array: pa.Array, is_date: bool) -> pa.Array:
    if pa.types.is_timestamp(array.type):
        # Whole seconds, as the canonical format has them (Parquet stores seconds as ms).
        array = pc.cast(array, pa.timestamp("s", array.type.tz), safe=False)
        array = pc.strftime(array, DATE_FORMAT if is_date else TIMESTAMP_FORMAT)
    elif pa.types.is_date(array.type):
        array = pc.strftime(array, DATE_FORMAT)
    elif not pa.types.is_string(array.type):
        array = array.cast(pa.string())
    return pc.fill_null(array, "")


def _parquet_batches(
    path: Path, progress: Progress | None
) -> tuple[list[str], Iterator[pa.RecordBatch]]:
    source = pq.ParquetFile(path)
    header = list(source.schema_arrow.names)
    total = source.metadata.num_rows

    def batches() -> Iterator[pa.RecordBatch]:
        done = 0
        for batch in source.iter_batches(batch_size=BATCH_ROWS):
            arrays = [
                _text_column(batch.column(i), normal_header(name) == "opened_at")
                for i, name in enumerate(header)
            ]
            done += batch.num_rows
            if progress:
                progress(done, total)
            yield pa.RecordBatch.from_arrays(arrays, names=header)

    return header, batches()


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(TIMESTAMP_FORMAT)
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_batches(
    path: Path, progress: Progress | None
) -> tuple[list[str], Iterator[pa.RecordBatch]]:
    with open_rows(path, "xlsx") as rows:
        first = next(rows, None)
    header = [_xlsx_cell(cell) for cell in first or ()]

    def batches() -> Iterator[pa.RecordBatch]:
        with open_rows(path, "xlsx") as rows:
            next(rows, None)
            chunk: list[list[str]] = []
            done = 0
            for cells in rows:
                texts = [_xlsx_cell(cell) for cell in cells[: len(header)]]
                chunk.append(texts + [""] * (len(header) - len(texts)))
                if len(chunk) == BATCH_ROWS // 10:
                    done += len(chunk)
                    yield _rows_batch(chunk, header)
                    chunk = []
                    if progress:
                        progress(done, None)
            if chunk:
                yield _rows_batch(chunk, header)

    return header, batches()


def _rows_batch(chunk: list[list[str]], header: list[str]) -> pa.RecordBatch:
    arrays = [pa.array([row[i] for row in chunk], pa.string()) for i in range(len(header))]
    return pa.RecordBatch.from_arrays(arrays, names=header)


def open_source(
    path: Path, what: str, raw: RawFile, progress: Progress | None
) -> tuple[list[str], Iterator[pa.RecordBatch]]:
    """The header and the batches of text cells of one export file."""
    if not path.is_file():
        raise invalid(f"找不到{what}：{path}", [FieldProblem("文件", "不存在或不是文件")])
    if path.stat().st_size == 0:
        raise invalid(f"{what}是空文件：第 1 行应是表头。")
    if raw.kind == "xlsx":
        return _xlsx_batches(path, progress)
    if raw.kind == "parquet":
        return _parquet_batches(path, progress)
    return _csv_batches(path, raw.kind, raw, progress, what)


def _canonical_batch(
    batch: pa.RecordBatch,
    found: dict[str, int | None],
    constants: dict[str, str],
    first_row: int,
) -> pa.RecordBatch:
    size = batch.num_rows
    arrays: list[pa.Array] = []
    for name, position in found.items():
        if position is not None:
            arrays.append(pc.utf8_trim_whitespace(batch.column(position)))
        else:
            arrays.append(pa.array([constants.get(name, "")] * size, pa.string()))
    rows = pa.array(range(first_row, first_row + size), pa.int64())
    return pa.RecordBatch.from_arrays([*arrays, rows], names=[*found, "_row"])


def _blank_mask(batch: pa.RecordBatch) -> pa.Array:
    lengths = [pc.utf8_length(batch.column(i)) for i in range(batch.num_columns - 1)]
    total = lengths[0]
    for length in lengths[1:]:
        total = pc.add(total, length)
    return pc.equal(total, 0)


def stage_file(
    path: Path,
    what: str,
    columns: tuple[Column, ...],
    fmap: FileMapping,
    constants: dict[str, str],
    out: Path,
    progress: Progress | None = None,
) -> RawFile:
    """Copy a file's records as canonical text columns plus ``_row`` into ``out`` (Parquet)."""
    raw = RawFile(kind=sniff(path, what))
    header, batches = open_source(path, what, raw, progress)
    found = resolve_columns(header, columns, fmap, constants)
    schema = pa.schema([(name, pa.string()) for name in found] + [("_row", pa.int64())])
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for batch in batches:
            canonical = _canonical_batch(batch, found, constants, raw.records + 2)
            raw.records += batch.num_rows
            blank = _blank_mask(canonical)
            raw.blank += pc.sum(blank).as_py() or 0
            writer.write_batch(canonical.filter(pc.invert(blank)))
    raw.broken_lines.sort()
    return raw
