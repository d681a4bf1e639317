"""UBL 2.1 e-invoices: writing, reading and validating (XSD, EN 16931, Peppol BIS 3.0).

The schematron checks run in every test run: they are the proof that what we send is valid.
Each stylesheet is compiled once per process (about half a second) and reused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

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
from ordo.accounting.einvoice_validation import (
    EN16931,
    PEPPOL,
    compiled_stylesheet,
    fatal,
    validate_all,
    validate_en16931,
    validate_peppol,
    validate_xsd,
)
from ordo.accounting.ubl import CBC, from_ubl, to_ubl
from ordo.core.errors import InvalidInput, ValidationErrors

SAMPLES = Path(__file__).resolve().parents[4] / ".." / "shared" / "standards-samples" / "einvoice"
EXAMPLE1 = "en16931-ubl-tc434-example1.xml"
CREDIT_NOTE1 = "en16931-ubl-tc434-creditnote1.xml"
PEPPOL_BASE = "peppol-bis3-base-example.xml"


def sample(name: str) -> bytes:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is not beside the repository)")
    return path.read_bytes()


def rule_ids(findings) -> set[str]:
    return {finding.rule_id for finding in findings}


SELLER = Party(
    name="Ordo Distribution Belgium NV",
    country="BE",
    vat_number="BE0123456749",
    registration_number="0123456749",
    street="Rue de la Loi 16",
    city="Bruxelles",
    postal_code="1000",
    endpoint_id="0123456749",
    endpoint_scheme="0208",
    email="billing@ordo.example",
)
BUYER = Party(
    name="Acme Trading BV",
    country="NL",
    vat_number="NL859876543B01",
    street="Keizersgracht 100",
    city="Amsterdam",
    postal_code="1015 CX",
    endpoint_id="NL859876543B01",
    endpoint_scheme="9944",
    email="ap@acme-trading.example",
)


def belgian_invoice(**changes) -> InvoiceDocument:
    """Two lines at S 21 % and one reverse-charged service (AE, VATEX-EU-AE)."""
    document = InvoiceDocument(
        kind=INVOICE,
        number="INV-2026-00042",
        issue_date=dt.date(2026, 3, 15),
        currency="EUR",
        seller=SELLER,
        buyer=BUYER,
        lines=(
            DocumentLine(
                line_id="1",
                name="Widget red",
                quantity=Decimal("10"),
                unit_code="H87",
                unit_price=Decimal("12.50"),
                net_amount=Decimal("125.00"),
                vat_category="S",
                vat_rate=Decimal("21"),
                description="Red widget, 40 mm",
                seller_item_id="WIDGET-RED",
                gtin="4006381333931",
            ),
            DocumentLine(
                line_id="2",
                name="Widget blue",
                quantity=Decimal("3"),
                unit_code="H87",
                unit_price=Decimal("80.0000"),
                net_amount=Decimal("240.00"),
                vat_category="S",
                vat_rate=Decimal("21"),
                seller_item_id="WIDGET-BLUE",
            ),
            DocumentLine(
                line_id="3",
                name="Installation service",
                quantity=Decimal("2.5"),
                unit_code="HUR",
                unit_price=Decimal("120.00"),
                net_amount=Decimal("300.00"),
                vat_category="AE",
                vat_rate=Decimal("0"),
            ),
        ),
        tax_subtotals=(
            TaxSubtotal(
                vat_category="S",
                vat_rate=Decimal("21"),
                taxable_amount=Decimal("365.00"),
                tax_amount=Decimal("76.65"),
            ),
            TaxSubtotal(
                vat_category="AE",
                vat_rate=Decimal("0"),
                taxable_amount=Decimal("300.00"),
                tax_amount=Decimal("0.00"),
                exemption_reason="Reverse charge",
                exemption_reason_code="VATEX-EU-AE",
            ),
        ),
        line_extension_amount=Decimal("665.00"),
        tax_exclusive_amount=Decimal("665.00"),
        tax_amount=Decimal("76.65"),
        tax_inclusive_amount=Decimal("741.65"),
        payable_amount=Decimal("741.65"),
        due_date=dt.date(2026, 4, 14),
        buyer_reference="PO-ACME-7781",
        order_reference="PO-ACME-7781",
        note="Thank you for your order.",
        payment_terms="30 days net",
        iban="BE71096123456769",
        bic="GKCCBEBB",
        payment_reference="+++090/9337/55493+++",
    )
    return dataclasses.replace(document, **changes)


def belgian_credit_note(**changes) -> InvoiceDocument:
    """Credits line 1 of INV-2026-00042 (S 21 %) plus a zero-rated line."""
    document = belgian_invoice(
        kind=CREDIT_NOTE,
        number="CN-2026-00007",
        issue_date=dt.date(2026, 3, 20),
        lines=(
            DocumentLine(
                line_id="1",
                name="Widget red",
                quantity=Decimal("2"),
                unit_code="H87",
                unit_price=Decimal("12.50"),
                net_amount=Decimal("25.00"),
                vat_category="S",
                vat_rate=Decimal("21"),
                seller_item_id="WIDGET-RED",
            ),
            DocumentLine(
                line_id="2",
                name="Printed catalogue",
                quantity=Decimal("1"),
                unit_code="C62",
                unit_price=Decimal("5.00"),
                net_amount=Decimal("5.00"),
                vat_category="Z",
                vat_rate=Decimal("0"),
            ),
        ),
        tax_subtotals=(
            TaxSubtotal("S", Decimal("21"), Decimal("25.00"), Decimal("5.25")),
            TaxSubtotal("Z", Decimal("0"), Decimal("5.00"), Decimal("0.00")),
        ),
        line_extension_amount=Decimal("30.00"),
        tax_exclusive_amount=Decimal("30.00"),
        tax_amount=Decimal("5.25"),
        tax_inclusive_amount=Decimal("35.25"),
        payable_amount=Decimal("35.25"),
        due_date=dt.date(2026, 4, 19),
        preceding_invoice="INV-2026-00042",
        preceding_invoice_date=dt.date(2026, 3, 15),
        note="Two red widgets returned damaged.",
    )
    return dataclasses.replace(document, **changes)


# --- Public samples ------------------------------------------------------------------------


@pytest.mark.parametrize("name", [EXAMPLE1, CREDIT_NOTE1, PEPPOL_BASE])
def test_public_samples_pass_the_ubl_schema(name):
    assert validate_xsd(sample(name)) == []


@pytest.mark.parametrize("name", [EXAMPLE1, CREDIT_NOTE1, PEPPOL_BASE])
def test_public_samples_have_no_fatal_en16931_finding(name):
    assert fatal(validate_en16931(sample(name))) == []


def test_peppol_base_example_passes_the_peppol_rules():
    assert fatal(validate_peppol(sample(PEPPOL_BASE))) == []


def test_cen_example_fails_the_peppol_cius_for_its_missing_profile_and_endpoints():
    findings = fatal(validate_peppol(sample(EXAMPLE1)))

    assert {
        "PEPPOL-EN16931-R001",  # no ProfileID
        "PEPPOL-EN16931-R003",  # neither BuyerReference nor OrderReference
        "PEPPOL-EN16931-R004",  # not the Peppol CustomizationID
        "PEPPOL-EN16931-R010",  # no buyer EndpointID
        "PEPPOL-EN16931-R020",  # no seller EndpointID
    } <= rule_ids(findings)
    seller = next(f for f in findings if f.rule_id == "PEPPOL-EN16931-R020")
    assert seller.source == PEPPOL
    assert seller.location == "/Invoice[1]/AccountingSupplierParty[1]/Party[1]"
    assert seller.message == "Seller electronic address MUST be provided"


def test_reads_the_cen_example_invoice():
    doc = from_ubl(sample(EXAMPLE1))

    assert (doc.kind, doc.number, doc.currency) == (INVOICE, "12115118", "EUR")
    assert (doc.issue_date, doc.due_date) == (dt.date(2015, 1, 9), dt.date(2015, 1, 9))
    assert doc.line_extension_amount == Decimal("229.60")
    assert doc.tax_exclusive_amount == Decimal("229.60")
    assert doc.tax_amount == Decimal("20.73")
    assert doc.tax_inclusive_amount == Decimal("250.33")
    assert doc.payable_amount == Decimal("250.33")
    assert len(doc.lines) == 20
    assert (doc.seller.name, doc.buyer.name) == ("De Koksmaat", "ODIN 59")
    assert doc.seller.vat_number == "NL8200.98.395.B.01"
    assert [(t.vat_rate, t.taxable_amount, t.tax_amount) for t in doc.tax_subtotals] == [
        (Decimal("6"), Decimal("183.23"), Decimal("10.99")),
        (Decimal("21"), Decimal("46.37"), Decimal("9.74")),
    ]
    assert doc.lines[0] == DocumentLine(
        line_id="1",
        name="PATAT FRITES 10MM 10KG",
        quantity=Decimal("2"),
        unit_code="EA",
        unit_price=Decimal("9.95"),
        net_amount=Decimal("19.90"),
        vat_category="S",
        vat_rate=Decimal("6"),
        seller_item_id="166022",
    )
    # The first PaymentMeans with an account wins.
    assert (doc.iban, doc.payment_reference) == (
        "NL57 RABO 0107307510",
        "Deb. 10202 / Fact. 12115118",
    )


def test_reads_the_cen_example_credit_note():
    doc = from_ubl(sample(CREDIT_NOTE1))

    assert (doc.kind, doc.number, doc.currency) == (CREDIT_NOTE, "018304 / 28865", "EUR")
    assert (doc.issue_date, doc.due_date) == (dt.date(2019, 9, 23), None)
    assert doc.line_extension_amount == Decimal("100.11")
    assert doc.tax_amount == Decimal("0.00")
    assert doc.payable_amount == Decimal("100.11")
    assert len(doc.lines) == 1
    assert (doc.seller.name, doc.buyer.name) == ("My Supplier Company", "My Customer Company")
    assert (doc.seller.endpoint_scheme, doc.seller.endpoint_id) == ("0201", "0000000196")
    assert doc.lines[0].quantity == Decimal("1.00")
    assert doc.tax_subtotals == (
        TaxSubtotal(
            vat_category="E",
            vat_rate=Decimal("0"),
            taxable_amount=Decimal("100.11"),
            tax_amount=Decimal("0"),
            exemption_reason="Taxes are not applicable",
        ),
    )
    assert (doc.iban, doc.bic) == ("BE91000000143476", "BPOTBEB1")


def test_reads_the_peppol_base_example():
    doc = from_ubl(sample(PEPPOL_BASE))

    assert (doc.kind, doc.number, doc.currency) == (INVOICE, "Snippet1", "EUR")
    assert (doc.issue_date, doc.due_date) == (dt.date(2017, 11, 13), dt.date(2017, 12, 1))
    assert doc.line_extension_amount == Decimal("1300")
    # 1325 = 1300 of lines + a 25 document-level charge.
    assert doc.tax_exclusive_amount == Decimal("1325")
    assert doc.tax_amount == Decimal("331.25")
    assert doc.payable_amount == Decimal("1656.25")
    assert len(doc.lines) == 2
    assert (doc.seller.name, doc.buyer.name) == ("SupplierOfficialName Ltd", "Buyer Official Name")
    assert (doc.buyer.endpoint_scheme, doc.buyer.endpoint_id) == ("0002", "FR23342")
    assert doc.buyer.email == "lj@buyer.se"
    assert doc.buyer_reference == "0150abc"
    assert doc.payment_terms == "Payment within 10 days, 2% discount"
    assert doc.lines[1].quantity == Decimal("-3")
    assert doc.lines[1].net_amount == Decimal("-1500")
    # Its standard item id is in scheme 0088, not a GTIN (0160): not taken as one.
    assert doc.lines[0].gtin == ""


def test_peppol_base_example_keeps_its_document_level_charge():
    doc = from_ubl(sample(PEPPOL_BASE))

    assert doc.allowances_charges == (
        AllowanceCharge(
            is_charge=True,
            amount=Decimal("25"),
            reason="Insurance",
            reason_code="",
            vat_category="S",
            vat_rate=Decimal("25.0"),
        ),
    )
    assert (doc.allowance_total_amount, doc.charge_total_amount) == (Decimal(0), Decimal("25"))
    assert doc.payable_rounding_amount == Decimal(0)
    assert doc.tax_exclusive_amount == (
        doc.line_extension_amount - doc.allowance_total_amount + doc.charge_total_amount
    )
    assert (doc.delivery_date, doc.delivery_country) == (dt.date(2017, 11, 1), "SE")
    assert (doc.period_start, doc.period_end) == (None, None)
    assert (doc.buyer.registration_number, doc.buyer.registration_scheme) == (
        "39937423947",
        "0183",
    )
    assert (doc.seller.registration_number, doc.seller.registration_scheme) == ("GB983294", "")


# --- Our own documents ---------------------------------------------------------------------

DISCOUNT = AllowanceCharge(
    is_charge=False,
    amount=Decimal("10.00"),
    reason="Loyalty discount",
    reason_code="95",
    vat_category="S",
    vat_rate=Decimal("21"),
)
FREIGHT = AllowanceCharge(
    is_charge=True,
    amount=Decimal("25.00"),
    reason="Freight",
    reason_code="FC",
    vat_category="S",
    vat_rate=Decimal("21"),
)


def invoice_with_discount_and_freight(**changes) -> InvoiceDocument:
    """INV-2026-00042 less a 10.00 discount plus 25.00 freight, both at S 21 %.

    S 21 %: 365.00 - 10.00 + 25.00 = 380.00, VAT 79.80; AE 300.00. Total 759.80, rounded
    up by 0.20 to 760.00 to pay.
    """
    document = belgian_invoice(
        seller=dataclasses.replace(SELLER, registration_scheme="0208"),
        allowances_charges=(DISCOUNT, FREIGHT),
        tax_subtotals=(
            TaxSubtotal("S", Decimal("21"), Decimal("380.00"), Decimal("79.80")),
            TaxSubtotal(
                "AE",
                Decimal("0"),
                Decimal("300.00"),
                Decimal("0.00"),
                exemption_reason="Reverse charge",
                exemption_reason_code="VATEX-EU-AE",
            ),
        ),
        allowance_total_amount=Decimal("10.00"),
        charge_total_amount=Decimal("25.00"),
        tax_exclusive_amount=Decimal("680.00"),
        tax_amount=Decimal("79.80"),
        tax_inclusive_amount=Decimal("759.80"),
        payable_rounding_amount=Decimal("0.20"),
        payable_amount=Decimal("760.00"),
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
    )
    return dataclasses.replace(document, **changes)


def intra_eu_supply(**changes) -> InvoiceDocument:
    """Goods shipped from Belgium to a VAT-registered Dutch buyer: K at 0 %, VATEX-EU-IC."""
    document = belgian_invoice(
        number="INV-2026-00043",
        seller=dataclasses.replace(SELLER, registration_scheme="0208"),
        buyer=dataclasses.replace(
            BUYER, registration_number="34567890", registration_scheme="0106"
        ),
        lines=tuple(
            dataclasses.replace(line, vat_category="K", vat_rate=Decimal("0"))
            for line in belgian_invoice().lines[:2]
        ),
        tax_subtotals=(
            TaxSubtotal(
                "K",
                Decimal("0"),
                Decimal("365.00"),
                Decimal("0.00"),
                exemption_reason="Intra-community supply",
                exemption_reason_code="VATEX-EU-IC",
            ),
        ),
        line_extension_amount=Decimal("365.00"),
        tax_exclusive_amount=Decimal("365.00"),
        tax_amount=Decimal("0.00"),
        tax_inclusive_amount=Decimal("365.00"),
        payable_amount=Decimal("365.00"),
        delivery_date=dt.date(2026, 3, 12),
        delivery_country="NL",
    )
    return dataclasses.replace(document, **changes)


def test_belgian_invoice_to_a_dutch_buyer_passes_xsd_en16931_and_peppol():
    findings = validate_all(to_ubl(belgian_invoice()))

    assert fatal(findings) == []


def test_credit_note_with_its_preceding_invoice_passes_xsd_en16931_and_peppol():
    findings = validate_all(to_ubl(belgian_credit_note()))

    assert fatal(findings) == []


def test_invoice_xml_carries_the_peppol_identifiers_and_two_decimal_amounts():
    root = etree.fromstring(to_ubl(belgian_invoice()))
    cbc = {"cbc": CBC}

    assert root.tag == "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
    assert root.findtext("cbc:CustomizationID", namespaces=cbc) == (
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    )
    assert root.findtext("cbc:ProfileID", namespaces=cbc) == (
        "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    )
    endpoint = root.find(".//{*}AccountingSupplierParty/{*}Party/cbc:EndpointID", cbc)
    assert (endpoint.get("schemeID"), endpoint.text) == ("0208", "0123456749")
    payable = root.find(".//{*}LegalMonetaryTotal/cbc:PayableAmount", cbc)
    assert (payable.text, payable.get("currencyID")) == ("741.65", "EUR")
    assert root.findtext(".//{*}PaymentMeans/cbc:PaymentMeansCode", namespaces=cbc) == "58"
    prices = [p.text for p in root.iterfind(".//{*}Price/cbc:PriceAmount", cbc)]
    assert prices == ["12.50", "80.0000", "120.00"]


def test_credit_note_puts_its_due_date_on_the_payment_means():
    root = etree.fromstring(to_ubl(belgian_credit_note()))
    cbc = {"cbc": CBC}

    assert root.find("cbc:DueDate", cbc) is None
    assert root.findtext("cbc:CreditNoteTypeCode", namespaces=cbc) == "381"
    assert root.findtext(".//{*}PaymentMeans/cbc:PaymentDueDate", namespaces=cbc) == "2026-04-19"
    assert root.findtext(".//{*}InvoiceDocumentReference/cbc:ID", namespaces=cbc) == (
        "INV-2026-00042"
    )
    assert len(root.findall("{*}CreditNoteLine")) == 2


def test_invoice_round_trips_through_ubl():
    doc = belgian_invoice()

    assert from_ubl(to_ubl(doc)) == doc


def test_credit_note_round_trips_through_ubl():
    doc = belgian_credit_note()

    assert from_ubl(to_ubl(doc)) == doc


def test_installments_travel_in_the_payment_terms_note_and_come_back():
    doc = belgian_invoice(
        installments=(
            InstallmentDue(dt.date(2026, 4, 14), Decimal("370.83")),
            InstallmentDue(dt.date(2026, 5, 14), Decimal("370.82")),
        )
    )
    data = to_ubl(doc)

    note = etree.fromstring(data).findtext(".//{*}PaymentTerms/{*}Note")
    assert note == "30 days net\nInstallments: 2026-04-14 370.83 EUR; 2026-05-14 370.82 EUR"
    assert from_ubl(data) == doc
    assert fatal(validate_all(data)) == []


def test_missing_buyer_reference_falls_back_to_the_order_then_the_number():
    with_order = belgian_invoice(buyer_reference="", order_reference="PO-1")
    without = belgian_invoice(buyer_reference="", order_reference="")

    assert from_ubl(to_ubl(with_order)).buyer_reference == "PO-1"
    assert from_ubl(to_ubl(without)).buyer_reference == "INV-2026-00042"
    assert fatal(validate_peppol(to_ubl(without))) == []


# --- Problems ------------------------------------------------------------------------------


def test_payable_amount_that_does_not_match_the_totals_is_fatal_br_co_16():
    data = to_ubl(belgian_invoice(payable_amount=Decimal("700.00")))

    findings = fatal(validate_en16931(data))

    assert [(f.source, f.rule_id, f.flag, f.location) for f in findings] == [
        (EN16931, "BR-CO-16", "fatal", "/Invoice[1]/LegalMonetaryTotal[1]")
    ]
    assert findings[0].message == (
        "Amount due for payment (BT-115) = Invoice total amount with VAT (BT-112) "
        "-Paid amount (BT-113) +Rounding amount (BT-114)."
    )


def test_schema_reports_a_missing_mandatory_element_with_its_line():
    data = to_ubl(belgian_invoice()).replace(b"<cbc:IssueDate>2026-03-15</cbc:IssueDate>", b"")

    findings = validate_xsd(data)

    assert [(f.source, f.flag, f.rule_id, f.location) for f in findings] == [
        ("xsd", "fatal", "SCHEMAV_ELEMENT_CONTENT", "line 7")
    ]
    assert "IssueDate" in findings[0].message


def test_bytes_that_are_not_xml_are_a_parse_error():
    with pytest.raises(InvalidInput) as raised:
        from_ubl(b"%PDF-1.7 not an invoice")

    assert raised.value.code == "einvoice.parse_error"
    assert raised.value.message == (
        "The e-invoice is not well-formed XML: Start tag expected, '<' not found, line 1, column 1."
    )
    assert raised.value.details["line"] == 1


def test_validators_refuse_bytes_that_are_not_xml():
    with pytest.raises(InvalidInput) as raised:
        validate_all(b"")

    assert raised.value.code == "einvoice.parse_error"


def test_another_ubl_document_is_not_an_invoice():
    order = (
        b'<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2">'
        b"<ID xmlns='urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2'>1</ID>"
        b"</Order>"
    )

    with pytest.raises(InvalidInput) as raised:
        from_ubl(order)

    assert raised.value.code == "einvoice.not_ubl"
    assert raised.value.message == (
        "The root element is 'Order' in namespace "
        "'urn:oasis:names:specification:ubl:schema:xsd:Order-2': "
        "expected a UBL 2.1 Invoice or CreditNote."
    )


def test_every_unreadable_value_is_reported_at_once_with_its_element_and_line():
    data = (
        to_ubl(belgian_invoice())
        .replace(b"<cbc:IssueDate>2026-03-15<", b"<cbc:IssueDate>15/03/2026<")
        .replace(b'"EUR">240.00<', b'"EUR">two hundred<')
    )

    with pytest.raises(ValidationErrors) as raised:
        from_ubl(data)

    assert raised.value.code == "einvoice.parse_error"
    assert [e["message"] for e in raised.value.errors] == [
        "UBL Invoice/IssueDate (line 6): '15/03/2026' is not a date (YYYY-MM-DD).",
        "UBL Invoice/InvoiceLine[2]/LineExtensionAmount (line 146): "
        "'two hundred' is not a decimal number.",
    ]
    assert raised.value.errors[1]["details"] == {
        "element": "LineExtensionAmount",
        "line": 146,
        "path": "Invoice/InvoiceLine[2]/LineExtensionAmount",
        "field": "LineExtensionAmount",
    }


def test_missing_mandatory_parts_are_named_with_their_parent_and_line():
    data = (
        to_ubl(belgian_invoice())
        .replace(b"<cbc:ID>INV-2026-00042</cbc:ID>", b"")
        .replace(b"<cbc:Name>Widget blue</cbc:Name>", b"")
    )

    with pytest.raises(ValidationErrors) as raised:
        from_ubl(data)

    assert [e["message"] for e in raised.value.errors] == [
        "UBL Invoice (line 2): ID is missing or empty.",
        "UBL Invoice/InvoiceLine[2] (line 143): Item/Name is missing or empty.",
    ]


def test_amount_with_more_decimals_than_the_currency_is_refused():
    with pytest.raises(InvalidInput) as raised:
        to_ubl(belgian_invoice(payable_amount=Decimal("741.655")))

    assert raised.value.code == "einvoice.amount_precision"
    assert raised.value.message == (
        "Document INV-2026-00042: payable_amount 741.655 has more than 2 decimals for EUR; "
        "round it before exporting."
    )


def test_each_stylesheet_is_compiled_once_per_process():
    assert compiled_stylesheet(EN16931) is compiled_stylesheet(EN16931)
    assert compiled_stylesheet(PEPPOL) is compiled_stylesheet(PEPPOL)


def test_an_invoice_with_type_code_381_is_read_as_a_credit_note():
    data = to_ubl(belgian_invoice()).replace(b">380<", b">381<")

    assert from_ubl(data).kind == CREDIT_NOTE


# --- Allowances, charges, delivery and intra-EU supplies -----------------------------------


def test_invoice_with_a_document_discount_and_a_freight_charge_passes_every_rule():
    findings = validate_all(to_ubl(invoice_with_discount_and_freight()))

    assert fatal(findings) == []


def test_credit_note_with_a_document_discount_and_a_freight_charge_passes_every_rule():
    doc = invoice_with_discount_and_freight(
        kind=CREDIT_NOTE,
        number="CN-2026-00008",
        preceding_invoice="INV-2026-00042",
        preceding_invoice_date=dt.date(2026, 3, 15),
    )

    assert fatal(validate_all(to_ubl(doc))) == []


def test_intra_eu_supply_with_delivery_date_and_country_passes_every_rule():
    findings = validate_all(to_ubl(intra_eu_supply()))

    assert fatal(findings) == []


def test_intra_eu_supply_without_delivery_date_or_country_breaks_br_ic_11_and_br_ic_12():
    data = to_ubl(intra_eu_supply(delivery_date=None, delivery_country=""))

    assert rule_ids(fatal(validate_all(data))) == {"BR-IC-11", "BR-IC-12"}


def test_allowances_charges_totals_and_rounding_are_written_in_schema_order():
    root = etree.fromstring(to_ubl(invoice_with_discount_and_freight()))
    ns = {
        "cbc": CBC,
        "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    }

    children = [etree.QName(child).localname for child in root]
    assert children.index("PaymentTerms") < children.index("AllowanceCharge")
    assert children.index("AllowanceCharge") < children.index("TaxTotal")
    assert children.index("BuyerReference") < children.index("InvoicePeriod")
    assert children.index("InvoicePeriod") < children.index("OrderReference")
    discount, freight = root.findall("cac:AllowanceCharge", ns)
    assert [
        (
            node.findtext("cbc:ChargeIndicator", namespaces=ns),
            node.findtext("cbc:AllowanceChargeReasonCode", namespaces=ns),
            node.findtext("cbc:AllowanceChargeReason", namespaces=ns),
            node.findtext("cbc:Amount", namespaces=ns),
            node.findtext("cac:TaxCategory/cbc:Percent", namespaces=ns),
        )
        for node in (discount, freight)
    ] == [
        ("false", "95", "Loyalty discount", "10.00", "21"),
        ("true", "FC", "Freight", "25.00", "21"),
    ]
    totals = root.find("cac:LegalMonetaryTotal", ns)
    assert [(etree.QName(child).localname, child.text) for child in totals] == [
        ("LineExtensionAmount", "665.00"),
        ("TaxExclusiveAmount", "680.00"),
        ("TaxInclusiveAmount", "759.80"),
        ("AllowanceTotalAmount", "10.00"),
        ("ChargeTotalAmount", "25.00"),
        ("PayableRoundingAmount", "0.20"),
        ("PayableAmount", "760.00"),
    ]
    assert root.findtext("cac:InvoicePeriod/cbc:StartDate", namespaces=ns) == "2026-03-01"
    assert root.findtext("cac:InvoicePeriod/cbc:EndDate", namespaces=ns) == "2026-03-31"
    company = root.find(
        "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID", ns
    )
    assert (company.text, company.get("schemeID")) == ("0123456749", "0208")


def test_delivery_date_and_country_are_written_under_delivery():
    root = etree.fromstring(to_ubl(intra_eu_supply()))

    delivery = root.find("{*}Delivery")
    assert delivery.findtext("{*}ActualDeliveryDate") == "2026-03-12"
    assert delivery.findtext("{*}DeliveryLocation/{*}Address/{*}Country/{*}IdentificationCode") == (
        "NL"
    )


def test_invoice_without_the_new_parts_writes_none_of_their_elements():
    data = to_ubl(belgian_invoice())

    for tag in (
        b"AllowanceCharge",
        b"AllowanceTotalAmount",
        b"ChargeTotalAmount",
        b"PayableRoundingAmount",
        b"Delivery",
        b"InvoicePeriod",
        b'schemeID="0208">0123456749</cbc:CompanyID>',
    ):
        assert tag not in data, tag


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param(invoice_with_discount_and_freight(), id="allowance-charge-period-rounding"),
        pytest.param(
            invoice_with_discount_and_freight(
                kind=CREDIT_NOTE, number="CN-2026-00008", delivery_date=dt.date(2026, 3, 18)
            ),
            id="credit-note",
        ),
        pytest.param(intra_eu_supply(), id="intra-eu"),
        pytest.param(intra_eu_supply(period_end=dt.date(2026, 3, 31)), id="period-end-only"),
        pytest.param(intra_eu_supply(delivery_date=None), id="country-without-date"),
    ],
)
def test_new_fields_round_trip_through_ubl(doc):
    assert from_ubl(to_ubl(doc)) == doc


def test_a_charge_indicator_that_is_not_a_boolean_is_a_parse_error():
    data = to_ubl(invoice_with_discount_and_freight()).replace(
        b"<cbc:ChargeIndicator>true<", b"<cbc:ChargeIndicator>yes<"
    )

    with pytest.raises(ValidationErrors) as raised:
        from_ubl(data)

    assert [e["message"] for e in raised.value.errors] == [
        "UBL Invoice/AllowanceCharge[2]/ChargeIndicator (line 103): 'yes' is not true or false."
    ]


def test_vat_breakdown_that_ignores_the_discount_and_freight_breaks_br_s_08():
    # The S 21 % breakdown still says 365.00 / 76.65: the rules count allowances and charges.
    doc = invoice_with_discount_and_freight(
        tax_subtotals=belgian_invoice().tax_subtotals, tax_amount=Decimal("76.65")
    )

    findings = fatal(validate_all(to_ubl(doc)))

    assert [(f.rule_id, f.location) for f in findings] == [
        ("BR-CO-15", "/Invoice[1]"),
        ("BR-S-08", "/Invoice[1]/TaxTotal[1]/TaxSubtotal[1]/TaxCategory[1]"),
    ]
