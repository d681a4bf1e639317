"""The SEPA payment QR code (EPC069-12) and the invoice / credit note PDF.

Pure: documents are built by hand, no database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from ordo.accounting.document import (
    CREDIT_NOTE,
    INVOICE,
    AllowanceCharge,
    DocumentLine,
    InstallmentDue,
    InvoiceDocument,
    Party,
    TaxSubtotal,
)
from ordo.accounting.epc_qr import epc_payload, epc_qr_svg
from ordo.accounting.pdf import render_invoice_html, render_invoice_pdf
from ordo.core.errors import InvalidInput, ValidationErrors

IBAN = "BE71096123456769"
RF = "RF18539007547034"

SELLER = Party(
    name="Ordo Belgium SA",
    country="BE",
    vat_number="BE0123456749",
    registration_number="0123.456.749",
    street="Rue de la Loi 16",
    city="Brussels",
    postal_code="1000",
    email="billing@ordo.example",
)
BUYER = Party(
    name="ACME Trading BV",
    country="NL",
    vat_number="NL123456789B01",
    street="Keizersgracht 100",
    city="Amsterdam",
    postal_code="1015 AA",
)


def consulting_line(line_id: str = "1") -> DocumentLine:
    return DocumentLine(
        line_id=line_id,
        name="Consulting services",
        quantity=Decimal("10"),
        unit_code="HUR",
        unit_price=Decimal("90.00"),
        net_amount=Decimal("900.00"),
        vat_category="S",
        vat_rate=Decimal("21"),
        description="Implementation workshop, March 2026",
    )


def handbook_line(line_id: str = "2") -> DocumentLine:
    return DocumentLine(
        line_id=line_id,
        name="Ordo handbook",
        quantity=Decimal("4"),
        unit_code="H87",
        unit_price=Decimal("34.33"),
        net_amount=Decimal("137.32"),
        vat_category="S",
        vat_rate=Decimal("6"),
        seller_item_id="BOOK-ORDO",
    )


def invoice(**changes) -> InvoiceDocument:
    """INV-2026-00042: 900.00 at 21 % + 137.32 at 6 % = 1,234.56, paid in two parts."""
    doc = InvoiceDocument(
        kind=INVOICE,
        number="INV-2026-00042",
        issue_date=dt.date(2026, 3, 15),
        currency="EUR",
        seller=SELLER,
        buyer=BUYER,
        lines=(consulting_line(), handbook_line()),
        tax_subtotals=(
            TaxSubtotal("S", Decimal("21"), Decimal("900.00"), Decimal("189.00")),
            TaxSubtotal("S", Decimal("6"), Decimal("137.32"), Decimal("8.24")),
        ),
        line_extension_amount=Decimal("1037.32"),
        tax_exclusive_amount=Decimal("1037.32"),
        tax_amount=Decimal("197.24"),
        tax_inclusive_amount=Decimal("1234.56"),
        payable_amount=Decimal("1234.56"),
        due_date=dt.date(2026, 4, 14),
        buyer_reference="PO-4471",
        order_reference="SO-00042",
        payment_terms="30% within 30 days, the rest within 60 days",
        installments=(
            InstallmentDue(dt.date(2026, 4, 14), Decimal("370.37")),
            InstallmentDue(dt.date(2026, 5, 14), Decimal("864.19")),
        ),
        iban=IBAN,
        bic="GKCCBEBB",
        payment_reference=RF,
    )
    return dataclasses.replace(doc, **changes)


def credit_note() -> InvoiceDocument:
    """CN-2026-00007 credits the handbooks of INV-2026-00042 (137.32 + 8.24 VAT)."""
    return invoice(
        kind=CREDIT_NOTE,
        number="CN-2026-00007",
        issue_date=dt.date(2026, 3, 20),
        lines=(handbook_line("1"),),
        tax_subtotals=(TaxSubtotal("S", Decimal("6"), Decimal("137.32"), Decimal("8.24")),),
        line_extension_amount=Decimal("137.32"),
        tax_exclusive_amount=Decimal("137.32"),
        tax_amount=Decimal("8.24"),
        tax_inclusive_amount=Decimal("145.56"),
        payable_amount=Decimal("145.56"),
        due_date=None,
        installments=(),
        payment_terms="",
        preceding_invoice="INV-2026-00042",
        preceding_invoice_date=dt.date(2026, 3, 15),
    )


def pdf_pages(pdf: bytes) -> list[str]:
    """Each page's text, line breaks and runs of spaces made one space."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


