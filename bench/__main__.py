"""``python -m bench`` (``make bench``): Ordo's benchmarks, printed as JSON.

Runs on a fresh database of its own — SQLite ``var/bench.sqlite3`` by default, or
``BENCH_DATABASE_URL`` (e.g. a PostgreSQL database it may drop and create) — so the
figures never depend on what the demo left behind. Not part of the test suite.

    python -m bench                 # all benchmarks
    python -m bench pricing         # one
    python -m bench --lines 10000   # smaller pricing run
    python -m bench post_invoices reconcile trial_balance \
        --invoices 500 --sizes 1,10,100 --open-invoices 2000 --statement-lines 1000 \
        --ledger-lines 100000         # the accounting ones, scaled down for a quick run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(url: str | None) -> None:
    bench_db = ROOT / "var" / "bench.sqlite3"
    if url is None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{bench_db}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{bench_db}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ordo.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0, interactive=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--lines", type=int, default=100_000, help="order lines to price")
    parser.add_argument("--rows", type=int, default=10_000, help="product rows to import")
    parser.add_argument("--invoices", type=int, default=10_000, help="invoices to post")
    parser.add_argument("--invoice-lines", type=int, default=10, help="lines per posted invoice")
    parser.add_argument(
        "--sizes",
        default="1,10,100,1000",
        help="line counts of the single invoices timed (comma separated)",
    )
    parser.add_argument(
        "--open-invoices", type=int, default=20_000, help="open invoices to reconcile against"
    )
    parser.add_argument(
        "--statement-lines", type=int, default=10_000, help="camt.053 lines to reconcile"
    )
    parser.add_argument(
        "--ledger-lines", type=int, default=1_000_000, help="journal lines for the trial balance"
    )
    args = parser.parse_args(argv)
    setup_django(os.environ.get("BENCH_DATABASE_URL"))

    from bench import bench_accounting, bench_import, bench_pricing

    sizes = tuple(int(size) for size in args.sizes.split(",") if size.strip())
    benches = {
        "pricing": lambda: bench_pricing.run(lines=args.lines),
        "import_products": lambda: bench_import.run(rows=args.rows),
        "post_invoices": lambda: bench_accounting.run_post_invoices(
            invoices=args.invoices, lines=args.invoice_lines, sizes=sizes
        ),
        "reconcile": lambda: bench_accounting.run_reconcile(
            invoices=args.open_invoices, statement_lines=args.statement_lines
        ),
        "trial_balance": lambda: bench_accounting.run_trial_balance(lines=args.ledger_lines),
    }
    selected = args.names or list(benches)
    unknown = sorted(set(selected) - set(benches))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(benches)}")
    from django.db import connection

    results = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "database": connection.vendor,
        },
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "results": {name: benches[name]() for name in selected},
    }
    json.dump(results, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
