"""The SEPA payment QR code ("EPC QR", EPC069-12 version 002) printed on invoices.

A banking app that scans it fills in a SEPA credit transfer: beneficiary, IBAN, amount
in euro and the payment reference. Pure: builds the payload text and its SVG, no I/O.
"""

from __future__ import annotations

from decimal import Decimal

import segno
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum import iso11649
from stdnum.exceptions import ValidationError as StdnumError

from ordo.core.errors import InvalidInput, ValidationErrors

MAX_NAME = 70
MAX_REFERENCE = 35
MAX_TEXT = 140
MAX_PAYLOAD_BYTES = 331  # what a version 13 QR code holds at error correction M
MAX_QR_VERSION = 13
MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999.99")


def epc_payload(
    *,
    name: str,
    iban: str,
    amount: Decimal,
    currency: str,
    bic: str = "",
    reference: str = "",
    text: str = "",
) -> str:
    """The EPC QR payload for a SEPA credit transfer of ``amount`` euro to ``iban``.

    ``reference`` is a structured creditor reference (ISO 11649 "RF…" is checked digit
    by digit), ``text`` free remittance text; give one of them, not both. Raises
    InvalidInput (code ``epc.*``) for the one rule broken, or ValidationErrors (code
    ``epc.invalid``) listing every rule broken when there are several.
    """
    errors: list[InvalidInput] = []
    name = name.strip()
    iban_compact = stdnum_iban.compact(iban or "")
    bic_compact = stdnum_bic.compact(bic or "")
    reference = (reference or "").strip()
    text = (text or "").strip()

    if currency != "EUR":
        errors.append(
            InvalidInput(
                f"The EPC payment QR code is for euro transfers only, not {currency}.",
                field="currency",
                code="epc.currency",
                details={"currency": currency},
            )
        )
    if not name:
        errors.append(
            InvalidInput(
                "The EPC payment QR code needs the beneficiary's name.",
                field="name",
                code="epc.name_missing",
            )
        )
    elif len(name) > MAX_NAME:
        errors.append(
            InvalidInput(
                f"The beneficiary's name has {len(name)} characters; the EPC payment QR "
                f"code allows at most {MAX_NAME}.",
                field="name",
                code="epc.name_too_long",
                details={"length": len(name), "max": MAX_NAME},
            )
        )
    elif "\n" in name or "\r" in name:
        errors.append(_line_break("name", "The beneficiary's name"))
    try:
        stdnum_iban.validate(iban_compact)
    except StdnumError:
        errors.append(
            InvalidInput(
                f"IBAN {iban!r} is not valid (wrong length, country or check digits).",
                field="iban",
                code="epc.iban",
                details={"iban": iban},
            )
        )
    if bic_compact:
        try:
            stdnum_bic.validate(bic_compact)
        except StdnumError:
            errors.append(
                InvalidInput(
                    f"BIC {bic!r} is not valid: it must be 8 or 11 letters and digits.",
                    field="bic",
                    code="epc.bic",
                    details={"bic": bic},
                )
            )
    errors.extend(_amount_errors(amount))
    errors.extend(_remittance_errors(reference, text))
    if errors:
        _raise(errors)

    if reference.upper().startswith("RF"):
        reference = iso11649.compact(reference)
    fields = [
        "BCD",  # service tag
        "002",  # version: the BIC may be left out
        "1",  # character set: UTF-8
        "SCT",  # SEPA credit transfer
        bic_compact,
        name,
        iban_compact,
        f"EUR{amount:.2f}",
        "",  # purpose code: none
        reference,
        text,
    ]
    # Trailing empty fields are left out, so the payload ends on its last value.
    while fields[-1] == "":
        fields.pop()
    payload = "\n".join(fields)
    size = len(payload.encode("utf-8"))
    if size > MAX_PAYLOAD_BYTES:
        raise InvalidInput(
            f"The EPC payment QR code holds at most {MAX_PAYLOAD_BYTES} bytes; this "
            f"payment needs {size}. Shorten the name or the remittance text.",
            field="text",
            code="epc.payload_too_long",
            details={"bytes": size, "max": MAX_PAYLOAD_BYTES},
        )
    return payload


