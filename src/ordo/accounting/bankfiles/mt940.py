"""SWIFT MT940 customer statements, read with the ``mt-940`` package.

A file may hold several statements (each opens with ``:20:``), optionally wrapped in
SWIFT ``{1:...}{4:...-}`` blocks. Tags used: 20 and 28C (statement id), 25 (account),
60F/60M (opening), 62F/62M (closing), 61 with its 86 (lines). Structured ``:86:``
details are understood in the German ``?20``/``?32`` layout and in the Dutch
``/NAME/.../REMI/...`` layout; anything else becomes the line's description.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from decimal import Decimal, InvalidOperation

import mt940

from .model import ParsedStatement, StatementLine, build_line, file_hash, parse_error

OPTIONS = mt940.Options(
    applicant_iban=True,
    merge_keeps_values=True,
    reversal_sign=True,
    case_insensitive_marks=True,
    unbounded_details=True,
    strip_bom=True,
)
NO_REFERENCE = {"", "NONREF", "NOTPROVIDED"}
_TAG = re.compile(r"^:(?P<tag>\d{2}[A-Z]?|NS):", re.MULTILINE)
_TAG_BY_ID = mt940.tags.TAG_BY_ID
_SWIFT_TEXT_BLOCK = re.compile(r"\{4:\s*\n(?P<body>.*?)\n-\}", re.DOTALL)
# Dutch banks (ABN AMRO, ING, Rabobank) write :86: as /KEY/value/KEY/value.
_SLASH_KEYS = (
    "TRTP|IBAN|BIC|NAME|REMI|EREF|MARF|CSID|CNTP|ORDP|BENM|ADDR|PREF|RTRN|ISDT|PURP|ULTC|ULTD|SVCL"
)
_SLASH_FIELD = re.compile(rf"/({_SLASH_KEYS})/")


def parse_mt940(data: bytes) -> list[ParsedStatement]:
    """Every statement of an MT940 file, in file order.

    Raises InvalidInput (code ``bank.parse_error``) naming the line when a tag does not
    fit the SWIFT layout, or a statement lacks its account or balances.
    """
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    blocks = _statement_blocks(text)
    if not blocks:
        raise parse_error("The MT940 file holds no statement: no :20: tag was found.")
    digest = file_hash(data)
    return [_statement(block, offset, line_starts, digest) for block, offset in blocks]


def _decode(data: bytes) -> str:
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _statement_blocks(text: str) -> list[tuple[str, int]]:
    """Each statement's text and its offset in the file (SWIFT envelopes dropped)."""
    bodies = [(m.group("body"), m.start("body")) for m in _SWIFT_TEXT_BLOCK.finditer(text)]
    if not bodies:
        bodies = [(text, 0)]
    blocks = []
    for body, body_offset in bodies:
        starts = [m.start() for m in re.finditer(r"(?m)^:20:", body)]
        for index, start in enumerate(starts):
            end = starts[index + 1] if index + 1 < len(starts) else len(body)
            blocks.append((body[start:end], body_offset + start))
    return blocks


def _line_number(line_starts: list[int], offset: int) -> int:
    return bisect.bisect_right(line_starts, offset)


def _parse_block(block: str) -> mt940.models.Transactions:
    transactions = mt940.models.Transactions(options=OPTIONS)
    transactions.parse(block)
    return transactions


def _statement(block: str, offset: int, line_starts: list[int], digest: str) -> ParsedStatement:
    _check_tags(block, offset, line_starts)
    try:
        transactions = _parse_block(block)
    except Exception as exc:  # the package raises RuntimeError, ValueError, decimal errors
        raise _located_error(block, offset, line_starts, exc) from exc
    data = transactions.data
    first_line = _line_number(line_starts, offset)
    reference = str(data.get("transaction_reference") or "").strip()
    account = str(data.get("account_identification") or "").strip()
    opening = _balance(
        data, "final_opening_balance", "intermediate_opening_balance", "opening_balance"
    )
    closing = _balance(
        data, "final_closing_balance", "intermediate_closing_balance", "closing_balance"
    )
    for value, what in (
        (account, "account (:25:)"),
        (opening, "opening balance (:60F: or :60M:)"),
        (closing, "closing balance (:62F: or :62M:)"),
    ):
        if not value:
            raise parse_error(
                f"MT940 line {first_line}: statement {reference!r} has no {what}.",
                line=first_line,
            )
    number = str(data.get("statement_number") or "").strip()
    sequence = str(data.get("sequence_number") or "").strip()
    statement_id = reference
    if number:
        statement_id = f"{reference} {number}/{sequence}" if sequence else f"{reference} {number}"
    currency = opening.amount.currency or closing.amount.currency or ""
    lines = [
        _line(transaction.data, account, currency, position)
        for position, transaction in enumerate(transactions)
        if transaction.data.get("amount") is not None
    ]
    return ParsedStatement(
        format="mt940",
        statement_id=statement_id,
        account=account,
        currency=currency,
        opening_balance=opening.amount.amount,
        closing_balance=closing.amount.amount,
        opening_date=_date(opening.date),
        closing_date=_date(closing.date),
        lines=tuple(lines),
        file_hash=digest,
    )