# --- EPC payload -------------------------------------------------------------------------


def test_epc_payload_with_creditor_reference_lists_the_fields_one_per_line():
    payload = epc_payload(
        name="Ordo Belgium SA",
        iban="BE71 0961 2345 6769",
        amount=Decimal("1234.56"),
        currency="EUR",
        bic="GKCCBEBB",
        reference="RF18 5390 0754 7034",
    )

    assert payload == (
        "BCD\n"
        "002\n"
        "1\n"
        "SCT\n"
        "GKCCBEBB\n"
        "Ordo Belgium SA\n"
        "BE71096123456769\n"
        "EUR1234.56\n"
        "\n"
        "RF18539007547034"
    )


def test_epc_payload_with_text_and_no_bic_leaves_the_bic_and_reference_lines_empty():
    payload = epc_payload(
        name="Ordo Belgium SA",
        iban=IBAN,
        amount=Decimal("12.3"),
        currency="EUR",
        text="Invoice INV-2026-00042",
    )

    assert payload == (
        "BCD\n002\n1\nSCT\n\nOrdo Belgium SA\nBE71096123456769\nEUR12.30\n\n\n"
        "Invoice INV-2026-00042"
    )


def test_epc_payload_without_remittance_ends_on_the_amount():
    payload = epc_payload(name="Ordo", iban=IBAN, amount=Decimal("0.01"), currency="EUR")

    assert payload == "BCD\n002\n1\nSCT\n\nOrdo\nBE71096123456769\nEUR0.01"


def test_epc_payload_takes_a_structured_reference_that_is_not_rf_as_is():
    payload = epc_payload(
        name="Ordo", iban=IBAN, amount=Decimal("5.00"), currency="EUR", reference="090933755493"
    )

    assert payload.endswith("\nEUR5.00\n\n090933755493")


def test_epc_payload_refuses_a_creditor_reference_with_wrong_check_digits():
    with pytest.raises(InvalidInput) as caught:
        epc_payload(
            name="Ordo",
            iban=IBAN,
            amount=Decimal("5.00"),
            currency="EUR",
            reference="RF19539007547034",
        )

    assert caught.value.code == "epc.reference"
    assert caught.value.message == (
        "Creditor reference 'RF19539007547034' is not a valid ISO 11649 reference "
        "(wrong length, characters or check digits)."
    )


def test_epc_payload_refuses_a_name_longer_than_70_characters():
    with pytest.raises(InvalidInput) as caught:
        epc_payload(name="N" * 71, iban=IBAN, amount=Decimal("5.00"), currency="EUR")

    assert caught.value.code == "epc.name_too_long"
    assert caught.value.message == (
        "The beneficiary's name has 71 characters; the EPC payment QR code allows at most 70."
    )
    assert caught.value.details == {"length": 71, "max": 70, "field": "name"}


def test_epc_payload_refuses_another_currency_than_euro():
    with pytest.raises(InvalidInput) as caught:
        epc_payload(name="Ordo", iban=IBAN, amount=Decimal("5.00"), currency="USD")

    assert caught.value.code == "epc.currency"
    assert caught.value.message == "The EPC payment QR code is for euro transfers only, not USD."


def test_epc_payload_refuses_an_iban_with_wrong_check_digits():
    with pytest.raises(InvalidInput) as caught:
        epc_payload(name="Ordo", iban="BE72096123456769", amount=Decimal("5.00"), currency="EUR")

    assert caught.value.code == "epc.iban"
    assert caught.value.message == (
        "IBAN 'BE72096123456769' is not valid (wrong length, country or check digits)."
    )


def test_epc_payload_refuses_a_bic_of_the_wrong_shape():
    with pytest.raises(InvalidInput) as caught:
        epc_payload(name="Ordo", iban=IBAN, amount=Decimal("5.00"), currency="EUR", bic="GKCC")

    assert caught.value.code == "epc.bic"
    assert caught.value.message == "BIC 'GKCC' is not valid: it must be 8 or 11 letters and digits."


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0.00", "The amount 0.00 is out of the EPC payment QR code's range 0.01 to 999999999.99."),
        (
            "1000000000.00",
            "The amount 1000000000.00 is out of the EPC payment QR code's range 0.01 to "
            "999999999.99.",
        ),
        ("1.005", "The amount 1.005 has more than 2 decimals."),
    ],
)
def test_epc_payload_refuses_an_amount_out_of_range_or_with_fractions_of_cents(amount, message):
    with pytest.raises(InvalidInput) as caught:
        epc_payload(name="Ordo", iban=IBAN, amount=Decimal(amount), currency="EUR")

    assert caught.value.code == "epc.amount"
    assert caught.value.message == message


