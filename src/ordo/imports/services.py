"""Running a spreadsheet import: parse, check the columns, hand the rows to the owning app.

The owning apps validate and write the rows (``partners.services.import_partners``,
``catalog.services.import_products`` / ``import_prices``), all or nothing: one bad row and
nothing is written, every bad row reported at once with its row, column and message. This
module adds the file handling, the column check and the ``ImportRun`` record.
"""

from __future__ import annotations

import csv
import hashlib
import importlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ordo.core.audit import record_audit, snapshot
from ordo.core.errors import DomainError, NotFound, PermissionDenied, ValidationErrors
from ordo.core.events import emit
from ordo.core.models import User
from ordo.governance.access import require
from ordo.partners import services as partner_services

from .models import ImportKind, ImportRun, ImportStatus
from .parsing import ParsedTable, read_table

MAX_STORED_ERRORS = 1000

# The partners app owns which columns a partner file may have.
CUSTOMER_COLUMNS = list(partner_services.IMPORT_COLUMNS["customer"])
SUPPLIER_COLUMNS = list(partner_services.IMPORT_COLUMNS["supplier"])


@dataclass(frozen=True)
class KindSpec:
    """What one import kind expects and whom it calls."""

    kind: str
    label: str
    columns: list[str]  # every column the file may have, in template order
    required: list[str]  # columns the header must have
    required_one_of: tuple[str, ...]  # the header must have at least one of these (if any)
    permission: str  # checked up front, before the file is read (the service re-checks)
    module: str
    function: str
    extra: dict[str, str]
    example: dict[str, str]


KINDS: dict[str, KindSpec] = {
    ImportKind.CUSTOMERS: KindSpec(
        kind="customers",
        label="Customers",
        columns=CUSTOMER_COLUMNS,
        # Blank cells keep an existing partner's values, so a file may update only some
        # columns (credit limits, say); the service requires a name for a new partner.
        required=["code"],
        required_one_of=(),
        permission="partners.customer.manage",
        module="ordo.partners.services",
        function="import_partners",
        extra={"role": "customer"},
        example={
            "code": "ACME-TRADING",
            "name": "Acme Trading NV",
            "vat_number": "BE0417497106",
            "email": "orders@acme-trading.example",
            "phone": "+32 2 555 01 23",
            "currency": "EUR",
            "street": "Rue Haute 12",
            "postal_code": "1000",
            "city": "Brussels",
            "country": "BE",
            "credit_limit": "5000.00",
            "company": "ORDO-BE",
        },
    ),
    ImportKind.SUPPLIERS: KindSpec(
        kind="suppliers",
        label="Suppliers",
        columns=SUPPLIER_COLUMNS,
        required=["code"],
        required_one_of=(),
        permission="partners.supplier.manage",
        module="ordo.partners.services",
        function="import_partners",
        extra={"role": "supplier"},
        example={
            "code": "GLOBEX-SUPPLY",
            "name": "Globex Supply BV",
            "email": "sales@globex.example",
            "currency": "EUR",
            "lead_time_days": "5",
            "street": "Damrak 70",
            "postal_code": "1012 LM",
            "city": "Amsterdam",
            "country": "NL",
        },
    ),
    ImportKind.PRODUCTS: KindSpec(
        kind="products",
        label="Products",
        columns=[
            "sku",
            "name",
            "gtin",
            "category",
            "stock_unit",
            "sale_unit",
            "purchase_unit",
            "tracking",
            "description",
            "weight",
        ],
        required=["sku", "name", "category", "stock_unit"],
        required_one_of=(),
        permission="catalog.product.manage",
        module="ordo.catalog.services",
        function="import_products",
        extra={},
        example={
            "sku": "WIDGET-RED",
            "name": "Widget red",
            "gtin": "5410000000019",
            "category": "GENERAL",
            "stock_unit": "PCE",
            "sale_unit": "PCE",
            "purchase_unit": "PCE",
            "tracking": "none",
            "description": "Red widget, 10 cm",
            "weight": "0.250",
        },
    ),
    ImportKind.PRICES: KindSpec(
        kind="prices",
        label="Prices",
        columns=[
            "price_list",
            "company",
            "product",
            "customer",
            "customer_group",
            "min_quantity",
            "fixed_price",
            "discount_percent",
            "valid_from",
            "valid_to",
        ],
        required=["price_list", "company", "product"],
        required_one_of=("fixed_price", "discount_percent"),
        permission="catalog.price.manage",
        module="ordo.catalog.services",
        function="import_prices",
        extra={},
        example={
            "price_list": "RETAIL",
            "company": "ORDO-BE",
            "product": "WIDGET-RED",
            "min_quantity": "10",
            "fixed_price": "12.50",
            "valid_from": "2026-01-01",
        },
    ),
}


