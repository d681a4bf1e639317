"""Scenario fixtures: the accounting books (chart, year 2026, taxes, partners)."""

from ordo.accounting.tests.conftest import books, ledger  # noqa: F401
