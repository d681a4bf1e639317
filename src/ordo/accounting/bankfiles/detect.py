"""Recognise a bank statement file by its content and hand it to the right parser."""

from __future__ import annotations

import re

from ordo.core.errors import InvalidInput

from .camt053 import parse_camt053
from .model import ParsedStatement
from .mt940 import parse_mt940
from .ofx import parse_ofx

PARSERS = {"camt053": parse_camt053, "mt940": parse_mt940, "ofx": parse_ofx}
_CAMT053_NAMESPACE = re.compile(rb"urn:iso:std:iso:20022:tech:xsd:camt\.053\.\d{3}\.\d{2}")
_MT940_TAG = re.compile(rb"^:(?:60[FM]|20):", re.MULTILINE)


def detect_format(data: bytes, filename: str = "") -> str:
    """``"camt053"``, ``"mt940"`` or ``"ofx"``, judged by the content (not the name).

    Raises InvalidInput (code ``bank.unknown_format``) for anything else.
    """
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    sample = head[:4096]
    if b"OFXHEADER" in sample.upper() or b"<OFX>" in head.upper():
        return "ofx"
    if head.startswith(b"<") and _CAMT053_NAMESPACE.search(sample):
        return "camt053"
    if head.startswith((b":20:", b"{1:")) or b":60F:" in head or _MT940_TAG.search(head):
        return "mt940"
    name = f"The file {filename!r}" if filename else "The file"
    raise InvalidInput(
        f"{name} is not a bank statement Ordo can read: "
        "expected a camt.053 XML, MT940 or OFX file.",
        field="file",
        code="bank.unknown_format",
        details={"filename": filename} if filename else {},
    )


def parse_statement_file(data: bytes, filename: str = "") -> list[ParsedStatement]:
    """Every statement in a camt.053, MT940 or OFX file, in file order.

    Raises InvalidInput with code ``bank.unknown_format`` when the format is not
    recognised, ``bank.parse_error`` when the file is damaged (the message names the
    line and the element or tag). Nothing is checked against the ledger here; each
    statement's ``balance_problem()`` says whether it adds up.
    """
    return PARSERS[detect_format(data, filename)](data)
