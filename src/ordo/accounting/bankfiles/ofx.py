"""OFX statements (bank and credit-card), version 1 (SGML) or 2 (XML).

``ofxtools`` reads the file first because it checks it against the specification; files
it refuses (many banks bend the spec) are read again with the tolerant ``ofxparse``.
Investment statements are ignored.

OFX gives only the ledger balance at the end of the statement (LEDGERBAL), so the
opening balance is derived: opening = closing - sum of the movements. Such a statement
always adds up; ``balance_problem()`` cannot catch a missing line in an OFX file.

Dates: OFX times are converted to UTC by both libraries, so a posting late in the
evening west of Greenwich lands on the next day.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from dataclasses import dataclass, field
from decimal import Decimal

import ofxparse
from bs4 import XMLParsedAsHTMLWarning
from ofxtools.models import CCSTMTRS, STMTRS
from ofxtools.Parser import OFXTree

from .model import ParsedStatement, build_line, file_hash, parse_error


@dataclass
class _Transaction:
    posted: dt.date
    available: dt.date | None
    amount: Decimal
    fitid: str
    name: str
    memo: str
    reference: str
    counterparty_account: str


@dataclass
class _Statement:
    account: str
    currency: str
    start: dt.date | None
    end: dt.date | None
    balance: Decimal
    balance_date: dt.date | None
    transactions: list[_Transaction] = field(default_factory=list)


def parse_ofx(data: bytes) -> list[ParsedStatement]:
    """Every bank or credit-card statement of an OFX file, in file order.

    Raises InvalidInput (code ``bank.parse_error``) when neither reader understands the
    file, or it holds no bank statement; the message gives both readers' complaints.
    """
    try:
        statements = _read_strict(data)
    except Exception as strict_error:  # any spec complaint sends us to the tolerant reader
        try:
            statements = _read_tolerant(data)
        except Exception as tolerant_error:
            raise parse_error(
                f"The OFX file cannot be read: {_reason(strict_error)} "
                f"(lenient reader: {_reason(tolerant_error)}).",
                value=_reason(tolerant_error),
            ) from tolerant_error
    if not statements:
        raise parse_error("The OFX file holds no bank or credit-card statement.")
    digest = file_hash(data)
    return [_parsed(statement, digest) for statement in statements]


def _reason(exc: Exception) -> str:
    return str(exc).strip().rstrip(".") or type(exc).__name__


def _date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    return value.date() if isinstance(value, dt.datetime) else value


def _read_strict(data: bytes) -> list[_Statement]:
    tree = OFXTree()
    tree.parse(io.BytesIO(data))
    ofx = tree.convert()
    statements = []
    for statement in ofx.statements:
        if not isinstance(statement, STMTRS | CCSTMTRS):
            continue
        transactions = statement.banktranlist
        ledger = statement.ledgerbal
        if ledger is None:
            raise ValueError(f"statement of account {statement.account.acctid} has no LEDGERBAL")
        result = _Statement(
            account=statement.account.acctid,
            currency=statement.curdef,
            start=_date(transactions.dtstart) if transactions is not None else None,
            end=_date(transactions.dtend) if transactions is not None else None,
            balance=ledger.balamt,
            balance_date=_date(ledger.dtasof),
        )
        for trn in transactions or []:
            payee = trn.payee.name if trn.payee is not None else ""
            account_to = trn.bankacctto if trn.bankacctto is not None else trn.ccacctto
            result.transactions.append(
                _Transaction(
                    posted=_date(trn.dtposted),
                    available=_date(trn.dtavail),
                    amount=trn.trnamt,
                    fitid=trn.fitid or "",
                    name=trn.name or payee or "",
                    memo=trn.memo or "",
                    reference=trn.refnum or trn.checknum or "",
                    counterparty_account=account_to.acctid if account_to is not None else "",
                )
            )
        statements.append(result)
    return statements


def _read_tolerant(data: bytes) -> list[_Statement]:
    with warnings.catch_warnings():
        # ofxparse reads with BeautifulSoup's HTML parser through calls bs4 deprecates.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        ofx = ofxparse.OfxParser.parse(io.BytesIO(data))
    statements = []
    for account in ofx.accounts:
        statement = getattr(account, "statement", None)
        if statement is None or not hasattr(statement, "balance"):
            continue  # investment accounts carry positions, not a bank balance
        result = _Statement(
            account=account.account_id or "",
            currency=(account.curdef or statement.currency or "").upper(),
            start=_date(statement.start_date),
            end=_date(statement.end_date),
            balance=Decimal(statement.balance),
            balance_date=_date(getattr(statement, "balance_date", None)),
        )
        for trn in statement.transactions:
            result.transactions.append(
                _Transaction(
                    posted=_date(trn.date),
                    available=None,
                    amount=Decimal(trn.amount),
                    fitid=trn.id or "",
                    name=trn.payee or "",
                    memo=trn.memo or "",
                    reference=trn.checknum or "",
                    counterparty_account="",
                )
            )
        statements.append(result)
    return statements


def _parsed(statement: _Statement, digest: str) -> ParsedStatement:
    """Derive the opening balance and a statement id (account and period)."""
    lines = tuple(
        build_line(
            account=statement.account,
            position=position,
            booking_date=trn.posted,
            value_date=trn.available,
            amount=trn.amount,
            currency=statement.currency,
            reference=trn.reference or trn.memo or trn.fitid,
            counterparty_name=trn.name,
            counterparty_account=trn.counterparty_account,
            description=trn.memo,
            bank_reference=trn.fitid,
        )
        for position, trn in enumerate(statement.transactions)
    )
    movements = sum((line.amount for line in lines), Decimal(0))
    start = statement.start
    end = statement.end or statement.balance_date
    if start and end:
        statement_id = f"{statement.account} {start.isoformat()}..{end.isoformat()}"
    elif end:
        statement_id = f"{statement.account} {end.isoformat()}"
    else:
        statement_id = statement.account
    return ParsedStatement(
        format="ofx",
        statement_id=statement_id,
        account=statement.account,
        currency=statement.currency,
        opening_balance=statement.balance - movements,
        closing_balance=statement.balance,
        opening_date=start,
        closing_date=statement.balance_date or end,
        lines=lines,
        file_hash=digest,
    )
