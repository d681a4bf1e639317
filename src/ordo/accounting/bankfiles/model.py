"""What every bank statement parser returns: statements and their lines, whatever the format."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from ordo.core.errors import InvalidInput

FORMATS = ("camt053", "mt940", "ofx")


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One movement on the bank account.

    ``amount`` is signed: positive is money in, negative money out.
    ``reference`` is the best identifier of the payment the file carries (structured
    creditor reference, end-to-end id, remittance text, else the bank's reference);
    ``description`` is the free text; ``bank_reference`` is the bank's own id for the
    transaction. ``line_hash`` fingerprints the line (see ``compute_line_hash``).
    """

    booking_date: dt.date
    value_date: dt.date | None
    amount: Decimal
    currency: str
    reference: str
    counterparty_name: str
    counterparty_account: str
    description: str
    bank_reference: str
    line_hash: str


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    """One statement of one account, as the bank sent it (nothing checked or fixed)."""

    format: str
    statement_id: str
    account: str
    currency: str
    opening_balance: Decimal
    closing_balance: Decimal
    opening_date: dt.date | None
    closing_date: dt.date | None
    lines: tuple[StatementLine, ...]
    file_hash: str

    @property
    def movements_total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    def balance_problem(self) -> str | None:
        """Why opening + movements is not the closing balance, or None when it is."""
        expected = self.opening_balance + self.movements_total
        if expected == self.closing_balance:
            return None
        difference = self.closing_balance - expected
        return (
            f"Statement {self.statement_id} does not add up: "
            f"opening {format_amount(self.opening_balance)} "
            f"+ movements {format_amount(self.movements_total)} = {format_amount(expected)}, "
            f"but the closing balance is {format_amount(self.closing_balance)} "
            f"(difference {format_amount(difference)} {self.currency})."
        )


def format_amount(amount: Decimal) -> str:
    """Plain notation with at least two decimals (``-9`` → ``-9.00``)."""
    if amount.as_tuple().exponent > -2:  # type: ignore[operator]
        amount = amount.quantize(Decimal("0.01"))
    return f"{amount:f}"


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def compute_line_hash(
    *,
    account: str,
    position: int,
    booking_date: dt.date,
    value_date: dt.date | None,
    amount: Decimal,
    currency: str,
    reference: str,
    counterparty_name: str,
    counterparty_account: str,
    description: str,
    bank_reference: str,
) -> str:
    """sha256 of the line's fields, its account and its position in the statement.

    The position tells apart two identical movements on one statement; the statement id
    is left out so a re-export of the same statement under a new id still matches.
    Amounts are normalised (``9``, ``9.00`` and ``9,`` hash alike).
    """
    normalised = amount.normalize()
    canonical = "\x1f".join(
        [
            account,
            str(position),
            booking_date.isoformat(),
            value_date.isoformat() if value_date else "",
            f"{normalised:f}",
            currency,
            reference,
            counterparty_name,
            counterparty_account,
            description,
            bank_reference,
        ]
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def build_line(
    *,
    account: str,
    position: int,
    booking_date: dt.date,
    value_date: dt.date | None,
    amount: Decimal,
    currency: str,
    reference: str = "",
    counterparty_name: str = "",
    counterparty_account: str = "",
    description: str = "",
    bank_reference: str = "",
) -> StatementLine:
    """A ``StatementLine`` with its hash filled in (text fields stripped)."""
    fields = {
        "booking_date": booking_date,
        "value_date": value_date,
        "amount": amount,
        "currency": currency,
        "reference": reference.strip(),
        "counterparty_name": counterparty_name.strip(),
        "counterparty_account": counterparty_account.strip(),
        "description": description.strip(),
        "bank_reference": bank_reference.strip(),
    }
    return StatementLine(
        **fields, line_hash=compute_line_hash(account=account, position=position, **fields)
    )


def parse_error(message: str, **details: object) -> InvalidInput:
    """The one error a parser raises for a file it cannot read."""
    return InvalidInput(
        message,
        field="file",
        code="bank.parse_error",
        details={k: v for k, v in details.items() if v is not None},
    )
