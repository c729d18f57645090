"""Editable office documents (no Flask imports): the DPIA draft as DOCX (python-docx) and the
record of processing as XLSX (openpyxl). The PDFs come from app/pdf.py with the same data."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from app.services.transparency.dpia import DpiaDraft
from app.util.csv_cells import safe_cell


def dpia_docx(draft: DpiaDraft) -> bytes:
    document = Document()
    document.core_properties.title = draft.title
    document.core_properties.author = draft.school
    document.styles["Normal"].font.size = Pt(10.5)
    document.add_heading(draft.title, level=0)
    document.add_paragraph(f"{draft.school}. Supplier: {draft.supplier}.")
    document.add_paragraph(f"{draft.status}. Draft generated {draft.generated_on}.")
    for section in draft.sections:
        document.add_heading(section.heading, level=1)
        if section.intro:
            document.add_paragraph(section.intro)
        if section.facts:
            table = document.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for label, value in section.facts:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = label, value
        if section.table:
            table = document.add_table(rows=1, cols=len(section.table.headers))
            table.style = "Table Grid"
            for cell, header in zip(table.rows[0].cells, section.table.headers, strict=True):
                cell.text = header
                cell.paragraphs[0].runs[0].bold = True
            for row in section.table.rows:
                for cell, value in zip(table.add_row().cells, row, strict=True):
                    cell.text = value
        for note in section.notes:
            document.add_paragraph(note)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def records_xlsx(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, title: str, about: Sequence[str]
) -> bytes:
    """One sheet, one row per processing activity, plus an About sheet. Text that a spreadsheet
    would run as a formula is kept as text (the CSV guard)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Record of processing"
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index in range(1, len(headers) + 1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 32
    sheet.freeze_panes = "B2"
    about_sheet = workbook.create_sheet("About")
    about_sheet.append([title])
    for line in about:
        about_sheet.append([line])
    workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
