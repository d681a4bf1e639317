"""Write any financial report to CSV or XLSX through its ``columns()`` and ``rows()``.

CSV: UTF-8 with a byte order mark (so Excel reads the accents), comma-separated, quoted
and CRLF-terminated as RFC 4180 says; a header row then the data; amounts as plain
decimals with a dot, dates as ISO 8601. XLSX: a title row (company, report, dates), a
bold header row, amounts as numbers formatted ``#,##0.00``, dates as dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Protocol

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ordo.core.money import quantize_money

from .reports import Column

AMOUNT_FORMAT = "#,##0.00"
RATE_FORMAT = "0.00##"
DATE_FORMAT = "yyyy-mm-dd"


class TabularReport(Protocol):
    company_code: str
    company_name: str
    currency: str

    @property
    def title(self) -> str: ...

    @property
    def period_label(self) -> str: ...

    def columns(self) -> tuple[Column, ...]: ...

    def rows(self) -> Iterator[tuple]: ...


def report_heading(report: TabularReport) -> str:
    """e.g. "ORDO-BE Ordo Distribution Belgium NV — Trial balance — 2026-01-01 to 2026-12-31"."""
    return f"{report.company_code} {report.company_name} — {report.title} — {report.period_label}"


def to_csv(report: TabularReport) -> bytes:
    """The report as RFC 4180 CSV in UTF-8 with a BOM."""
    columns = report.columns()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([c.title for c in columns])
    for row in report.rows():
        writer.writerow(
            [
                _text(value, column, report.currency)
                for value, column in zip(row, columns, strict=True)
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(report: TabularReport) -> bytes:
    """The report as one XLSX sheet: title row, bold header, typed and formatted cells."""
    columns = report.columns()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = report.title[:31]
    sheet.append([report_heading(report)])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=12)
    sheet.append([c.title for c in columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    widths = [len(c.title) for c in columns]
    for row in report.rows():
        sheet.append(
            [
                _cell(value, column, report.currency)
                for value, column in zip(row, columns, strict=True)
            ]
        )
        for index, (cell, column) in enumerate(zip(sheet[sheet.max_row], columns, strict=True)):
            if column.kind == "amount":
                cell.number_format = AMOUNT_FORMAT
            elif column.kind == "rate":
                cell.number_format = RATE_FORMAT
            elif column.kind == "date":
                cell.number_format = DATE_FORMAT
            widths[index] = max(widths[index], len(_text(row[index], column, report.currency)))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 60)
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value: object, column: Column, currency: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if column.kind == "amount":
            value = quantize_money(value, currency)
        elif column.kind == "rate":
            value = value.normalize()
        return f"{value:f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _cell(value: object, column: Column, currency: str) -> object:
    if value == "":
        return None
    if isinstance(value, Decimal) and column.kind == "amount":
        return quantize_money(value, currency)
    return value
