"""Reading a spreadsheet (CSV or XLSX) into a header and rows of strings (no ORM).

Every value becomes a string exactly as a person would read it in the spreadsheet: whole
numbers without a trailing ``.0``, decimals without float artefacts (``12.5``, never
``12.499999``), dates as ISO ``2026-01-31``. Parsing the strings into ``Decimal``, dates
and records is the owning app's job.

Row numbers: each row dict carries ``"__row__"``, the row number the user sees in the
spreadsheet (the header is usually row 1). Fully empty rows are skipped wherever they are,
but the numbering of the remaining rows is kept, so an error can always point at the row
the user sees (see ``services.run_import`` for how the owning services' row numbers are
mapped back onto these).
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ordo.core.errors import InvalidInput, ValidationErrors

MAX_ROWS = 100_000
ROW_KEY = "__row__"
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class ParsedTable:
    """The header (normalised column names) and the non-empty data rows of a sheet.

    ``rows[i]`` maps each column name to its string value, plus ``"__row__"``: the row
    number in the file as the user sees it.
    """

    headers: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    header_row: int = 1

    @property
    def row_numbers(self) -> list[int]:
        return [row[ROW_KEY] for row in self.rows]

    def data_rows(self) -> list[dict[str, str]]:
        """The rows without the ``__row__`` marker (what the owning services receive)."""
        return [{k: v for k, v in row.items() if k != ROW_KEY} for row in self.rows]


def normalise_header(name: str) -> str:
    """``" Customer Group "`` → ``"customer_group"``."""
    return "_".join(str(name).strip().lower().split())


def read_table(filename: str, content: bytes) -> ParsedTable:
    """Parse an uploaded ``.csv`` or ``.xlsx`` file.

    Raises InvalidInput with code ``import.unsupported_format`` (other extension),
    ``import.empty`` (no header or no data rows), ``import.duplicate_columns``,
    ``import.unnamed_column``, ``import.unreadable`` (corrupt workbook or undecodable
    text), ``import.too_many_rows`` (more than 100 000 data rows), and ValidationErrors
    ``import.invalid_rows`` for rows with more values than the header has columns.
    """
    name = (filename or "").strip()
    lowered = name.lower()
    if lowered.endswith(".csv"):
        raw_rows = _csv_rows(name, content)
    elif lowered.endswith(".xlsx"):
        raw_rows = _xlsx_rows(name, content)
    else:
        raise InvalidInput(
            f"{name or 'The file'} is not a CSV or XLSX file: save it as .csv or .xlsx.",
            field="file",
            code="import.unsupported_format",
        )
    return _table(name, raw_rows)


# --- building the table ---------------------------------------------------------------


def _table(filename: str, raw_rows) -> ParsedTable:
    headers: list[str] | None = None
    header_row = 0
    rows: list[dict[str, Any]] = []
    extra_errors: list[dict[str, Any]] = []
    for number, values in raw_rows:
        if not any(values):
            continue
        if headers is None:
            headers = _headers(filename, values)
            header_row = number
            continue
        if len(rows) >= MAX_ROWS:
            raise InvalidInput(
                f"{filename} has more than {_thousands(MAX_ROWS)} rows; split it into smaller files.",
                field="file",
                code="import.too_many_rows",
                details={"limit": MAX_ROWS},
            )
        width = len(headers)
        if len(values) > width and any(values[width:]):
            extra_errors.append(
                {
                    "row": number,
                    "column": "",
                    "message": f"Row {number} has values beyond the last named column "
                    f"({headers[-1]}); remove them or name their column in row {header_row}.",
                    "code": "import.extra_values",
                }
            )
            continue
        row: dict[str, Any] = {
            header: (values[i] if i < len(values) else "") for i, header in enumerate(headers)
        }
        row[ROW_KEY] = number
        rows.append(row)
    if headers is None:
        raise InvalidInput(
            f"{filename} is empty: its first row must name the columns.",
            field="file",
            code="import.empty",
        )
    if extra_errors:
        raise ValidationErrors(
            extra_errors,
            message=f"{len(extra_errors)} problem(s) in the file; nothing was imported.",
            code="import.invalid_rows",
        )
    if not rows:
        raise InvalidInput(
            f"{filename} has no rows below the header: nothing to import.",
            field="file",
            code="import.empty",
        )
    return ParsedTable(headers=headers, rows=rows, header_row=header_row)


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def _headers(filename: str, values: list[str]) -> list[str]:
    names = [normalise_header(v) for v in values]
    while names and not names[-1]:
        names.pop()
    unnamed = [str(i + 1) for i, n in enumerate(names) if not n]
    if unnamed:
        raise InvalidInput(
            f"{filename}: column(s) {', '.join(unnamed)} have no name in the header row.",
            field="file",
            code="import.unnamed_column",
            details={"columns": [int(i) for i in unnamed]},
        )
    seen: set[str] = set()
    duplicates: list[str] = []
    for n in names:
        if n in seen and n not in duplicates:
            duplicates.append(n)
        seen.add(n)
    if duplicates:
        raise InvalidInput(
            f"{filename} names the column(s) {', '.join(duplicates)} more than once.",
            field="file",
            code="import.duplicate_columns",
            details={"columns": duplicates},
        )
    return names


# --- CSV ------------------------------------------------------------------------------


def _decode(filename: str, content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel's "CSV" (not "CSV UTF-8") on Western-European Windows saves cp1252.
        return content.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{filename} is neither UTF-8 nor Windows-1252 text (byte {exc.start + 1}); "
            "save it as 'CSV UTF-8'.",
            field="file",
            code="import.unreadable",
        ) from exc


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; and tab that occurs most often in the first line."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(filename: str, content: bytes):
    text = _decode(filename, content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    number = 0
    try:
        # A record is one spreadsheet row (a quoted value may span several text lines).
        for number, record in enumerate(reader, start=1):
            yield number, [value.strip() for value in record]
    except csv.Error as exc:
        raise InvalidInput(
            f"{filename} is not valid CSV near row {number + 1}: {exc}.",
            field="file",
            code="import.unreadable",
        ) from exc


# --- XLSX -----------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """One cell's value as the string a person reads in the sheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # str(float) is the shortest repr that round-trips: 12.5 → "12.5", 0.1 → "0.1".
        return _decimal_text(Decimal(str(value)))
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    return str(value).strip()


def _decimal_text(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def _xlsx_rows(filename: str, content: bytes):
    from openpyxl import load_workbook  # heavy import, only when a workbook arrives

    # Any failure of the parser on an uploaded file means "not a readable workbook"
    # (bad zip, missing part, broken XML...): report its message, never a 500.
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise InvalidInput(
            f"{filename} could not be read as an XLSX workbook: {exc or type(exc).__name__}",
            field="file",
            code="import.unreadable",
        ) from exc
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [cell_text(v) for v in values]
        except Exception as exc:
            raise InvalidInput(
                f"{filename} could not be read as an XLSX workbook: {exc}",
                field="file",
                code="import.unreadable",
            ) from exc
    finally:
        workbook.close()
