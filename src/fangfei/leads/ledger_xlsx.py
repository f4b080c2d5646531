"""The ledgers as Excel files in the official layout: title, header block, column headers,
domain groups (Attachment 2), numbered rows, the notes under the table, A4 landscape print setup."""

from __future__ import annotations

from openpyxl.styles import Font
from sqlalchemy.orm import Session

from fangfei.leads import ledger
from fangfei.leads.models import Lead
from fangfei.reports import sheets


def a2_workbook(db: Session, leads: list[Lead]) -> bytes:
    """Attachment 2 with its six domain groups, numbered within the table."""
    book, sheet = sheets.new_sheet("附件2")
    row = sheets.frame(sheet, ledger.A2_TITLE, ledger.A2_COLUMNS) + 1
    names, number = ledger.Names.load(db), 0
    for title, members in ledger.grouped(db, leads):
        sheet.merge_cells(
            start_row=row, start_column=1, end_row=row, end_column=len(ledger.A2_COLUMNS)
        )
        sheet.cell(row, 1, title).font = Font(bold=True)
        row += 1
        for lead in members:
            number += 1
            sheets.put_row(sheet, row, [number, *ledger.a2_row(lead, names)])
            row += 1
    sheets.put_lines(sheet, row + 1, ledger.A2_NOTES)
    return sheets.to_bytes(book)


def a6_workbook(db: Session, leads: list[Lead]) -> bytes:
    """Attachment 6, one numbered row per lead."""
    book, sheet = sheets.new_sheet("附件6")
    header_row = sheets.frame(sheet, ledger.A6_TITLE, ledger.A6_COLUMNS)
    names = ledger.Names.load(db)
    for number, lead in enumerate(leads, start=1):
        sheets.put_row(sheet, header_row + number, [number, *ledger.a6_row(lead, names)])
    return sheets.to_bytes(book)


def workbook(db: Session, layout: str, leads: list[Lead]) -> bytes:
    """The ledger file of a layout (a2 or a6)."""
    return a2_workbook(db, leads) if layout == "a2" else a6_workbook(db, leads)
