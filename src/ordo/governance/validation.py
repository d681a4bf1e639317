"""Validation of identifiers with python-stdnum (never a hand-rolled check digit)."""

from __future__ import annotations

from stdnum import iban as stdnum_iban
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError

from ordo.core.errors import InvalidInput

from .errors import InvalidVatNumber

# EAS (electronic address scheme) codes accepted for Peppol endpoints; a subset of the
# CEF code list that covers the schemes a European distributor meets.
EAS_SCHEMES = {
    "0002": "SIRENE",
    "0007": "Swedish organisation number",
    "0060": "DUNS",
    "0088": "GLN",
    "0096": "Danish CVR",
    "0106": "Dutch KvK",
    "0130": "EU directorates",
    "0135": "SIA",
    "0184": "Danish DIGSTORG",
    "0190": "Dutch OIN",
    "0192": "Norwegian org. number",
    "0195": "Singapore UEN",
    "0196": "Icelandic kennitala",
    "0198": "Danish ERSTORG",
    "0204": "German Leitweg-ID",
    "0208": "Belgian enterprise number",
    "0209": "GS1 identification keys",
    "0210": "Italian codice fiscale",
    "0211": "Italian partita IVA",
    "0212": "Finnish organisation id",
    "0213": "Finnish VAT",
    "0221": "Japanese invoice registration",
    "0230": "Malaysian",
    "9901": "Danish CVR (legacy)",
    "9906": "Italian VAT",
    "9910": "Hungarian VAT",
    "9914": "Austrian VAT",
    "9915": "Austrian government",
    "9918": "SWIFT/BIC",
    "9919": "Austrian company register",
    "9920": "Spanish VAT",
    "9922": "Andorran VAT",
    "9925": "Belgian VAT",
    "9926": "Bosnian VAT",
    "9927": "Bulgarian VAT",
    "9928": "Swiss VAT",
    "9929": "Cypriot VAT",
    "9930": "German VAT",
    "9931": "Estonian VAT",
    "9932": "UK VAT",
    "9933": "Greek VAT",
    "9934": "Croatian VAT",
    "9935": "Irish VAT",
    "9936": "Liechtenstein VAT",
    "9937": "Lithuanian VAT",
    "9938": "Luxembourg VAT",
    "9939": "Latvian VAT",
    "9940": "Monaco VAT",
    "9941": "Montenegro VAT",
    "9942": "North Macedonian VAT",
    "9943": "Maltese VAT",
    "9944": "Dutch VAT",
    "9945": "Polish VAT",
    "9946": "Portuguese VAT",
    "9947": "Romanian VAT",
    "9948": "Serbian VAT",
    "9949": "Slovenian VAT",
    "9950": "Slovak VAT",
    "9951": "San Marino VAT",
    "9952": "Turkish VAT",
    "9953": "Vatican VAT",
    "9957": "French VAT",
    "9959": "US EIN",
}


def clean_vat_number(value: str, *, field: str = "vat_number") -> str:
    """Return the compact EU VAT number (``BE0403019261``) or raise naming field and value."""
    text = (value or "").strip()
    if not text:
        return ""
    try:
        return eu_vat.validate(text)
    except StdnumError as exc:
        raise InvalidVatNumber(
            f"{text} is not a valid VAT number ({exc.message.rstrip('.').lower()}).",
            field=field,
            details={"value": text},
        ) from exc


def clean_iban(value: str, *, field: str = "iban") -> str:
    text = (value or "").strip()
    if not text:
        return ""
    try:
        return stdnum_iban.validate(text)
    except StdnumError as exc:
        raise InvalidInput(
            f"{text} is not a valid IBAN ({exc.message.rstrip('.').lower()}).",
            field=field,
            code="iban.invalid",
            details={"value": text},
        ) from exc


def clean_endpoint(endpoint_id: str, scheme: str, *, field: str = "endpoint_id") -> tuple[str, str]:
    """Validate a Peppol electronic address: known EAS scheme, and a valid GLN for 0088."""
    endpoint_id = (endpoint_id or "").strip()
    scheme = (scheme or "").strip()
    if not endpoint_id and not scheme:
        return "", ""
    if not endpoint_id or not scheme:
        raise InvalidInput(
            "An electronic address needs both an endpoint id and its EAS scheme code.",
            field=field if not endpoint_id else "endpoint_scheme",
            code="endpoint.incomplete",
        )
    if scheme not in EAS_SCHEMES:
        raise InvalidInput(
            f"{scheme} is not a known EAS scheme code (e.g. 0088 for a GLN).",
            field="endpoint_scheme",
            code="endpoint.unknown_scheme",
            details={"value": scheme},
        )
    if scheme == "0088":
        from stdnum import ean

        try:
            endpoint_id = ean.validate(endpoint_id)
        except StdnumError as exc:
            raise InvalidInput(
                f"{endpoint_id} is not a valid GLN for scheme 0088 ({exc.message.rstrip('.').lower()}).",
                field=field,
                code="endpoint.invalid",
                details={"value": endpoint_id},
            ) from exc
        if len(endpoint_id) != 13:
            raise InvalidInput(
                f"{endpoint_id} is not a valid GLN for scheme 0088 (a GLN has 13 digits).",
                field=field,
                code="endpoint.invalid",
                details={"value": endpoint_id},
            )
    return endpoint_id, scheme


def clean_country(value: str, *, field: str = "country") -> str:
    from babel import Locale

    code = (value or "").strip().upper()
    if len(code) != 2 or code not in Locale("en").territories:
        raise InvalidInput(
            f"{value!r} is not an ISO 3166 country code (e.g. BE, DE).",
            field=field,
            code="country.unknown",
            details={"value": value},
        )
    return code
