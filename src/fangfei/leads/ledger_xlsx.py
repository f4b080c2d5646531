"""The ledgers as Excel files in the official layout: title, header block, column headers,
domain groups (Attachment 2), numbered rows, the notes under the table, A4 landscape print setup."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from fangfei.leads import ledger
from fangfei.leads.models import Lead

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
HEADER_ROW = 3  # title, header block, then the column headers


def _frame(sheet: Worksheet, title: str, columns: tuple[str, ...]) -> None:
    width = len(columns)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1, title).font = Font(size=16, bold=True)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.cell(2, 1, ledger.HEADER_BLOCK)
    for col, name in enumerate(columns, start=1):
        cell = sheet.cell(HEADER_ROW, col, name)
        cell.font, cell.alignment, cell.border = Font(bold=True), WRAP, BOX
        sheet.column_dimensions[get_column_letter(col)].width = 8 if col == 1 else 16
    sheet.row_dimensions[HEADER_ROW].height = 60
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _put(sheet: Worksheet, row: int, values: list[object]) -> None:
    for col, value in enumerate(values, start=1):
        cell = sheet.cell(row, col, value)
        cell.border, cell.alignment = BOX, Alignment(wrap_text=True, vertical="center")


def a2_workbook(db: Session, leads: list[Lead]) -> bytes:
    """Attachment 2 with its six domain groups, numbered within the table."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "附件2"
    _frame(sheet, ledger.A2_TITLE, ledger.A2_COLUMNS)
    names, row, number = ledger.Names.load(db), HEADER_ROW + 1, 0
    for title, members in ledger.grouped(db, leads):
        sheet.merge_cells(
            start_row=row, start_column=1, end_row=row, end_column=len(ledger.A2_COLUMNS)
        )
        sheet.cell(row, 1, title).font = Font(bold=True)
        row += 1
        for lead in members:
            number += 1
            _put(sheet, row, [number, *ledger.a2_row(lead, names)])
            row += 1
    for note in ledger.A2_NOTES:
        sheet.cell(row + 1, 1, note)
        row += 1
    return _bytes(book)


def a6_workbook(db: Session, leads: list[Lead]) -> bytes:
    """Attachment 6, one numbered row per lead."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "附件6"
    _frame(sheet, ledger.A6_TITLE, ledger.A6_COLUMNS)
    names = ledger.Names.load(db)
    for number, lead in enumerate(leads, start=1):
        _put(sheet, HEADER_ROW + number, [number, *ledger.a6_row(lead, names)])
    return _bytes(book)


def _bytes(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workbook(db: Session, layout: str, leads: list[Lead]) -> bytes:
    """The ledger file of a layout (a2 or a6)."""
    return a2_workbook(db, leads) if layout == "a2" else a6_workbook(db, leads)
