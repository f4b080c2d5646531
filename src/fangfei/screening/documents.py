"""Reading promotional texts from files: ``.txt`` (one text a line), ``.html``, ``.docx``, folders.

A UTF-8 ``.txt`` file holds one text per line (blank lines skipped), each named ``file:line``; an
HTML page or a Word document is one text, its visible words with one line per block. A folder is
read recursively, in name order, skipping files of other kinds (they are counted, not refused).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
from bs4 import BeautifulSoup

from fangfei.errors import FangfeiError, FieldProblem, invalid

SUFFIXES = (".txt", ".html", ".htm", ".docx")
_BLANK_LINES = re.compile(r"\n\s*\n+")


@dataclass(frozen=True)
class Document:
    """One text to screen and where it came from."""

    source: str
    text: str


@dataclass
class Skipped:
    """Files of a folder that were not read, by reason."""

    files: list[str]


def _unreadable(path: Path, reason: str) -> FangfeiError:
    return invalid(f"无法读取 {path}：{reason}。", [FieldProblem("文件", reason)])


def _lines(path: Path) -> Iterator[Document]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _unreadable(path, "不是 UTF-8 编码的文本：请另存为 UTF-8 后重试") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield Document(f"{path.name}:{number}", line.strip())


def _html(path: Path) -> Document:
    raw = path.read_bytes()
    soup = BeautifulSoup(raw, "html.parser")
    for hidden in soup(["script", "style", "noscript", "template"]):
        hidden.decompose()
    text = _BLANK_LINES.sub("\n", soup.get_text("\n")).strip()
    return Document(path.name, text)


def _docx(path: Path) -> Document:
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise _unreadable(path, "不是有效的 Word（docx）文件") from exc
    parts = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells if cell.text.strip())
    return Document(path.name, "\n".join(parts))


def read_file(path: Path) -> Iterator[Document]:
    """The texts of one file, by its kind."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        yield from _lines(path)
    elif suffix in (".html", ".htm"):
        yield _html(path)
    elif suffix == ".docx":
        yield _docx(path)
    else:
        raise _unreadable(path, f"只支持 {'、'.join(SUFFIXES)} 文件")


def read_documents(path: Path, skipped: Skipped | None = None) -> Iterator[Document]:
    """The texts of a file, or of every supported file under a folder."""
    if path.is_dir():
        for item in sorted(p for p in path.rglob("*") if p.is_file()):
            if item.suffix.lower() in SUFFIXES:
                yield from read_file(item)
            elif skipped is not None:
                skipped.files.append(str(item.relative_to(path)))
        return
    if not path.is_file():
        raise _unreadable(path, "文件或文件夹不存在")
    yield from read_file(path)
