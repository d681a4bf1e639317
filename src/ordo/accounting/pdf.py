"""The printable invoice or credit note: HTML from a Django template, PDF with WeasyPrint.

Pure: reads an ``InvoiceDocument`` and returns bytes or text; no ORM, no file or network
access (the stylesheet is inside the template, fonts are the system's DejaVu Sans).
Amounts and dates are written for ``language`` with babel; the labels go through Django's
translation machinery under the same language.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from stdnum import iban as stdnum_iban
from weasyprint import HTML

from ordo.accounting.document import (
    CREDIT_NOTE,
    INVOICE,
    AllowanceCharge,
    InvoiceDocument,
    Party,
)
from ordo.accounting.epc_qr import MAX_NAME, MAX_TEXT, epc_payload, epc_qr_svg

TEMPLATE = "accounting/invoice_pdf.html"

# UN/ECE Recommendation 20 codes as a reader knows them; others are printed as the code.
UNIT_LABELS = {
    "C62": "unit",
    "H87": "pc",
    "EA": "each",
    "KGM": "kg",
    "GRM": "g",
    "TNE": "t",
    "MTR": "m",
    "MTK": "m²",
    "MTQ": "m³",
    "LTR": "l",
    "HUR": "h",
    "MIN": "min",
    "DAY": "day",
    "WEE": "week",
    "MON": "month",
    "ANN": "year",
    "KWH": "kWh",
    "SET": "set",
    "PK": "pack",
    "BX": "box",
}

# UNCL 5305 VAT category codes used by EN 16931.
VAT_CATEGORY_LABELS = {
    "S": "Standard rate",
    "Z": "Zero rated",
    "E": "Exempt from VAT",
    "AE": "Reverse charge",
    "K": "Intra-community supply",
    "G": "Export outside the EU",
    "O": "Outside the scope of VAT",
    "L": "Canary Islands IGIC",
    "M": "Ceuta and Melilla IPSI",
}


def render_invoice_html(doc: InvoiceDocument, language: str = "en") -> str:
    """The invoice or credit note as a standalone HTML page (also a browser preview)."""
    with translation.override(language):
        return render_to_string(TEMPLATE, invoice_context(doc, language=language))


def render_invoice_pdf(doc: InvoiceDocument, *, language: str = "en") -> bytes:
    """The invoice or credit note as an A4 PDF.

    Raises InvalidInput (``epc.*``) when the document should carry a payment QR code
    but its payment details cannot make one (an invalid IBAN or creditor reference).
    """
    html = render_invoice_html(doc, language=language)
    return HTML(string=html, base_url=None).write_pdf()


def invoice_context(doc: InvoiceDocument, *, language: str) -> dict[str, Any]:
    """What the template shows, every amount, date and number already written out."""
    locale = Locale.parse(language.replace("-", "_"))
    currency = doc.currency

    def money(amount: Decimal) -> str:
        return format_currency(amount, currency, locale=locale)

    def price(amount: Decimal) -> str:
        # Unit prices keep their extra decimals (0.1234), money is shown to the cent.
        return format_currency(amount, currency, locale=locale, decimal_quantization=False)

    def date(value: dt.date | None) -> str:
        return format_date(value, format="medium", locale=locale) if value else ""

    def rate(value: Decimal) -> str:
        return format_percent(value / 100, locale=locale, decimal_quantization=False)

    def signed(amount: Decimal) -> str:
        # A typographic minus, as on the prepaid line, whatever the locale writes.
        return f"−{money(-amount)}" if amount < 0 else money(amount)

    is_credit_note = doc.kind == CREDIT_NOTE
    title = _("Credit note") if is_credit_note else _("Invoice")
    qr_svg = _payment_qr_svg(doc)
    return {
        "language": language,
        "is_credit_note": is_credit_note,
        "title": title,
        "number": doc.number,
        "issue_date": date(doc.issue_date),
        "due_date": date(doc.due_date),
        "delivery_date": date(doc.delivery_date),
        "period": _period(date(doc.period_start), date(doc.period_end)),
        "buyer_reference": doc.buyer_reference,
        "order_reference": doc.order_reference,
        "preceding_invoice": doc.preceding_invoice,
        "preceding_invoice_date": date(doc.preceding_invoice_date),
        "currency": currency,
        "seller": _party(doc.seller, locale),
        "buyer": _party(doc.buyer, locale),
        "lines": [
            {
                "line_id": line.line_id,
                "name": line.name,
                "description": line.description,
                "seller_item_id": line.seller_item_id,
                "quantity": format_decimal(line.quantity, locale=locale),
                "unit": UNIT_LABELS.get(line.unit_code, line.unit_code),
                "unit_price": price(line.unit_price),
                "vat_rate": rate(line.vat_rate),
                "net_amount": money(line.net_amount),
            }
            for line in doc.lines
        ],
        "tax_subtotals": [
            {
                "category": VAT_CATEGORY_LABELS.get(sub.vat_category, sub.vat_category),
                "category_code": sub.vat_category,
                "rate": rate(sub.vat_rate),
                "taxable_amount": money(sub.taxable_amount),
                "tax_amount": money(sub.tax_amount),
                "exemption_reason": sub.exemption_reason,
                "exemption_reason_code": sub.exemption_reason_code,
            }
            for sub in doc.tax_subtotals
        ],
        "totals": {
            # The lines' sum is only worth a row when allowances or charges follow it.
            "lines": money(doc.line_extension_amount) if doc.allowances_charges else "",
            "allowances_charges": [
                {
                    "label": _allowance_charge_label(item),
                    "amount": money(item.amount) if item.is_charge else signed(-item.amount),
                }
                for item in doc.allowances_charges
            ],
            "net": money(doc.tax_exclusive_amount),
            "tax": money(doc.tax_amount),
            "total": money(doc.tax_inclusive_amount),
            "prepaid": money(doc.prepaid_amount) if doc.prepaid_amount else "",
            "rounding": signed(doc.payable_rounding_amount) if doc.payable_rounding_amount else "",
            "due": money(doc.payable_amount),
        },
        "note": doc.note,
        "payment_terms": doc.payment_terms,
        "installments": [
            {"due_date": date(item.due_date), "amount": money(item.amount)}
            for item in doc.installments
        ],
        "iban": stdnum_iban.format(doc.iban) if doc.iban else "",
        "bic": doc.bic,
        "payment_reference": doc.payment_reference or doc.number,
        "qr_svg": qr_svg,
        # The page footer is drawn from CSS strings, so its texts are escaped for CSS.
        "footer_ref_css": _css_string(
            " · ".join(
                part
                for part in (
                    doc.seller.name,
                    f"{_('VAT')} {doc.seller.vat_number}" if doc.seller.vat_number else "",
                    f"{title} {doc.number}",
                )
                if part
            )
        ),
        "page_css": _css_string(_("Page")),
        "of_css": _css_string(_("of")),
    }


def _allowance_charge_label(item: AllowanceCharge) -> str:
    """A charge is named by its reason ("Freight charge"); an allowance reads "Discount (…)"."""
    reason = item.reason or item.reason_code
    if item.is_charge:
        return reason or _("Charge")
    return f"{_('Discount')} ({reason})" if reason else _("Discount")


def _period(start: str, end: str) -> str:
    if start and end:
        return f"{start} – {end}"
    if start:
        return _("from %(date)s") % {"date": start}
    return _("until %(date)s") % {"date": end} if end else ""


def _party(party: Party, locale: Locale) -> dict[str, str]:
    place = " ".join(part for part in (party.postal_code, party.city) if part)
    return {
        "name": party.name,
        "street": party.street,
        "place": place,
        "country": locale.territories.get(party.country, party.country),
        "vat_number": party.vat_number,
        "registration_number": party.registration_number,
        "email": party.email,
    }


def _css_string(text: str) -> SafeString:
    """``text`` as a quoted CSS string, every character that could end it escaped.

    A hex escape eats the one space after it, hence the space written after each.
    """
    escaped = "".join(
        char if char.isalnum() or char in " .,-_/" else f"\\{ord(char):06X} " for char in text
    )
    return mark_safe(f'"{escaped}"')  # safe: every character that could end it is escaped


def _payment_qr_svg(doc: InvoiceDocument) -> str:
    """The EPC QR code when the buyer pays the seller by SEPA transfer, else ""."""
    if doc.kind != INVOICE or doc.currency != "EUR" or not doc.iban:
        return ""
    if doc.payable_amount <= 0:
        return ""
    reference, text = "", ""
    if doc.payment_reference.upper().startswith("RF"):
        reference = doc.payment_reference
    else:
        text = (doc.payment_reference or f"{_('Invoice')} {doc.number}")[:MAX_TEXT]
    payload = epc_payload(
        # A legal name longer than the QR's 70 characters is cut: the IBAN decides.
        name=doc.seller.name[:MAX_NAME],
        iban=doc.iban,
        amount=doc.payable_amount,
        currency=doc.currency,
        bic=doc.bic,
        reference=reference,
        text=text,
    )
    return epc_qr_svg(payload)
