"""Sheets in the layout of the official tables: a title, an optional header block, one row of
column headers repeated on every printed page, boxed data rows, A4 landscape fitted to the width."""

from __future__ import annotations

import math
import re
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
FILE_TIME = datetime(1980, 1, 1)  # the earliest time a zip member can carry
CORE_PROPERTIES = "docProps/core.xml"
MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*")
DEFAULT_WIDTH = 8.43  # a column's width in characters when none is set
LINE_HEIGHT = 14  # points per line of 11-point text
WIDE_FROM = 0x2E7F  # code points above: CJK and full-width forms, two characters wide
HEADER_BLOCK = "填报单位：（加盖单位公章）        填报时间：        填报人：        联系方式："


def new_sheet(name: str) -> tuple[Workbook, Worksheet]:
    """A workbook whose only sheet is called ``name``."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = name
    return book, sheet


def frame(
    sheet: Worksheet, title: str, columns: tuple[str, ...], header_block: str | None = HEADER_BLOCK
) -> int:
    """Title, header block and column headers, with the print setup; returns the header row."""
    width = len(columns)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1, title).font = Font(size=16, bold=True)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    header_row = 2
    if header_block is not None:
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
        sheet.cell(2, 1, header_block)
        header_row = 3
    for col, name in enumerate(columns, start=1):
        cell = sheet.cell(header_row, col, name)
        cell.font, cell.alignment, cell.border = Font(bold=True), WRAP, BOX
        sheet.column_dimensions[get_column_letter(col)].width = 8 if col == 1 else 16
    sheet.row_dimensions[header_row].height = 60
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return header_row


def grouped_frame(
    sheet: Worksheet, title: str, first: str, leaves: tuple[tuple[str, str, str | None], ...]
) -> int:
    """Title, header block and three merged header rows (group, column, sub-column) between a
    first column and a closing 备注 column, with the print setup; returns the last header row."""
    width = len(leaves) + 2
    header_row = frame(sheet, title, tuple([first] + [""] * (width - 2) + ["备注"]))
    top, middle, bottom = header_row, header_row + 1, header_row + 2
    for col in (1, width):
        sheet.merge_cells(start_row=top, start_column=col, end_row=bottom, end_column=col)
    # Runs of equal adjacent labels in the group row and the column row become one merged cell;
    # a column without sub-columns also spans the sub-column row.
    runs: dict[int, list[list[Any]]] = {top: [], middle: []}  # row → [first col, last col, text]
    for col, (group, name, sub) in enumerate(leaves, start=2):
        for row, text in ((top, group), (middle, name)):
            last = runs[row][-1] if runs[row] else None
            if last is not None and last[2] == text and last[1] == col - 1:
                last[1] = col
            else:
                runs[row].append([col, col, text])
        if sub is not None:
            cell = sheet.cell(bottom, col, sub)
            cell.font, cell.alignment = Font(bold=True), WRAP
    has_sub = {col for col, leaf in enumerate(leaves, start=2) if leaf[2] is not None}
    for row, found in runs.items():
        for start, end, text in found:
            down = bottom if row == middle and start not in has_sub else row
            if (start, row) != (end, down):
                sheet.merge_cells(start_row=row, start_column=start, end_row=down, end_column=end)
            cell = sheet.cell(row, start, text)
            cell.font, cell.alignment = Font(bold=True), WRAP
    for row in (top, middle, bottom):
        sheet.row_dimensions[row].height = 36
        for col in range(1, width + 1):
            sheet.cell(row, col).border = BOX
    for col in range(2, width):
        sheet.column_dimensions[get_column_letter(col)].width = 9
    sheet.column_dimensions["A"].width = 18
    sheet.print_title_rows = f"{top}:{bottom}"
    return bottom


def put_row(sheet: Worksheet, row: int, values: list[object]) -> None:
    """One boxed data row, as tall as its longest wrapped text; a Decimal keeps its decimal
    places on screen (250.00, 0.0060)."""
    lines = 1
    for col, value in enumerate(values, start=1):
        cell = sheet.cell(row, col, value)
        cell.border, cell.alignment = BOX, Alignment(wrap_text=True, vertical="center")
        if isinstance(value, Decimal):
            places = -int(value.as_tuple().exponent)
            cell.number_format = "0." + "0" * places if places > 0 else "0"
        elif isinstance(value, str) and value:
            width = sheet.column_dimensions[get_column_letter(col)].width or DEFAULT_WIDTH
            lines = max(lines, wrapped_lines(value, width))
    if lines > 1:  # LibreOffice and Excel keep a row's height on opening; it must be set here
        sheet.row_dimensions[row].height = LINE_HEIGHT * lines + 4


def wrapped_lines(text: str, width: float) -> int:
    """How many lines a text takes in a column ``width`` characters wide (a Chinese character
    is two characters wide)."""
    room = max(width - 1, 1)
    return sum(
        max(1, math.ceil(sum(2 if ord(c) > WIDE_FROM else 1 for c in part) / room))
        for part in text.split("\n")
    )


def put_lines(sheet: Worksheet, row: int, lines: tuple[str, ...]) -> int:
    """Lines of text under the table (notes, the signature line) from ``row``; returns the next row."""
    for line in lines:
        sheet.cell(row, 1, line)
        row += 1
    return row


def to_bytes(book: Workbook) -> bytes:
    """The workbook as an .xlsx file that carries no time of its own: the same workbook gives
    the same bytes, so a table regenerated from unchanged data has the checksum it had (when and
    by whom a table was generated is its run's record, not the file's)."""
    book.properties.created = FILE_TIME
    buffer = BytesIO()
    book.save(buffer)  # openpyxl stamps the modification time and every member's time here
    fixed = BytesIO()
    with ZipFile(BytesIO(buffer.getvalue())) as source, ZipFile(fixed, "w", ZIP_DEFLATED) as out:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == CORE_PROPERTIES:
                data = MODIFIED.sub(rb"\g<1>" + FILE_TIME.isoformat().encode() + b"Z", data)
            stamped = ZipInfo(member.filename, FILE_TIME.timetuple()[:6])
            stamped.external_attr, stamped.compress_type = member.external_attr, ZIP_DEFLATED
            out.writestr(stamped, data)
    return fixed.getvalue()