def test_epc_payload_refuses_a_float_amount():
    with pytest.raises(InvalidInput) as caught:
        epc_payload(name="Ordo", iban=IBAN, amount=12.5, currency="EUR")  # type: ignore[arg-type]

    assert caught.value.code == "epc.amount"
    assert caught.value.message == "The amount must be a Decimal, not float."


def test_epc_payload_refuses_a_reference_and_a_text_together():
    with pytest.raises(InvalidInput) as caught:
        epc_payload(
            name="Ordo", iban=IBAN, amount=Decimal("5.00"), currency="EUR", reference=RF, text="x"
        )

    assert caught.value.code == "epc.remittance_both"
    assert caught.value.message == (
        "The EPC payment QR code takes a structured reference or a remittance text, not both."
    )


def test_epc_payload_refuses_a_text_longer_than_140_characters():
    with pytest.raises(InvalidInput) as caught:
        epc_payload(name="Ordo", iban=IBAN, amount=Decimal("5.00"), currency="EUR", text="t" * 141)

    assert caught.value.code == "epc.text_too_long"
    assert caught.value.message == (
        "The remittance text has 141 characters; the EPC payment QR code allows at most 140."
    )


def test_epc_payload_refuses_more_than_331_bytes_even_when_each_field_fits():
    # 70 two-byte letters and 140 two-byte letters: within the character limits, but
    # 140 + 280 bytes overflow what a version 13 QR code holds.
    with pytest.raises(InvalidInput) as caught:
        epc_payload(
            name="Ž" * 70, iban=IBAN, amount=Decimal("5.00"), currency="EUR", text="é" * 140
        )

    assert caught.value.code == "epc.payload_too_long"
    assert caught.value.message == (
        "The EPC payment QR code holds at most 331 bytes; this payment needs 463. "
        "Shorten the name or the remittance text."
    )


def test_epc_payload_of_exactly_331_bytes_is_accepted_and_one_more_is_not():
    # The fields before the text take 47 bytes; 94 three-byte "€" and 2 letters make 284.
    fits = epc_payload(
        name="Ordo", iban=IBAN, amount=Decimal("5.00"), currency="EUR", text="€" * 94 + "xx"
    )
    with pytest.raises(InvalidInput) as caught:
        epc_payload(
            name="Ordo", iban=IBAN, amount=Decimal("5.00"), currency="EUR", text="€" * 94 + "xxx"
        )

    assert len(fits.encode("utf-8")) == 331
    assert caught.value.code == "epc.payload_too_long"
    assert caught.value.details == {"bytes": 332, "max": 331, "field": "text"}


def test_epc_qr_code_of_the_largest_payload_fits_version_13():
    payload = epc_payload(
        name="Ordo", iban=IBAN, amount=Decimal("5.00"), currency="EUR", text="€" * 94 + "xx"
    )

    assert 'viewBox="0 0 77 77"' in epc_qr_svg(payload)  # 69 modules + 2 × 4 quiet zone


def test_epc_payload_lists_every_broken_rule_at_once():
    with pytest.raises(ValidationErrors) as caught:
        epc_payload(name="", iban="BE00", amount=Decimal("5.00"), currency="GBP")

    assert caught.value.code == "epc.invalid"
    assert [error["code"] for error in caught.value.errors] == [
        "epc.currency",
        "epc.name_missing",
        "epc.iban",
    ]


def test_epc_qr_svg_is_an_inline_svg_element_sized_by_its_view_box():
    svg = epc_qr_svg(epc_payload(name="Ordo", iban=IBAN, amount=Decimal("5.00"), currency="EUR"))

    assert svg.startswith('<svg viewBox="0 0 ')
    assert "<?xml" not in svg
    assert 'class="epc-qr"' in svg


# --- PDF -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def invoice_pdf_text() -> str:
    pdf = render_invoice_pdf(invoice())
    assert pdf.startswith(b"%PDF-")
    return "\n".join(pdf_pages(pdf))