@dataclass(frozen=True)
class ImportResult:
    kind: str
    created: int
    updated: int
    rows: int
    import_id: int


def kind_spec(kind: str) -> KindSpec:
    """The spec of an import kind, or NotFound ``import.unknown_kind``."""
    spec = KINDS.get(kind)
    if spec is None:
        raise NotFound(
            f"Unknown import kind '{kind}'; use customers, suppliers, products or prices.",
            code="import.unknown_kind",
        )
    return spec


def importer_for(kind: str) -> Callable[..., Any] | None:
    """The owning app's import service, or None if that app does not provide it (yet).

    Looked up at call time, not at module import, so this module stays importable while
    an owning app is still without its service.
    """
    spec = kind_spec(kind)
    try:
        module = importlib.import_module(spec.module)
    except ModuleNotFoundError as exc:
        if exc.name == spec.module:
            return None
        raise
    return getattr(module, spec.function, None)


def column_problems(kind: str, headers: list[str], *, header_row: int = 1) -> list[dict]:
    """Every missing required column and every unknown column of a header (empty if fine)."""
    spec = kind_spec(kind)
    problems = []
    for column in spec.required:
        if column not in headers:
            problems.append(
                {
                    "row": header_row,
                    "column": column,
                    "message": f"The required column {column} is missing.",
                    "code": "import.missing_column",
                }
            )
    if spec.required_one_of and not any(c in headers for c in spec.required_one_of):
        either = " or ".join(spec.required_one_of)
        problems.append(
            {
                "row": header_row,
                "column": either,
                "message": f"The file needs a column {either}.",
                "code": "import.missing_column",
            }
        )
    for column in headers:
        if column not in spec.columns:
            problems.append(
                {
                    "row": header_row,
                    "column": column,
                    "message": f"Unknown column {column}; a {kind} file has the columns "
                    f"{', '.join(spec.columns)}.",
                    "code": "import.unknown_column",
                }
            )
    return problems


def check_columns(kind: str, table: ParsedTable, filename: str) -> None:
    """Raise ValidationErrors ``import.bad_columns`` listing every missing and unknown column."""
    problems = column_problems(kind, table.headers, header_row=table.header_row)
    if not problems:
        return
    missing = [p["column"] for p in problems if p["code"] == "import.missing_column"]
    unknown = [p["column"] for p in problems if p["code"] == "import.unknown_column"]
    parts = []
    if missing:
        parts.append(f"missing {', '.join(missing)}")
    if unknown:
        parts.append(f"unknown {', '.join(unknown)}")
    raise ValidationErrors(
        problems,
        message=f"The columns of {filename} do not fit a {kind} import: {'; '.join(parts)}. "
        "Download the template for the expected columns.",
        code="import.bad_columns",
    )


def invalid_rows_message(count: int) -> str:
    return f"{count} problem(s) in the file; nothing was imported."


