"""Building enterprise registry files (企业名录) for the import tests."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from stdnum.cn.uscc import calc_check_digit

HEADER = ["企业名称", "统一社会信用代码", "所属乡镇"]
FULL_HEADER = [
    *HEADER,
    "法定代表人",
    "实际控制人",
    "注册地址",
    "经营范围",
    "持牌金融业务类型",
    "成立日期",
    "登记状态",
]
PNG_HEADER = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
)


def valid_uscc(n: int) -> str:
    """A valid unified social credit code, different for every ``n``."""
    first17 = f"91510100{n:09d}"
    return first17 + calc_check_digit(first17)


def bad_checksum(n: int) -> str:
    """A USCC of the right shape whose check character is wrong."""
    good = valid_uscc(n)
    wrong = "0" if good[-1] != "0" else "1"
    return good[:-1] + wrong


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """An xlsx file whose first sheet holds ``rows`` (a second sheet holds noise)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    book.create_sheet("说明").append(["这张表不会被读取"])
    book.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[object]], encoding: str = "utf-8") -> Path:
    """A CSV file in the given encoding (``gbk``, ``utf-8-sig`` …)."""
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path