def test_invoice_pdf_shows_the_number_the_parties_and_the_total(invoice_pdf_text):
    for expected in (
        "INVOICE",
        "INV-2026-00042",
        "Ordo Belgium SA",
        "VAT number: BE0123456749",
        "Registration number: 0123.456.749",
        "ACME Trading BV",
        "Keizersgracht 100",
        "Netherlands",
        "Issue date Mar 15, 2026",
        "Due date Apr 14, 2026",
        "Your reference PO-4471",
        "Your order SO-00042",
        "Consulting services",
        "10 h €90.00 21% €900.00",
        "4 pc €34.33 6% €137.32",
        "Standard rate 21% €900.00 €189.00",
        "Standard rate 6% €137.32 €8.24",
        "Total without VAT €1,037.32",
        "VAT €197.24",
        "Total €1,234.56",
        "Amount due €1,234.56",
    ):
        assert expected in invoice_pdf_text, expected


def test_invoice_pdf_shows_the_payment_terms_installments_and_bank_details(invoice_pdf_text):
    for expected in (
        "30% within 30 days, the rest within 60 days",
        "Apr 14, 2026 €370.37",
        "May 14, 2026 €864.19",
        "IBAN BE71 0961 2345 6769",
        "BIC GKCCBEBB",
        f"Payment reference {RF}",
        "Scan to pay with your banking app",
        "Page 1 of 1",
    ):
        assert expected in invoice_pdf_text, expected


def test_credit_note_pdf_names_the_invoice_it_credits_and_asks_for_no_payment():
    pdf = render_invoice_pdf(credit_note())
    text = "\n".join(pdf_pages(pdf))

    assert pdf.startswith(b"%PDF-")
    assert "CREDIT NOTE" in text
    assert "Credit note number CN-2026-00007" in text
    assert "Original invoice INV-2026-00042 Original invoice date Mar 15, 2026" in text
    assert "Amount credited €145.56" in text
    assert "Scan to pay" not in text
    assert "IBAN" not in text


def test_invoice_html_carries_the_qr_code_for_euro_with_an_iban():
    html = render_invoice_html(invoice())

    assert html.count("<svg") == 1
    assert "Scan to pay with your banking app" in html


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param(invoice(currency="USD"), id="dollars"),
        pytest.param(invoice(iban="", bic=""), id="no-iban"),
        pytest.param(
            invoice(prepaid_amount=Decimal("1234.56"), payable_amount=Decimal("0.00")), id="paid"
        ),
        pytest.param(credit_note(), id="credit-note"),
    ],
)
def test_invoice_html_has_no_qr_code_without_a_euro_amount_to_pay_to_an_iban(doc):
    html = render_invoice_html(doc)

    assert "<svg" not in html
    assert "Scan to pay" not in html


def test_invoice_in_dollars_shows_dollar_amounts_and_the_prepaid_part():
    doc = invoice(
        currency="USD", prepaid_amount=Decimal("234.56"), payable_amount=Decimal("1000.00")
    )

    text = "\n".join(pdf_pages(render_invoice_pdf(doc)))

    assert "Total $1,234.56" in text
    assert "Paid in advance −$234.56" in text
    assert "Amount due $1,000.00" in text


def test_invoice_html_writes_amounts_and_dates_in_the_language_asked():
    html = render_invoice_html(invoice(), language="fr")

    assert "1\u202f234,56\xa0€" in html
    assert "15 mars 2026" in html


def test_invoice_pdf_refuses_a_payment_qr_code_for_an_invalid_iban():
    with pytest.raises(InvalidInput) as caught:
        render_invoice_pdf(invoice(iban="BE72096123456769"))

    assert caught.value.code == "epc.iban"


def test_invoice_pdf_shows_the_exemption_reason_of_a_vat_breakdown():
    doc = invoice(
        lines=(dataclasses.replace(consulting_line(), vat_category="K", vat_rate=Decimal("0")),),
        tax_subtotals=(
            TaxSubtotal(
                "K",
                Decimal("0"),
                Decimal("900.00"),
                Decimal("0.00"),
                exemption_reason="Intra-community supply",
                exemption_reason_code="VATEX-EU-IC",
            ),
        ),
        line_extension_amount=Decimal("900.00"),
        tax_exclusive_amount=Decimal("900.00"),
        tax_amount=Decimal("0.00"),
        tax_inclusive_amount=Decimal("900.00"),
        payable_amount=Decimal("900.00"),
        installments=(),
    )

    html = render_invoice_html(doc)

    assert "Intra-community supply (VATEX-EU-IC)" in html


