"""Reading tabular files that clerks bring: xlsx or CSV in UTF-8 or GBK, decided by content.

Every import (enterprise registries now; leads, bank statements and claims later) reads its rows
through here, so that a damaged file, an old .xls or a picture renamed to .csv gets the same clear
message everywhere.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from fangfei.errors import FangfeiError, FieldProblem, invalid

Cells = Sequence[object]
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Control characters that never occur in a text table but always do in images, PDFs, archives.
_BINARY_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    InvalidFileException,
    KeyError,
    ValueError,
    TypeError,
    OSError,
    EOFError,
    SyntaxError,
    csv.Error,
)


def _not_a_table(reason: str) -> FangfeiError:
    return invalid("文件不是 Excel（xlsx）或 CSV 表格。", [FieldProblem("文件", reason)])


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in blocks."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _is_text(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                if _BINARY_CHARS.search(decoder.decode(chunk)):
                    return False
            return not _BINARY_CHARS.search(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        return False


def detect_format(path: Path) -> str:
    """``xlsx``, or the encoding to read the file as CSV with."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head == _XLS_MAGIC:
        # A password-protected xlsx is an OLE container holding an "EncryptedPackage" stream.
        if "EncryptedPackage".encode("utf-16-le") in path.read_bytes()[: 1 << 20]:
            raise _not_a_table("文件设有打开密码：请在 Excel 中取消密码、另存为 xlsx 后再导入")
        raise _not_a_table("这是旧版 Excel（xls）文件：请在 Excel 中另存为 xlsx 后再导入")
    for encoding in ("utf-8-sig", "gb18030"):
        if _is_text(path, encoding):
            return encoding
    raise _not_a_table("既不是 xlsx 文件，也不是 UTF-8 或 GBK 编码的 CSV 文本")


def _guarded(rows: Iterator[Cells]) -> Iterator[Cells]:
    """The rows of a reader, with a damaged file reported as such instead of crashing."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except _READ_ERRORS as exc:
            raise _not_a_table("文件已损坏或不完整，无法读完") from exc
        yield row


def _delimiter(fh: IO[str]) -> str:
    first = fh.readline()
    fh.seek(0)
    return max((",", "\t", ";"), key=first.count)


@contextmanager
def _csv_rows(path: Path, encoding: str) -> Iterator[Iterator[Cells]]:
    with path.open(encoding=encoding, newline="") as fh:
        yield _guarded(csv.reader(fh, delimiter=_delimiter(fh)))


@contextmanager
def _xlsx_rows(path: Path) -> Iterator[Iterator[Cells]]:
    with path.open("rb") as fh:
        try:
            book = load_workbook(fh, read_only=True, data_only=True)
        except _READ_ERRORS as exc:
            raise _not_a_table("无法按 Excel（xlsx）打开：文件已损坏或不完整") from exc
        try:
            sheets = book.worksheets
            yield _guarded(sheets[0].iter_rows(values_only=True) if sheets else iter(()))
        finally:
            book.close()


def open_rows(path: Path, kind: str) -> AbstractContextManager[Iterator[Cells]]:
    """The rows of the file's first sheet (xlsx) or of the CSV text, as sequences of cells."""
    return _xlsx_rows(path) if kind == "xlsx" else _csv_rows(path, kind)


def cell_text(value: object) -> str:
    """A cell as trimmed text; whole floats without ".0", midnight datetimes as dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return str(value).strip()


def is_blank(cells: Cells) -> bool:
    """Whether every cell of a row is empty."""
    return all(cell_text(cell) == "" for cell in cells)


class CellRejected(Exception):
    """A cell value that cannot be accepted; ``reason`` is shown to the clerk."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_DATE_FORMATS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def parse_date(raw: object) -> date | None:
    """A date from a date cell or common Chinese spellings; None when empty."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = unicodedata.normalize("NFKC", cell_text(raw))
    if not text:
        return None
    for pattern in _DATE_FORMATS:
        if match := pattern.fullmatch(text):
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                raise CellRejected(f"日期“{text}”不存在") from None
    raise CellRejected(
        f"无法识别的日期“{text}”：请写成 2020-01-31、2020/01/31、2020年1月31日 或 20200131"
    )
