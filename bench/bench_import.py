"""Importing a 10 000-row product CSV through the same path as the upload page."""

from __future__ import annotations

import csv
import io

from bench.common import measured, peak_rss_mib, setup_reference_data


def product_csv(rows: int, prefix: str, name: str = "Imported item") -> bytes:
    from stdnum import ean

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["sku", "name", "gtin", "category", "stock_unit", "sale_unit", "purchase_unit", "tracking"]
    )
    for n in range(rows):
        body = f"5490{n:08d}"
        writer.writerow(
            [
                f"{prefix}-{n:06d}",
                f"{name} {n}",
                body + ean.calc_check_digit(body),
                "BENCH",
                "PCE",
                "PCE",
                "BOX12",
                "none",
            ]
        )
    return out.getvalue().encode()


def run(*, rows: int) -> dict:
    from ordo.catalog.models import Product
    from ordo.imports.services import run_import

    _company, admin = setup_reference_data()
    Product.objects.filter(sku__startswith="IMP-").delete()
    content = product_csv(rows, "IMP")
    result: dict = {"rows": rows, "file_bytes": len(content)}
    create: dict = {}
    with measured(create):
        outcome = run_import(actor=admin, kind="products", filename="bench.csv", content=content)
    assert outcome.created == rows, outcome
    changed = product_csv(rows, "IMP", name="Renamed item")
    update: dict = {}
    with measured(update):
        outcome = run_import(actor=admin, kind="products", filename="bench-2.csv", content=changed)
    assert outcome.updated == rows, outcome
    result["create"] = create | {"rows_per_second": round(rows / create["seconds"])}
    result["update"] = update | {"rows_per_second": round(rows / update["seconds"])}
    result["peak_rss_mib"] = peak_rss_mib()
    return result