def run_import(*, actor: User, kind: str, filename: str, content: bytes) -> ImportResult:
    """Import a CSV/XLSX file of customers, suppliers, products or prices, all or nothing.

    Checks ``imports.run`` and the kind's manage permission, parses the file, checks its
    columns and calls the owning app's import service. Succeeds with an ``ImportRun``
    (status succeeded) written in the same transaction as the business rows.

    On a content problem it raises InvalidInput / ValidationErrors (422; bad rows as
    ``import.invalid_rows`` with details.errors = [{row, column, message, code}], row
    numbers as the user sees them in the spreadsheet), writes no business row, and records
    a failed ``ImportRun``. That record is written in its own transaction *after* the
    failed attempt has been rolled back: written inside the attempt it would be rolled
    back with the business rows. (So do not call this inside an outer transaction that you
    then roll back.) A PermissionDenied writes nothing at all.
    """
    spec = kind_spec(kind)
    require(actor, "imports.run")
    require(actor, spec.permission)
    digest = hashlib.sha256(content).hexdigest()
    table: ParsedTable | None = None
    try:
        table = read_table(filename, content)
        check_columns(kind, table, filename)
        importer = importer_for(kind)
        if importer is None:
            raise NotFound(
                f"Importing {kind} is not available: {spec.module}.{spec.function} is missing.",
                code="import.kind_unavailable",
            )
        with transaction.atomic():
            summary = importer(actor=actor, **spec.extra, rows=table.data_rows())
            run = ImportRun.objects.create(
                user=actor,
                kind=kind,
                filename=filename[:255],
                sha256=digest,
                row_count=len(table.rows),
                status=ImportStatus.SUCCEEDED,
                created_count=summary.created,
                updated_count=summary.updated,
            )
            record_audit(
                actor=actor, action="imports.run.succeeded", target=run, after=snapshot(run)
            )
            emit(
                "imports.run.succeeded",
                import_id=run.pk,
                kind=kind,
                created=summary.created,
                updated=summary.updated,
            )
    except PermissionDenied:
        raise
    except DomainError as exc:
        failure = _as_reported(exc, table)
        _record_failure(
            actor=actor,
            kind=kind,
            filename=filename,
            digest=digest,
            row_count=len(table.rows) if table is not None else 0,
            failure=failure,
        )
        if failure is exc:
            raise
        raise failure from exc
    return ImportResult(
        kind=kind,
        created=summary.created,
        updated=summary.updated,
        rows=len(table.rows),
        import_id=run.pk,
    )


@transaction.atomic
def _record_failure(
    *, actor: User, kind: str, filename: str, digest: str, row_count: int, failure: DomainError
) -> ImportRun:
    errors = failure.details.get("errors") or [
        {"row": None, "column": "", "message": failure.message, "code": failure.code}
    ]
    run = ImportRun.objects.create(
        user=actor,
        kind=kind,
        filename=filename[:255],
        sha256=digest,
        row_count=row_count,
        status=ImportStatus.FAILED,
        error_count=len(errors),
        errors=errors[:MAX_STORED_ERRORS],
    )
    record_audit(
        actor=actor,
        action="imports.run.failed",
        target=run,
        after=snapshot(run, ["kind", "filename", "sha256", "row_count", "status", "error_count"]),
        reason=failure.message[:1000],
    )
    return run


_ROW_IN_MESSAGE = re.compile(r"\b([Rr]ows?) (\d+)(?: and (\d+))?\b")


def _as_reported(exc: DomainError, table: ParsedTable | None) -> DomainError:
    """The error as the user gets it: bad rows with spreadsheet row numbers, one message.

    The owning services number ``rows[i]`` as row ``i + 2``. Blank rows are left out of
    ``rows`` (see parsing.py), so their numbers are mapped back through ``__row__``; when
    nothing was left out the mapping is the identity.
    """
    if not (isinstance(exc, ValidationErrors) and exc.code == "import.invalid_rows"):
        return exc
    numbers = table.row_numbers if table is not None else []
    identity = all(n == i + 2 for i, n in enumerate(numbers))

    def real(row: Any) -> Any:
        if identity or not isinstance(row, int) or not 2 <= row < len(numbers) + 2:
            return row
        return numbers[row - 2]

    def remap(message: str) -> str:
        if identity:
            return message

        def replace(match: re.Match) -> str:
            text = f"{match.group(1)} {real(int(match.group(2)))}"
            if match.group(3):
                text += f" and {real(int(match.group(3)))}"
            return text

        return _ROW_IN_MESSAGE.sub(replace, message)

    errors = [
        {
            "row": real(item.get("row")),
            "column": item.get("column") or item.get("field") or "",
            "message": remap(str(item.get("message", ""))),
            "code": item.get("code", "import.invalid_value"),
        }
        for item in exc.details.get("errors", [])
    ]
    return ValidationErrors(
        errors, message=invalid_rows_message(len(errors)), code="import.invalid_rows"
    )


def template_csv(kind: str) -> bytes:
    """A CSV template for a kind: the header line and one example row (UTF-8 with a BOM, so
    that Excel opens it with the right encoding)."""
    spec = kind_spec(kind)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(spec.columns)
    writer.writerow([spec.example.get(column, "") for column in spec.columns])
    return buffer.getvalue().encode("utf-8-sig")


def template_filename(kind: str) -> str:
    return f"ordo-{kind_spec(kind).kind}-template.csv"


__all__ = [
    "KINDS",
    "ImportResult",
    "KindSpec",
    "check_columns",
    "column_problems",
    "importer_for",
    "kind_spec",
    "run_import",
    "template_csv",
    "template_filename",
]