def epc_qr_svg(payload: str) -> str:
    """The QR code of an EPC payload as an inline ``<svg>`` element for HTML.

    Error correction M as EPC069-12 requires (not raised even when it would fit), UTF-8
    byte mode, the 4-module quiet zone kept; sized by CSS through its viewBox.
    """
    qr = segno.make_qr(payload, error="m", boost_error=False, encoding="utf-8")
    if qr.version > MAX_QR_VERSION:
        raise InvalidInput(
            f"The EPC payment QR code may be at most version {MAX_QR_VERSION}; "
            f"this payload needs version {qr.version}.",
            code="epc.payload_too_long",
            details={"version": qr.version, "max": MAX_QR_VERSION},
        )
    return qr.svg_inline(scale=1, omitsize=True, svgclass="epc-qr", lineclass=None)


def _amount_errors(amount: Decimal) -> list[InvalidInput]:
    if not isinstance(amount, Decimal):
        return [
            InvalidInput(
                f"The amount must be a Decimal, not {type(amount).__name__}.",
                field="amount",
                code="epc.amount",
            )
        ]
    if not amount.is_finite() or not MIN_AMOUNT <= amount <= MAX_AMOUNT:
        return [
            InvalidInput(
                f"The amount {amount} is out of the EPC payment QR code's range "
                f"{MIN_AMOUNT} to {MAX_AMOUNT}.",
                field="amount",
                code="epc.amount",
                details={"amount": str(amount)},
            )
        ]
    if amount != amount.quantize(MIN_AMOUNT):
        return [
            InvalidInput(
                f"The amount {amount} has more than 2 decimals.",
                field="amount",
                code="epc.amount",
                details={"amount": str(amount)},
            )
        ]
    return []


def _remittance_errors(reference: str, text: str) -> list[InvalidInput]:
    errors: list[InvalidInput] = []
    if reference and text:
        errors.append(
            InvalidInput(
                "The EPC payment QR code takes a structured reference or a remittance "
                "text, not both.",
                field="reference",
                code="epc.remittance_both",
            )
        )
    if reference.upper().startswith("RF"):
        try:
            iso11649.validate(reference)
        except StdnumError:
            errors.append(
                InvalidInput(
                    f"Creditor reference {reference!r} is not a valid ISO 11649 "
                    "reference (wrong length, characters or check digits).",
                    field="reference",
                    code="epc.reference",
                    details={"reference": reference},
                )
            )
    elif len(reference) > MAX_REFERENCE:
        errors.append(
            InvalidInput(
                f"The structured reference has {len(reference)} characters; the EPC "
                f"payment QR code allows at most {MAX_REFERENCE}.",
                field="reference",
                code="epc.reference",
                details={"length": len(reference), "max": MAX_REFERENCE},
            )
        )
    elif "\n" in reference or "\r" in reference:
        errors.append(_line_break("reference", "The structured reference"))
    if len(text) > MAX_TEXT:
        errors.append(
            InvalidInput(
                f"The remittance text has {len(text)} characters; the EPC payment QR "
                f"code allows at most {MAX_TEXT}.",
                field="text",
                code="epc.text_too_long",
                details={"length": len(text), "max": MAX_TEXT},
            )
        )
    elif "\n" in text or "\r" in text:
        errors.append(_line_break("text", "The remittance text"))
    return errors


def _line_break(field: str, what: str) -> InvalidInput:
    return InvalidInput(
        f"{what} must be on one line: the EPC payment QR code separates its fields "
        "with line breaks.",
        field=field,
        code=f"epc.{field}_line_break",
    )


def _raise(errors: list[InvalidInput]) -> None:
    if len(errors) == 1:
        raise errors[0]
    raise ValidationErrors(errors, code="epc.invalid")