def test_a_sixty_line_invoice_runs_over_several_pages_numbered_in_the_footer():
    lines = tuple(
        DocumentLine(
            line_id=str(number),
            name=f"WIDGET-RED batch {number}",
            quantity=Decimal("1"),
            unit_code="C62",
            unit_price=Decimal("15.00"),
            net_amount=Decimal("15.00"),
            vat_category="S",
            vat_rate=Decimal("21"),
        )
        for number in range(1, 61)
    )
    doc = invoice(
        lines=lines,
        tax_subtotals=(TaxSubtotal("S", Decimal("21"), Decimal("900.00"), Decimal("189.00")),),
        line_extension_amount=Decimal("900.00"),
        tax_exclusive_amount=Decimal("900.00"),
        tax_amount=Decimal("189.00"),
        tax_inclusive_amount=Decimal("1089.00"),
        payable_amount=Decimal("1089.00"),
        installments=(),
    )

    pages = pdf_pages(render_invoice_pdf(doc))

    assert len(pages) >= 2
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert "WIDGET-RED batch 60" in pages[-1]
    assert "Amount due €1,089.00" in pages[-1]


def test_footer_keeps_quotes_and_markup_of_the_seller_name_as_text():
    seller = dataclasses.replace(SELLER, name='O\'Brien "Quotes" </style> & Co')

    pages = pdf_pages(render_invoice_pdf(invoice(seller=seller)))

    assert pages[0].endswith(
        'O\'Brien "Quotes" </style> & Co · VAT BE0123456749 · Invoice INV-2026-00042 Page 1 of 1'
    )


def invoice_with_discount_freight_and_rounding() -> InvoiceDocument:
    """INV-2026-00042 less 10.00 early-order discount plus 25.00 freight, both at 21 %.

    21 %: 900.00 - 10.00 + 25.00 = 915.00, VAT 192.15; 6 %: 137.32, VAT 8.24.
    Total 1,252.71, rounded down by 0.01 to 1,252.70.
    """
    return invoice(
        allowances_charges=(
            AllowanceCharge(
                is_charge=False,
                amount=Decimal("10.00"),
                reason="Early order",
                reason_code="95",
                vat_rate=Decimal("21"),
            ),
            AllowanceCharge(
                is_charge=True,
                amount=Decimal("25.00"),
                reason="Freight charge",
                reason_code="FC",
                vat_rate=Decimal("21"),
            ),
        ),
        tax_subtotals=(
            TaxSubtotal("S", Decimal("21"), Decimal("915.00"), Decimal("192.15")),
            TaxSubtotal("S", Decimal("6"), Decimal("137.32"), Decimal("8.24")),
        ),
        allowance_total_amount=Decimal("10.00"),
        charge_total_amount=Decimal("25.00"),
        tax_exclusive_amount=Decimal("1052.32"),
        tax_amount=Decimal("200.39"),
        tax_inclusive_amount=Decimal("1252.71"),
        payable_rounding_amount=Decimal("-0.01"),
        payable_amount=Decimal("1252.70"),
        installments=(),
        delivery_date=dt.date(2026, 3, 10),
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
    )


def test_invoice_pdf_shows_discount_freight_rounding_delivery_date_and_period():
    text = "\n".join(pdf_pages(render_invoice_pdf(invoice_with_discount_freight_and_rounding())))

    for expected in (
        "Delivery date Mar 10, 2026",
        "Period Mar 1, 2026 – Mar 31, 2026",
        "Lines total €1,037.32",
        "Discount (Early order) −€10.00",
        "Freight charge €25.00",
        "Total without VAT €1,052.32",
        "Standard rate 21% €915.00 €192.15",
        "VAT €200.39",
        "Total €1,252.71",
        "Rounding −€0.01",
        "Amount due €1,252.70",
    ):
        assert expected in text, expected


def test_invoice_pdf_without_allowances_charges_or_rounding_shows_none_of_their_rows(
    invoice_pdf_text,
):
    for absent in ("Lines total", "Discount", "Rounding", "Delivery date", "Period "):
        assert absent not in invoice_pdf_text, absent


def test_invoice_period_with_only_a_start_or_an_end_says_from_or_until():
    starting = render_invoice_html(invoice(period_start=dt.date(2026, 3, 1)))
    ending = render_invoice_html(invoice(period_end=dt.date(2026, 3, 31)))

    assert "<th>Period</th><td>from Mar 1, 2026</td>" in starting
    assert "<th>Period</th><td>until Mar 31, 2026</td>" in ending
