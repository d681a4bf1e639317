"""ISO 20022 camt.053 (bank-to-customer statement), any ``camt.053.001.xx`` version.

The namespace is read from the root element, so versions 02 to 13 parse alike where
their elements agree. Pending and information-only entries (``Sts`` PDNG, INFO, FUTR)
are not booked and are left out.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from lxml import etree

from .model import ParsedStatement, StatementLine, build_line, file_hash, parse_error

NAMESPACE_PREFIX = "urn:iso:std:iso:20022:tech:xsd:camt.053."
UNBOOKED_STATUSES = {"PDNG", "INFO", "FUTR"}
OPENING_CODES = ("OPBD", "PRCD")
CLOSING_CODES = ("CLBD",)
INTERIM_CODE = "ITBD"  # a page of a multi-page statement opens or closes on it
_AMOUNT = re.compile(r"^\s*\d+(\.\d+)?\s*$")


def parse_camt053(data: bytes) -> list[ParsedStatement]:
    """Every ``Stmt`` of a camt.053 document, in file order.

    Raises InvalidInput (code ``bank.parse_error``) naming the line and element when the
    file is not well-formed XML, not camt.053, lacks a mandatory element or holds a bad
    amount, date or debit/credit mark.
    """
    root = _parse_xml(data)
    namespace = etree.QName(root).namespace or ""
    if not namespace.startswith(NAMESPACE_PREFIX):
        raise parse_error(
            f"The XML file is not a camt.053 statement: its namespace is {namespace or 'empty'!r}.",
            value=namespace,
        )
    reader = _Reader(namespace)
    statement_elements = reader.findall(root, "BkToCstmrStmt/Stmt")
    if not statement_elements:
        raise parse_error(
            f"The camt.053 file holds no statement: BkToCstmrStmt/Stmt is missing "
            f"(line {root.sourceline}).",
            line=root.sourceline,
            element="BkToCstmrStmt/Stmt",
        )
    digest = file_hash(data)
    return [
        _statement(reader, element, f"Stmt[{number}]", digest)
        for number, element in enumerate(statement_elements, start=1)
    ]


def _parse_xml(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, 0)
        reason = re.sub(r",? line \d+, column \d+$", "", exc.msg or "syntax error")
        raise parse_error(
            f"The camt.053 file is not well-formed XML at line {line}, column {column}: {reason}.",
            line=line,
        ) from exc


class _Reader:
    """Namespace-aware lookups that report the path and line of what is wrong."""

    def __init__(self, namespace: str):
        self.namespaces = {"c": namespace}

    def _xpath(self, path: str) -> str:
        return "/".join(f"c:{step}" for step in path.split("/"))

    def find(self, element: etree._Element, path: str) -> etree._Element | None:
        return element.find(self._xpath(path), self.namespaces)

    def findall(self, element: etree._Element, path: str) -> list[etree._Element]:
        return element.findall(self._xpath(path), self.namespaces)

    def text(self, element: etree._Element, *paths: str) -> str:
        """The stripped text of the first of ``paths`` that is present, else ``""``."""
        for path in paths:
            found = self.find(element, path)
            if found is not None and found.text and found.text.strip():
                return found.text.strip()
        return ""

    def require(self, element: etree._Element, where: str, *paths: str) -> etree._Element:
        for path in paths:
            found = self.find(element, path)
            if found is not None:
                return found
        wanted = " or ".join(f"{where}/{path}" for path in paths)
        raise parse_error(
            f"camt.053 line {element.sourceline}: the mandatory element {wanted} is missing.",
            line=element.sourceline,
            element=wanted,
        )

    def amount(self, element: etree._Element, where: str) -> Decimal:
        text = element.text or ""
        if _AMOUNT.match(text):
            try:
                return Decimal(text.strip())
            except InvalidOperation:  # pragma: no cover - the pattern already vets it
                pass
        raise parse_error(
            f"camt.053 line {element.sourceline}: {where} is not a valid amount: {text!r}.",
            line=element.sourceline,
            element=where,
            value=text,
        )

    def sign(self, element: etree._Element, where: str) -> int:
        mark = self.require(element, where, "CdtDbtInd")
        text = (mark.text or "").strip()
        if text == "CRDT":
            return 1
        if text == "DBIT":
            return -1
        raise parse_error(
            f"camt.053 line {mark.sourceline}: {where}/CdtDbtInd must be CRDT or DBIT, "
            f"not {text!r}.",
            line=mark.sourceline,
            element=f"{where}/CdtDbtInd",
            value=text,
        )

    def date(self, element: etree._Element, where: str) -> dt.date:
        """A ``Dt`` or ``DtTm`` child (a date-time keeps the date as written)."""
        found = self.require(element, where, "Dt", "DtTm")
        text = (found.text or "").strip()
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            name = etree.QName(found).localname
            raise parse_error(
                f"camt.053 line {found.sourceline}: {where}/{name} is not a valid date: {text!r}.",
                line=found.sourceline,
                element=f"{where}/{name}",
                value=text,
            ) from None

    def optional_date(self, element: etree._Element | None, where: str) -> dt.date | None:
        if element is None:
            return None
        return self.date(element, where)


def _statement(reader: _Reader, stmt: etree._Element, where: str, digest: str) -> ParsedStatement:
    statement_id = reader.require(stmt, where, "Id").text or ""
    account_element = reader.require(stmt, where, "Acct/Id/IBAN", "Acct/Id/Othr/Id")
    account = (account_element.text or "").strip()
    balances = _balances(reader, stmt, where)
    opening = _pick_balance(balances, OPENING_CODES, first=True)
    closing = _pick_balance([b for b in balances if b is not opening], CLOSING_CODES, first=False)
    if opening is None or closing is None:
        kind, codes = ("opening", "OPBD or PRCD") if opening is None else ("closing", "CLBD")
        raise parse_error(
            f"camt.053 line {stmt.sourceline}: {where} has no {kind} balance "
            f"({where}/Bal with code {codes}).",
            line=stmt.sourceline,
            element=f"{where}/Bal",
        )
    currency = reader.text(stmt, "Acct/Ccy") or opening[2]
    lines: list[StatementLine] = []
    for number, entry in enumerate(reader.findall(stmt, "Ntry"), start=1):
        lines.extend(
            _entry_lines(reader, entry, f"{where}/Ntry[{number}]", account, currency, len(lines))
        )
    return ParsedStatement(
        format="camt053",
        statement_id=statement_id.strip(),
        account=account,
        currency=currency,
        opening_balance=opening[1],
        closing_balance=closing[1],
        opening_date=opening[3],
        closing_date=closing[3],
        lines=tuple(lines),
        file_hash=digest,
    )


_Balance = tuple[str, Decimal, str, dt.date | None]  # code, signed amount, currency, date


def _balances(reader: _Reader, stmt: etree._Element, where: str) -> list[_Balance]:
    balances = []
    for number, bal in enumerate(reader.findall(stmt, "Bal"), start=1):
        here = f"{where}/Bal[{number}]"
        code = reader.text(bal, "Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry", "Tp/Cd")
        amount_element = reader.require(bal, here, "Amt")
        amount = reader.amount(amount_element, f"{here}/Amt") * reader.sign(bal, here)
        date = reader.optional_date(reader.find(bal, "Dt"), f"{here}/Dt")
        balances.append((code, amount, amount_element.get("Ccy", ""), date))
    return balances


def _pick_balance(balances: list[_Balance], codes: tuple[str, ...], *, first: bool):
    for code in codes:
        for balance in balances:
            if balance[0] == code:
                return balance
    interim = [b for b in balances if b[0] == INTERIM_CODE]
    if interim:
        return interim[0] if first else interim[-1]
    return None


def _entry_lines(
    reader: _Reader,
    entry: etree._Element,
    where: str,
    account: str,
    statement_currency: str,
    position: int,
) -> list[StatementLine]:
    """One line per entry, or one per ``TxDtls`` when each carries its own amount."""
    status = reader.text(entry, "Sts/Cd", "Sts")
    if status in UNBOOKED_STATUSES:
        return []
    amount_element = reader.require(entry, where, "Amt")
    sign = reader.sign(entry, where)
    amount = reader.amount(amount_element, f"{where}/Amt") * sign
    currency = amount_element.get("Ccy") or statement_currency
    booking = reader.require(entry, where, "BookgDt", "ValDt")
    booking_name = etree.QName(booking).localname
    booking_date = reader.date(booking, f"{where}/{booking_name}")
    value_date = reader.optional_date(reader.find(entry, "ValDt"), f"{where}/ValDt")
    entry_reference = reader.text(entry, "AcctSvcrRef", "NtryRef")
    entry_info = reader.text(entry, "AddtlNtryInf")
    details = reader.findall(entry, "NtryDtls/TxDtls")

    def line(offset: int, line_amount: Decimal, info: _Details) -> StatementLine:
        bank_reference = info.bank_reference or entry_reference
        return build_line(
            account=account,
            position=position + offset,
            booking_date=booking_date,
            value_date=value_date,
            amount=line_amount,
            currency=currency,
            reference=info.reference or bank_reference,
            counterparty_name=info.name,
            counterparty_account=info.account,
            description=info.description or entry_info,
            bank_reference=bank_reference,
        )

    split = _split_amounts(reader, details, where, sign, currency, amount)
    if split is not None:
        return [
            line(offset, tx_amount, _details(reader, [tx], tx_amount))
            for offset, (tx, tx_amount) in enumerate(zip(details, split, strict=True))
        ]
    return [line(0, amount, _details(reader, details, amount))]


def _split_amounts(
    reader: _Reader,
    details: list[etree._Element],
    where: str,
    entry_sign: int,
    currency: str,
    entry_amount: Decimal,
) -> list[Decimal] | None:
    """The signed amount of each ``TxDtls``, or None when the entry stays one line.

    An entry is split only when every transaction has an amount in the entry's currency
    and they add up to the entry amount, so the statement total never changes.
    """
    if len(details) < 2:
        return None
    amounts = []
    for number, tx in enumerate(details, start=1):
        here = f"{where}/NtryDtls/TxDtls[{number}]"
        element = reader.find(tx, "Amt")
        path = f"{here}/Amt"
        if element is None:
            element = reader.find(tx, "AmtDtls/TxAmt/Amt")
            path = f"{here}/AmtDtls/TxAmt/Amt"
        if element is None or element.get("Ccy", currency) != currency:
            return None
        sign = reader.sign(tx, here) if reader.find(tx, "CdtDbtInd") is not None else entry_sign
        amounts.append(reader.amount(element, path) * sign)
    return amounts if sum(amounts) == entry_amount else None


class _Details:
    __slots__ = ("account", "bank_reference", "description", "name", "reference")

    def __init__(self) -> None:
        self.reference = self.name = self.account = self.description = self.bank_reference = ""


def _details(reader: _Reader, details: list[etree._Element], amount: Decimal) -> _Details:
    """Reference, counterparty and text of the transactions (first found wins)."""
    found = _Details()
    texts: list[str] = []
    # Money in comes from the debtor, money out goes to the creditor.
    party, other = ("Dbtr", "Cdtr") if amount >= 0 else ("Cdtr", "Dbtr")
    for tx in details:
        unstructured = " ".join(
            e.text.strip() for e in reader.findall(tx, "RmtInf/Ustrd") if e.text and e.text.strip()
        )
        end_to_end = reader.text(tx, "Refs/EndToEndId")
        if end_to_end.upper() == "NOTPROVIDED":
            end_to_end = ""
        structured = reader.text(tx, "RmtInf/Strd/CdtrRefInf/Ref")
        found.reference = found.reference or structured or end_to_end or unstructured
        found.name = found.name or reader.text(
            tx,
            f"RltdPties/{party}/Nm",
            f"RltdPties/{party}/Pty/Nm",
            f"RltdPties/{other}/Nm",
            f"RltdPties/{other}/Pty/Nm",
        )
        found.account = found.account or reader.text(
            tx,
            f"RltdPties/{party}Acct/Id/IBAN",
            f"RltdPties/{party}Acct/Id/Othr/Id",
            f"RltdPties/{other}Acct/Id/IBAN",
            f"RltdPties/{other}Acct/Id/Othr/Id",
        )
        found.bank_reference = found.bank_reference or reader.text(tx, "Refs/AcctSvcrRef")
        for text in (unstructured, reader.text(tx, "AddtlTxInf")):
            if text and text not in texts:
                texts.append(text)
    found.description = "\n".join(texts)
    return found