def _known_tags(block: str) -> list[tuple[int, str, object, str]]:
    """Start, name, parser and text of each tag the package knows, as it splits them."""
    found = []
    for match in _TAG.finditer(block):
        name = match.group("tag")
        key = int(name[:2]) if name[:2].isdigit() else name
        if key not in _TAG_BY_ID:
            continue  # the package reads an unknown tag as text of the previous one
        found.append((match.start(), name, _TAG_BY_ID.get(name) or _TAG_BY_ID[key], match.end()))
    tags = []
    for index, (start, name, tag, text_start) in enumerate(found):
        text_end = found[index + 1][0] if index + 1 < len(found) else len(block)
        text = "\n".join(mt940.models.Transactions.strip(block[text_start:text_end].split("\n")))
        tags.append((start, name, tag, text.strip()))
    return tags


def _check_tags(block: str, offset: int, line_starts: list[int]) -> None:
    """Refuse the first tag whose text does not fit its SWIFT layout, naming its line."""
    for start, name, tag, text in _known_tags(block):
        if not tag.re.match(text):
            raise _tag_error(
                block,
                offset,
                line_starts,
                start,
                name,
                "it does not fit the SWIFT layout of that tag",
            )


def _located_error(block: str, offset: int, line_starts: list[int], exc: Exception):
    """Find the first tag that breaks the parse (bisecting over tags) and name its line."""
    tags = _known_tags(block)
    starts = [start for start, *_ in tags] + [len(block)]
    low, high = 1, len(tags)  # a prefix of `high` tags fails
    while low < high:
        middle = (low + high) // 2
        try:
            _parse_block(block[: starts[middle]])
        except Exception:
            high = middle
        else:
            low = middle + 1
    start, name, _tag, _text = tags[high - 1]
    if isinstance(exc, InvalidOperation):
        reason = "its amount is not a valid number"
    else:
        reason = str(exc) or type(exc).__name__
    return _tag_error(block, offset, line_starts, start, name, reason)


def _tag_error(block: str, offset: int, line_starts: list[int], start: int, name: str, reason: str):
    tag_line = block[start:].split("\n", 1)[0]
    line = _line_number(line_starts, offset + start)
    return parse_error(
        f"MT940 line {line}: cannot read the :{name}: field {tag_line!r}: {reason}.",
        line=line,
        element=f":{name}:",
        value=tag_line,
    )


def _balance(data: dict, *keys: str):
    for key in keys:
        balance = data.get(key)
        if balance is not None and isinstance(balance.amount, mt940.models.Amount):
            return balance
    return None


def _date(value) -> dt.date | None:
    return dt.date(value.year, value.month, value.day) if value else None


def _text(data: dict, key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


def _line(data: dict, account: str, currency: str, position: int) -> StatementLine:
    value_date = _date(data["date"])
    booking_date = _date(data.get("entry_date")) or value_date
    amount: Decimal = data["amount"].amount
    customer_reference = _text(data, "customer_reference")
    bank_reference = _text(data, "bank_reference")
    name = _text(data, "applicant_name")
    counterparty_account = _text(data, "applicant_iban") or _text(data, "gvc_applicant_iban")
    end_to_end = _text(data, "end_to_end_reference")
    remittance = " ".join(
        part for part in (_text(data, "purpose"), _text(data, "additional_purpose")) if part
    )
    free_text = _text(data, "transaction_details")
    slash = _slash_fields(free_text)
    if slash:
        name = name or slash.get("NAME", "")
        counterparty_account = counterparty_account or slash.get("IBAN", "")
        end_to_end = end_to_end or slash.get("EREF", "")
        remittance = remittance or slash.get("REMI", "")
    description_parts = [remittance or free_text, _text(data, "extra_details")]
    if not remittance and not free_text:
        description_parts.insert(0, _text(data, "posting_text"))
    references = [end_to_end, customer_reference, remittance, bank_reference]
    return build_line(
        account=account,
        position=position,
        booking_date=booking_date,
        value_date=value_date,
        amount=amount,
        currency=data["amount"].currency or currency,
        reference=next((r for r in references if r.upper() not in NO_REFERENCE), ""),
        counterparty_name=name,
        counterparty_account=counterparty_account,
        description="\n".join(part for part in description_parts if part),
        bank_reference=bank_reference if bank_reference.upper() not in NO_REFERENCE else "",
    )


def _slash_fields(text: str) -> dict[str, str]:
    """``/KEY/value/KEY/value`` details as a dict (empty when not in that layout)."""
    flat = text.replace("\n", "")
    if not _SLASH_FIELD.match(flat):
        return {}
    matches = list(_SLASH_FIELD.finditer(flat))
    fields: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(flat)
        fields.setdefault(match.group(1), flat[match.end() : end].strip("/ "))
    if "CNTP" in fields:  # ING: /CNTP/account/bic/name/city/
        parts = fields["CNTP"].split("/")
        fields.setdefault("IBAN", parts[0])
        if len(parts) > 2:
            fields.setdefault("NAME", parts[2])
    if "REMI" in fields:  # Rabobank: /REMI/USTD//text/ or /REMI/STRD/CUR/reference/
        remittance = fields["REMI"]
        for prefix in ("USTD//", "STRD/CUR/", "STRD//"):
            remittance = remittance.removeprefix(prefix)
        fields["REMI"] = remittance.strip("/ ")
    return fields
