"""Reading CSV and XLSX files into rows of strings (no database)."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from ordo.core.errors import InvalidInput, ValidationErrors
from ordo.imports.parsing import cell_text, normalise_header, read_table, sniff_delimiter


def xlsx(*rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def raises(code: str, filename: str, content: bytes) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        read_table(filename, content)
    assert info.value.code == code
    return info.value


# --- CSV --------------------------------------------------------------------------------


def test_comma_separated_csv_gives_headers_rows_and_row_numbers():
    table = read_table(
        "products.csv", b"sku,name\nWIDGET-RED,Widget red\nWIDGET-BLUE,Widget blue\n"
    )

    assert table.headers == ["sku", "name"]
    assert table.rows == [
        {"sku": "WIDGET-RED", "name": "Widget red", "__row__": 2},
        {"sku": "WIDGET-BLUE", "name": "Widget blue", "__row__": 3},
    ]
    assert table.data_rows() == [
        {"sku": "WIDGET-RED", "name": "Widget red"},
        {"sku": "WIDGET-BLUE", "name": "Widget blue"},
    ]
    assert table.header_row == 1


def test_semicolon_csv_with_decimal_commas_keeps_values_intact():
    table = read_table("prices.csv", b"product;fixed_price\r\nWIDGET-RED;12,50\r\n")

    assert table.headers == ["product", "fixed_price"]
    assert table.data_rows() == [{"product": "WIDGET-RED", "fixed_price": "12,50"}]


def test_tab_separated_csv():
    table = read_table("p.csv", b"sku\tname\nA\tB, with comma\n")

    assert table.data_rows() == [{"sku": "A", "name": "B, with comma"}]


def test_utf8_bom_is_dropped_from_the_first_header():
    table = read_table("customers.csv", "code,name\nCAFE,Café Zoë\n".encode("utf-8-sig"))

    assert table.headers == ["code", "name"]
    assert table.data_rows() == [{"code": "CAFE", "name": "Café Zoë"}]


def test_windows_1252_csv_is_read_when_it_is_not_utf8():
    table = read_table("customers.csv", "code;name\nCAFE;Café Zoë\n".encode("cp1252"))

    assert table.data_rows() == [{"code": "CAFE", "name": "Café Zoë"}]


def test_undecodable_csv_is_refused():
    error = raises("import.unreadable", "x.csv", b"code\n\x81\x8d\xff\xfe\n")

    assert error.message == (
        "x.csv is neither UTF-8 nor Windows-1252 text (byte 6); save it as 'CSV UTF-8'."
    )


def test_headers_are_normalised():
    table = read_table("c.csv", b" Code ,Customer Group,VAT  Number\nA,B,C\n")

    assert table.headers == ["code", "customer_group", "vat_number"]
    assert normalise_header("  Min Quantity ") == "min_quantity"


def test_quoted_values_may_hold_delimiters_and_newlines_and_keep_row_numbers():
    content = b'sku,description\nA,"line one\nline two, with comma"\nB,plain\n'
    table = read_table("p.csv", content)

    assert table.rows == [
        {"sku": "A", "description": "line one\nline two, with comma", "__row__": 2},
        {"sku": "B", "description": "plain", "__row__": 3},
    ]


def test_blank_rows_are_skipped_but_row_numbers_stay_those_of_the_file():
    content = b"sku,name\nA,a\n\n,\nB,b\n\n\n"
    table = read_table("p.csv", content)

    assert table.row_numbers == [2, 5]
    assert table.data_rows() == [{"sku": "A", "name": "a"}, {"sku": "B", "name": "b"}]


def test_short_rows_are_padded_with_empty_values():
    table = read_table("p.csv", b"sku,name,gtin\nA\n")

    assert table.data_rows() == [{"sku": "A", "name": "", "gtin": ""}]


def test_values_beyond_the_named_columns_are_reported_per_row():
    with pytest.raises(ValidationErrors) as info:
        read_table("p.csv", b"sku,name\nA,a,extra\nB,b\nC,c,,more\n")

    assert info.value.code == "import.invalid_rows"
    assert info.value.message == "2 problem(s) in the file; nothing was imported."
    assert [(e["row"], e["code"]) for e in info.value.errors] == [
        (2, "import.extra_values"),
        (4, "import.extra_values"),
    ]
    assert info.value.errors[0]["message"] == (
        "Row 2 has values beyond the last named column (name); remove them or name their "
        "column in row 1."
    )


def test_delimiter_sniffing():
    assert sniff_delimiter("a;b;c\n1,5;2;3") == ";"
    assert sniff_delimiter("a,b\n") == ","
    assert sniff_delimiter("a\tb\n") == "\t"
    assert sniff_delimiter("single\n") == ","


# --- errors -----------------------------------------------------------------------------


def test_unknown_extension_is_refused_naming_the_file():
    error = raises("import.unsupported_format", "customers.ods", b"whatever")

    assert error.message == "customers.ods is not a CSV or XLSX file: save it as .csv or .xlsx."
    assert error.status == 422


def test_empty_file_is_refused():
    error = raises("import.empty", "empty.csv", b"")

    assert error.message == "empty.csv is empty: its first row must name the columns."


def test_file_of_blank_lines_is_empty():
    raises("import.empty", "blank.csv", b"\n\n,,\n")


def test_header_without_rows_is_refused():
    error = raises("import.empty", "header.csv", b"sku,name\n")

    assert error.message == "header.csv has no rows below the header: nothing to import."


def test_duplicate_columns_are_refused_after_normalising():
    error = raises("import.duplicate_columns", "p.csv", b"sku,Name,name ,SKU\nA,b,c,d\n")

    assert error.message == "p.csv names the column(s) name, sku more than once."
    assert error.details["columns"] == ["name", "sku"]


def test_unnamed_column_in_the_middle_is_refused():
    error = raises("import.unnamed_column", "p.csv", b"sku,,name\nA,x,b\n")

    assert error.message == "p.csv: column(s) 2 have no name in the header row."


def test_trailing_empty_header_cells_are_ignored():
    table = read_table("p.csv", b"sku,name,,\nA,b,,\n")

    assert table.headers == ["sku", "name"]
    assert table.data_rows() == [{"sku": "A", "name": "b"}]


def test_more_than_100_000_rows_are_refused():
    content = b"sku\n" + b"A\n" * 100_001
    error = raises("import.too_many_rows", "big.csv", content)

    assert error.message == "big.csv has more than 100 000 rows; split it into smaller files."


def test_exactly_100_000_rows_are_accepted():
    table = read_table("big.csv", b"sku\n" + b"A\n" * 100_000)

    assert len(table.rows) == 100_000
    assert table.rows[-1]["__row__"] == 100_001


def test_corrupt_xlsx_is_unreadable_with_the_parsers_message():
    error = raises("import.unreadable", "broken.xlsx", b"this is not a zip file")

    assert error.message == (
        "broken.xlsx could not be read as an XLSX workbook: File is not a zip file"
    )


def test_zip_that_is_not_a_workbook_is_unreadable():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")

    error = raises("import.unreadable", "x.xlsx", buffer.getvalue())

    assert error.message == (
        "x.xlsx could not be read as an XLSX workbook: "
        "\"There is no item named '[Content_Types].xml' in the archive\""
    )


# --- XLSX -------------------------------------------------------------------------------


def test_xlsx_cells_become_strings_without_float_artefacts():
    content = xlsx(
        ["SKU", "Name", "Weight", "Price", "Stock", "Valid From", "Active", "Big"],
        ["WIDGET-RED", "Widget red", 0.25, 12.5, 12, datetime.date(2026, 1, 31), True, 1e20],
        [
            "WIDGET-BLUE",
            "Widget blue",
            12.0,
            0.1,
            5410000000019,
            datetime.datetime(2026, 2, 1),
            None,
            0.3,
        ],
    )
    table = read_table("products.XLSX", content)

    assert table.headers == [
        "sku",
        "name",
        "weight",
        "price",
        "stock",
        "valid_from",
        "active",
        "big",
    ]
    assert table.rows == [
        {
            "sku": "WIDGET-RED",
            "name": "Widget red",
            "weight": "0.25",
            "price": "12.5",
            "stock": "12",
            "valid_from": "2026-01-31",
            "active": "true",
            "big": "100000000000000000000",
            "__row__": 2,
        },
        {
            "sku": "WIDGET-BLUE",
            "name": "Widget blue",
            "weight": "12",
            "price": "0.1",
            "stock": "5410000000019",
            "valid_from": "2026-02-01",
            "active": "",
            "big": "0.3",
            "__row__": 3,
        },
    ]


def test_xlsx_blank_rows_keep_the_sheet_row_numbers():
    content = xlsx(["sku", "name"], ["A", "a"], [None, None], ["B", "b"])
    table = read_table("p.xlsx", content)

    assert table.row_numbers == [2, 4]


def test_xlsx_empty_workbook_is_empty():
    raises("import.empty", "empty.xlsx", xlsx())


def test_xlsx_duplicate_headers_are_refused():
    raises("import.duplicate_columns", "p.xlsx", xlsx(["sku", "SKU"], ["A", "B"]))


def test_cell_text_of_each_type():
    assert cell_text(None) == ""
    assert cell_text(12) == "12"
    assert cell_text(12.5) == "12.5"
    assert cell_text(2.675) == "2.675"
    assert cell_text(1.1 + 2.2) == "3.3000000000000003"  # what the cell really holds
    assert cell_text(Decimal("12.50")) == "12.5"
    assert cell_text(datetime.date(2026, 1, 31)) == "2026-01-31"
    assert cell_text(datetime.datetime(2026, 1, 31, 14, 30)) == "2026-01-31 14:30:00"
    assert cell_text("  padded ") == "padded"
    assert cell_text(False) == "false"
