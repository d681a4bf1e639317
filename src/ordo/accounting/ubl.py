"""UBL 2.1 e-invoices (EN 16931, Peppol BIS Billing 3.0): write and read an ``InvoiceDocument``.

Pure: ``to_ubl`` turns the dataclass into XML bytes, ``from_ubl`` reads any UBL 2.1 Invoice or
CreditNote back into it. No file or network access; the validators live in
``einvoice_validation``.

Elements are written in the order of the UBL 2.1 XSD sequences (the schema rejects any other).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from lxml import etree

from ordo.core.errors import InvalidInput, ValidationErrors
from ordo.core.money import minor_units

from .document import (
    CREDIT_NOTE,
    INVOICE,
    AllowanceCharge,
    DocumentLine,
    InstallmentDue,
    InvoiceDocument,
    Party,
    TaxSubtotal,
)

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NSMAP_READ = {"cac": CAC, "cbc": CBC}

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

# UNCL 4461 payment means: 58 is a SEPA credit transfer, 30 any other credit transfer,
# 1 "instrument not defined" when we know no account (30/58 need one, rule BR-61).
SEPA_CREDIT_TRANSFER = "58"
CREDIT_TRANSFER = "30"
NOT_DEFINED = "1"
SEPA_COUNTRIES = frozenset(
    "AD AT BE BG CH CY CZ DE DK EE ES FI FR GB GI GR HR HU IE IS IT LI LT LU LV MC MT NL NO "  # noqa: SIM905
    "PL PT RO SE SI SK SM VA".split()
)
GTIN_SCHEME = "0160"
NO_RATE_CATEGORIES = frozenset({"O"})  # "not subject to VAT" carries no rate (BR-O-05)
INSTALLMENTS_PREFIX = "Installments: "  # our own line in the payment terms note


def _cbc(tag: str) -> str:
    return f"{{{CBC}}}{tag}"


def _cac(tag: str) -> str:
    return f"{{{CAC}}}{tag}"


# --- Writing -----------------------------------------------------------------------------


def to_ubl(doc: InvoiceDocument) -> bytes:
    """Return ``doc`` as a Peppol BIS Billing 3.0 UBL Invoice or CreditNote (UTF-8 bytes).

    Raises InvalidInput (``einvoice.amount_precision``) when an amount has more decimals than
    the currency allows, and ``einvoice.unknown_kind`` for a kind other than invoice or
    credit note.
    """
    if doc.kind not in (INVOICE, CREDIT_NOTE):
        raise InvalidInput(
            f"Document {doc.number} has kind {doc.kind!r}: only invoice or credit_note can be "
            "written as UBL.",
            field="kind",
            code="einvoice.unknown_kind",
        )
    writer = _Writer(doc)
    return etree.tostring(writer.build(), xml_declaration=True, encoding="UTF-8", pretty_print=True)


class _Writer:
    def __init__(self, doc: InvoiceDocument):
        self.doc = doc
        self.is_credit = doc.kind == CREDIT_NOTE
        self.places = min(minor_units(doc.currency), 2)  # EN 16931 allows two at most

    def build(self) -> etree._Element:
        doc = self.doc
        root_ns, root_tag = (
            (CREDIT_NOTE_NS, "CreditNote") if self.is_credit else (INVOICE_NS, "Invoice")
        )
        root = etree.Element(
            f"{{{root_ns}}}{root_tag}", nsmap={None: root_ns, "cac": CAC, "cbc": CBC}
        )
        _sub(root, _cbc("CustomizationID"), CUSTOMIZATION_ID)
        _sub(root, _cbc("ProfileID"), PROFILE_ID)
        _sub(root, _cbc("ID"), doc.number)
        _sub(root, _cbc("IssueDate"), doc.issue_date.isoformat())
        if self.is_credit:
            _sub(root, _cbc("CreditNoteTypeCode"), doc.type_code)
        else:
            if doc.due_date:
                _sub(root, _cbc("DueDate"), doc.due_date.isoformat())
            _sub(root, _cbc("InvoiceTypeCode"), doc.type_code)
        if doc.note:
            _sub(root, _cbc("Note"), doc.note)
        _sub(root, _cbc("DocumentCurrencyCode"), doc.currency)
        # Peppol R003 wants BT-10 or BT-13; fall back so the file is always routable.
        _sub(root, _cbc("BuyerReference"), doc.buyer_reference or doc.order_reference or doc.number)
        if doc.period_start or doc.period_end:
            period = _sub(root, _cac("InvoicePeriod"))
            if doc.period_start:
                _sub(period, _cbc("StartDate"), doc.period_start.isoformat())
            if doc.period_end:
                _sub(period, _cbc("EndDate"), doc.period_end.isoformat())
        if doc.order_reference:
            _sub(_sub(root, _cac("OrderReference")), _cbc("ID"), doc.order_reference)
        if doc.preceding_invoice:
            reference = _sub(_sub(root, _cac("BillingReference")), _cac("InvoiceDocumentReference"))
            _sub(reference, _cbc("ID"), doc.preceding_invoice)
            if doc.preceding_invoice_date:
                _sub(reference, _cbc("IssueDate"), doc.preceding_invoice_date.isoformat())
        self._party(_sub(root, _cac("AccountingSupplierParty")), doc.seller)
        self._party(_sub(root, _cac("AccountingCustomerParty")), doc.buyer)
        self._delivery(root)
        self._payment_means(root)
        terms = _payment_terms_text(doc)
        if terms:
            _sub(_sub(root, _cac("PaymentTerms")), _cbc("Note"), terms)
        for number, allowance_charge in enumerate(doc.allowances_charges, start=1):
            self._allowance_charge(root, allowance_charge, number)
        self._tax_total(root)
        self._monetary_total(root)
        for line in doc.lines:
            self._line(root, line)
        return root

    def _amount(self, parent: etree._Element, tag: str, value: Decimal, what: str) -> None:
        quantum = Decimal(1).scaleb(-self.places)
        rounded = value.quantize(quantum)
        if rounded != value:
            raise InvalidInput(
                f"Document {self.doc.number}: {what} {value} has more than {self.places} "
                f"decimals for {self.doc.currency}; round it before exporting.",
                field=what,
                code="einvoice.amount_precision",
                details={"value": str(value), "places": self.places},
            )
        _sub(parent, tag, f"{rounded:f}", currencyID=self.doc.currency)

    def _party(self, parent: etree._Element, party: Party) -> None:
        node = _sub(parent, _cac("Party"))
        if party.endpoint_id:
            _sub(node, _cbc("EndpointID"), party.endpoint_id, schemeID=party.endpoint_scheme)
        _sub(_sub(node, _cac("PartyName")), _cbc("Name"), party.name)
        address = _sub(node, _cac("PostalAddress"))
        _sub_if(address, _cbc("StreetName"), party.street)
        _sub_if(address, _cbc("CityName"), party.city)
        _sub_if(address, _cbc("PostalZone"), party.postal_code)
        _sub(_sub(address, _cac("Country")), _cbc("IdentificationCode"), party.country)
        if party.vat_number:
            tax_scheme = _sub(node, _cac("PartyTaxScheme"))
            _sub(tax_scheme, _cbc("CompanyID"), party.vat_number)
            _sub(_sub(tax_scheme, _cac("TaxScheme")), _cbc("ID"), "VAT")
        legal = _sub(node, _cac("PartyLegalEntity"))
        _sub(legal, _cbc("RegistrationName"), party.name)
        if party.registration_number:
            _sub(
                legal,
                _cbc("CompanyID"),
                party.registration_number,
                schemeID=party.registration_scheme,
            )
        if party.email:
            _sub(_sub(node, _cac("Contact")), _cbc("ElectronicMail"), party.email)

    def _delivery(self, root: etree._Element) -> None:
        doc = self.doc
        if not (doc.delivery_date or doc.delivery_country):
            return
        delivery = _sub(root, _cac("Delivery"))
        if doc.delivery_date:
            _sub(delivery, _cbc("ActualDeliveryDate"), doc.delivery_date.isoformat())
        if doc.delivery_country:
            address = _sub(_sub(delivery, _cac("DeliveryLocation")), _cac("Address"))
            _sub(_sub(address, _cac("Country")), _cbc("IdentificationCode"), doc.delivery_country)

    def _allowance_charge(self, root: etree._Element, item: AllowanceCharge, number: int) -> None:
        what = f"{'charge' if item.is_charge else 'allowance'} {number}"
        node = _sub(root, _cac("AllowanceCharge"))
        _sub(node, _cbc("ChargeIndicator"), "true" if item.is_charge else "false")
        _sub_if(node, _cbc("AllowanceChargeReasonCode"), item.reason_code)
        _sub_if(node, _cbc("AllowanceChargeReason"), item.reason)
        self._amount(node, _cbc("Amount"), item.amount, f"{what} amount")
        category = _sub(node, _cac("TaxCategory"))
        _sub(category, _cbc("ID"), item.vat_category)
        if item.vat_category not in NO_RATE_CATEGORIES:
            _sub(category, _cbc("Percent"), _plain(item.vat_rate))
        _sub(_sub(category, _cac("TaxScheme")), _cbc("ID"), "VAT")

    def _payment_means(self, root: etree._Element) -> None:
        doc = self.doc
        due_on_means = self.is_credit and doc.due_date is not None
        if not (doc.iban or doc.payment_reference or due_on_means):
            return
        means = _sub(root, _cac("PaymentMeans"))
        _sub(means, _cbc("PaymentMeansCode"), _payment_means_code(doc.iban))
        if due_on_means:
            # A UBL CreditNote has no DueDate; Peppol puts BT-9 here instead.
            _sub(means, _cbc("PaymentDueDate"), doc.due_date.isoformat())
        _sub_if(means, _cbc("PaymentID"), doc.payment_reference)
        if doc.iban:
            account = _sub(means, _cac("PayeeFinancialAccount"))
            _sub(account, _cbc("ID"), doc.iban)
            if doc.bic:
                _sub(_sub(account, _cac("FinancialInstitutionBranch")), _cbc("ID"), doc.bic)

    def _tax_total(self, root: etree._Element) -> None:
        total = _sub(root, _cac("TaxTotal"))
        self._amount(total, _cbc("TaxAmount"), self.doc.tax_amount, "tax_amount")
        for subtotal in self.doc.tax_subtotals:
            node = _sub(total, _cac("TaxSubtotal"))
            self._amount(node, _cbc("TaxableAmount"), subtotal.taxable_amount, "taxable_amount")
            self._amount(node, _cbc("TaxAmount"), subtotal.tax_amount, "tax_amount")
            category = _sub(node, _cac("TaxCategory"))
            _sub(category, _cbc("ID"), subtotal.vat_category)
            if subtotal.vat_category not in NO_RATE_CATEGORIES:
                _sub(category, _cbc("Percent"), _plain(subtotal.vat_rate))
            _sub_if(category, _cbc("TaxExemptionReasonCode"), subtotal.exemption_reason_code)
            _sub_if(category, _cbc("TaxExemptionReason"), subtotal.exemption_reason)
            _sub(_sub(category, _cac("TaxScheme")), _cbc("ID"), "VAT")

    def _monetary_total(self, root: etree._Element) -> None:
        doc = self.doc
        total = _sub(root, _cac("LegalMonetaryTotal"))
        self._amount(
            total, _cbc("LineExtensionAmount"), doc.line_extension_amount, "line_extension_amount"
        )
        self._amount(
            total, _cbc("TaxExclusiveAmount"), doc.tax_exclusive_amount, "tax_exclusive_amount"
        )
        self._amount(
            total, _cbc("TaxInclusiveAmount"), doc.tax_inclusive_amount, "tax_inclusive_amount"
        )
        if doc.allowance_total_amount:
            self._amount(
                total,
                _cbc("AllowanceTotalAmount"),
                doc.allowance_total_amount,
                "allowance_total_amount",
            )
        if doc.charge_total_amount:
            self._amount(
                total, _cbc("ChargeTotalAmount"), doc.charge_total_amount, "charge_total_amount"
            )
        if doc.prepaid_amount:
            self._amount(total, _cbc("PrepaidAmount"), doc.prepaid_amount, "prepaid_amount")
        if doc.payable_rounding_amount:
            self._amount(
                total,
                _cbc("PayableRoundingAmount"),
                doc.payable_rounding_amount,
                "payable_rounding_amount",
            )
        self._amount(total, _cbc("PayableAmount"), doc.payable_amount, "payable_amount")

    def _line(self, root: etree._Element, line: DocumentLine) -> None:
        tag, quantity_tag = (
            ("CreditNoteLine", "CreditedQuantity")
            if self.is_credit
            else ("InvoiceLine", "InvoicedQuantity")
        )
        node = _sub(root, _cac(tag))
        _sub(node, _cbc("ID"), line.line_id)
        _sub(node, _cbc(quantity_tag), _plain(line.quantity), unitCode=line.unit_code)
        self._amount(
            node, _cbc("LineExtensionAmount"), line.net_amount, f"line {line.line_id} net_amount"
        )
        item = _sub(node, _cac("Item"))
        _sub_if(item, _cbc("Description"), line.description)
        _sub(item, _cbc("Name"), line.name)
        if line.seller_item_id:
            _sub(_sub(item, _cac("SellersItemIdentification")), _cbc("ID"), line.seller_item_id)
        if line.gtin:
            identification = _sub(item, _cac("StandardItemIdentification"))
            _sub(identification, _cbc("ID"), line.gtin, schemeID=GTIN_SCHEME)
        category = _sub(item, _cac("ClassifiedTaxCategory"))
        _sub(category, _cbc("ID"), line.vat_category)
        if line.vat_category not in NO_RATE_CATEGORIES:
            _sub(category, _cbc("Percent"), _plain(line.vat_rate))
        _sub(_sub(category, _cac("TaxScheme")), _cbc("ID"), "VAT")
        # Prices keep their own precision (EN 16931 limits only amounts to two decimals).
        price = _sub(node, _cac("Price"))
        _sub(price, _cbc("PriceAmount"), _price(line.unit_price), currencyID=self.doc.currency)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str):
    node = etree.SubElement(parent, tag, {k: v for k, v in attrib.items() if v})
    if text is not None:
        node.text = text
    return node


def _sub_if(parent: etree._Element, tag: str, text: str) -> None:
    if text:
        _sub(parent, tag, text)


def _plain(value: Decimal) -> str:
    """A decimal without exponent notation (``1E+1`` would break xs:decimal)."""
    return f"{value:f}"


def _price(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')) if value.as_tuple().exponent > -2 else value:f}"


def _payment_means_code(iban: str) -> str:
    if not iban:
        return NOT_DEFINED
    compact = iban.replace(" ", "").upper()
    if re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", compact) and compact[:2] in SEPA_COUNTRIES:
        return SEPA_CREDIT_TRANSFER
    return CREDIT_TRANSFER


def _payment_terms_text(doc: InvoiceDocument) -> str:
    """BT-20, plus the installment schedule when there is more than one (UBL has no field)."""
    if len(doc.installments) < 2:
        return doc.payment_terms
    schedule = INSTALLMENTS_PREFIX + "; ".join(
        f"{item.due_date.isoformat()} {item.amount:f} {doc.currency}" for item in doc.installments
    )
    return f"{doc.payment_terms}\n{schedule}" if doc.payment_terms else schedule


# --- Reading -----------------------------------------------------------------------------


def from_ubl(data: bytes) -> InvoiceDocument:
    """Read a UBL 2.1 Invoice or CreditNote into an ``InvoiceDocument``.

    Optional parts may be missing. Raises InvalidInput ``einvoice.parse_error`` for bytes
    that are not well-formed XML, ``einvoice.not_ubl`` for another root element, and
    ValidationErrors (code ``einvoice.parse_error``) listing every missing mandatory element
    or unreadable value, each naming the element and its line in the file.
    """
    root = parse_ubl(data)
    return _Reader(root).document()


def parse_ubl(data: bytes) -> etree._Element:
    """Parse ``data`` safely (no entities, no network) and check it is a UBL invoice."""
    if not isinstance(data, bytes):
        raise InvalidInput(
            f"The e-invoice must be given as bytes, not {type(data).__name__}.",
            code="einvoice.parse_error",
        )
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        problem = (exc.msg or str(exc)).rstrip(".")
        raise InvalidInput(
            f"The e-invoice is not well-formed XML: {problem}.",
            code="einvoice.parse_error",
            details={"line": exc.lineno, "column": exc.offset, "error": problem},
        ) from exc
    if root is None:
        raise InvalidInput("The e-invoice is empty.", code="einvoice.parse_error")
    if root.tag not in (f"{{{INVOICE_NS}}}Invoice", f"{{{CREDIT_NOTE_NS}}}CreditNote"):
        name = etree.QName(root)
        raise InvalidInput(
            f"The root element is {name.localname!r} in namespace {name.namespace or 'none'!r}:"
            " expected a UBL 2.1 Invoice or CreditNote.",
            code="einvoice.not_ubl",
            details={"root": root.tag},
        )
    return root


class _Reader:
    def __init__(self, root: etree._Element):
        self.root = root
        self.is_credit = root.tag == f"{{{CREDIT_NOTE_NS}}}CreditNote"
        self.errors: list[InvalidInput] = []

    def document(self) -> InvoiceDocument:
        root = self.root
        type_code = self._text(
            root, "cbc:CreditNoteTypeCode" if self.is_credit else "cbc:InvoiceTypeCode"
        )
        # A UBL Invoice may carry 381 (credit note) as its type code.
        kind = CREDIT_NOTE if self.is_credit or type_code == "381" else INVOICE
        number = self._required_text(root, "cbc:ID")
        issue_date = self._date(root, "cbc:IssueDate", required=True)
        currency = self._required_text(root, "cbc:DocumentCurrencyCode")
        billing = self._first(root, "cac:BillingReference/cac:InvoiceDocumentReference")
        seller = self._party(root, "AccountingSupplierParty")
        buyer = self._party(root, "AccountingCustomerParty")
        means = list(root.iterfind("cac:PaymentMeans", NSMAP_READ))
        account = next(
            (
                found
                for m in means
                if (found := m.find("cac:PayeeFinancialAccount", NSMAP_READ)) is not None
            ),
            None,
        )
        due_date = self._date(root, "cbc:DueDate") or next(
            (found for m in means if (found := self._date(m, "cbc:PaymentDueDate"))), None
        )
        payment_terms, installments = _split_installments(
            _joined(root.iterfind("cac:PaymentTerms/cbc:Note", NSMAP_READ))
        )
        tax_total = self._document_tax_total(root, currency)
        subtotals = () if tax_total is None else tax_total.iterfind("cac:TaxSubtotal", NSMAP_READ)
        totals = self._first(root, "cac:LegalMonetaryTotal")
        if totals is None:
            self._error(root, "LegalMonetaryTotal", "LegalMonetaryTotal is missing")
        delivery = self._first(root, "cac:Delivery")
        period = self._first(root, "cac:InvoicePeriod")
        line_tag = "cac:CreditNoteLine" if self.is_credit else "cac:InvoiceLine"
        lines = tuple(self._line(node) for node in root.iterfind(line_tag, NSMAP_READ))
        if not lines:
            self._error(root, _local(line_tag), "the document has no lines")
        document = dict(
            kind=kind,
            number=number,
            issue_date=issue_date,
            currency=currency,
            seller=seller,
            buyer=buyer,
            lines=lines,
            tax_subtotals=tuple(self._tax_subtotal(node) for node in subtotals),
            line_extension_amount=self._decimal(totals, "cbc:LineExtensionAmount", required=True),
            tax_exclusive_amount=self._decimal(totals, "cbc:TaxExclusiveAmount", required=True),
            tax_amount=self._decimal(tax_total, "cbc:TaxAmount") or Decimal(0),
            tax_inclusive_amount=self._decimal(totals, "cbc:TaxInclusiveAmount", required=True),
            payable_amount=self._decimal(totals, "cbc:PayableAmount", required=True),
            prepaid_amount=self._decimal(totals, "cbc:PrepaidAmount") or Decimal(0),
            due_date=due_date,
            buyer_reference=self._text(root, "cbc:BuyerReference"),
            order_reference=self._text(root, "cac:OrderReference/cbc:ID"),
            preceding_invoice=self._text(billing, "cbc:ID"),
            preceding_invoice_date=self._date(billing, "cbc:IssueDate"),
            note=_joined(root.iterfind("cbc:Note", NSMAP_READ)),
            payment_terms=payment_terms,
            installments=installments,
            iban=self._text(account, "cbc:ID"),
            bic=self._text(account, "cac:FinancialInstitutionBranch/cbc:ID"),
            payment_reference=next(
                (text for m in means if (text := self._text(m, "cbc:PaymentID"))), ""
            ),
            allowances_charges=tuple(
                self._allowance_charge(node)
                for node in root.iterfind("cac:AllowanceCharge", NSMAP_READ)
            ),
            allowance_total_amount=self._decimal(totals, "cbc:AllowanceTotalAmount") or Decimal(0),
            charge_total_amount=self._decimal(totals, "cbc:ChargeTotalAmount") or Decimal(0),
            payable_rounding_amount=self._decimal(totals, "cbc:PayableRoundingAmount")
            or Decimal(0),
            delivery_date=self._date(delivery, "cbc:ActualDeliveryDate"),
            period_start=self._date(period, "cbc:StartDate"),
            period_end=self._date(period, "cbc:EndDate"),
            delivery_country=self._text(
                delivery, "cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode"
            ),
        )
        if self.errors:
            self.errors.sort(key=lambda error: error.details["line"] or 0)
            raise ValidationErrors(
                self.errors,
                message=" ".join(error.message for error in self.errors),
                code="einvoice.parse_error",
            )
        return InvoiceDocument(**document)

    # -- parts

    def _party(self, root: etree._Element, role: str) -> Party:
        node = self._first(root, f"cac:{role}/cac:Party")
        if node is None:
            self._error(root, role, f"{role}/Party is missing")
            return Party(name="", country="")
        name = self._text(node, "cac:PartyLegalEntity/cbc:RegistrationName") or self._text(
            node, "cac:PartyName/cbc:Name"
        )
        if not name:
            self._error(node, "PartyLegalEntity/RegistrationName", "the party has no name")
        endpoint = self._first(node, "cbc:EndpointID")
        registration = self._first(node, "cac:PartyLegalEntity/cbc:CompanyID")
        vat_number = next(
            (
                self._text(scheme, "cbc:CompanyID")
                for scheme in node.iterfind("cac:PartyTaxScheme", NSMAP_READ)
                if self._text(scheme, "cac:TaxScheme/cbc:ID") == "VAT"
            ),
            "",
        )
        return Party(
            name=name,
            country=self._text(node, "cac:PostalAddress/cac:Country/cbc:IdentificationCode"),
            vat_number=vat_number,
            registration_number=self._text(node, "cac:PartyLegalEntity/cbc:CompanyID"),
            registration_scheme=registration.get("schemeID", "")
            if registration is not None
            else "",
            street=self._text(node, "cac:PostalAddress/cbc:StreetName"),
            city=self._text(node, "cac:PostalAddress/cbc:CityName"),
            postal_code=self._text(node, "cac:PostalAddress/cbc:PostalZone"),
            endpoint_id=(endpoint.text or "").strip() if endpoint is not None else "",
            endpoint_scheme=endpoint.get("schemeID", "") if endpoint is not None else "",
            email=self._text(node, "cac:Contact/cbc:ElectronicMail"),
        )

    def _line(self, node: etree._Element) -> DocumentLine:
        quantity_path = "cbc:CreditedQuantity" if self.is_credit else "cbc:InvoicedQuantity"
        quantity_node = self._first(node, quantity_path)
        price = self._decimal(node, "cac:Price/cbc:PriceAmount", required=True)
        base_quantity = self._decimal(node, "cac:Price/cbc:BaseQuantity")
        if price is not None and base_quantity and base_quantity != 1:
            price = price / base_quantity  # BT-146 is per one unit of BT-130
        category = self._first(node, "cac:Item/cac:ClassifiedTaxCategory")
        gtin = self._first(node, "cac:Item/cac:StandardItemIdentification/cbc:ID")
        return DocumentLine(
            line_id=self._required_text(node, "cbc:ID"),
            name=self._required_text(node, "cac:Item/cbc:Name"),
            quantity=self._decimal(node, quantity_path, required=True),
            unit_code=quantity_node.get("unitCode", "") if quantity_node is not None else "",
            unit_price=price,
            net_amount=self._decimal(node, "cbc:LineExtensionAmount", required=True),
            vat_category=self._text(category, "cbc:ID"),
            vat_rate=self._decimal(category, "cbc:Percent") or Decimal(0),
            description=self._text(node, "cac:Item/cbc:Description"),
            seller_item_id=self._text(node, "cac:Item/cac:SellersItemIdentification/cbc:ID"),
            # Only a GTIN (scheme 0160) belongs here; other standard ids are dropped.
            gtin=(gtin.text or "").strip()
            if gtin is not None and gtin.get("schemeID", GTIN_SCHEME) == GTIN_SCHEME
            else "",
        )

    def _allowance_charge(self, node: etree._Element) -> AllowanceCharge:
        indicator = self._required_text(node, "cbc:ChargeIndicator")
        if indicator and indicator not in ("true", "false", "1", "0"):
            self._error(
                self._first(node, "cbc:ChargeIndicator"),
                "ChargeIndicator",
                f"{indicator!r} is not true or false",
            )
        category = self._first(node, "cac:TaxCategory")
        return AllowanceCharge(
            is_charge=indicator in ("true", "1"),
            amount=self._decimal(node, "cbc:Amount", required=True),
            reason=self._text(node, "cbc:AllowanceChargeReason"),
            reason_code=self._text(node, "cbc:AllowanceChargeReasonCode"),
            vat_category=self._text(category, "cbc:ID"),
            vat_rate=self._decimal(category, "cbc:Percent") or Decimal(0),
        )

    def _tax_subtotal(self, node: etree._Element) -> TaxSubtotal:
        category = self._first(node, "cac:TaxCategory")
        return TaxSubtotal(
            vat_category=self._text(category, "cbc:ID"),
            vat_rate=self._decimal(category, "cbc:Percent") or Decimal(0),
            taxable_amount=self._decimal(node, "cbc:TaxableAmount", required=True),
            tax_amount=self._decimal(node, "cbc:TaxAmount", required=True),
            exemption_reason=self._text(category, "cbc:TaxExemptionReason"),
            exemption_reason_code=self._text(category, "cbc:TaxExemptionReasonCode"),
        )

    def _document_tax_total(self, root: etree._Element, currency: str) -> etree._Element | None:
        """The TaxTotal in the document currency (a second one may be in the VAT currency)."""
        totals = list(root.iterfind("cac:TaxTotal", NSMAP_READ))
        for total in totals:
            amount = total.find("cbc:TaxAmount", NSMAP_READ)
            if amount is not None and amount.get("currencyID", currency) == currency:
                return total
        return totals[0] if totals else None

    # -- values

    def _first(self, node: etree._Element | None, path: str) -> etree._Element | None:
        return None if node is None else node.find(path, NSMAP_READ)

    def _text(self, node: etree._Element | None, path: str) -> str:
        found = self._first(node, path)
        return (found.text or "").strip() if found is not None else ""

    def _required_text(self, node: etree._Element, path: str) -> str:
        text = self._text(node, path)
        if not text:
            self._error(node, _local(path), f"{_local(path)} is missing or empty")
        return text

    def _decimal(
        self, node: etree._Element | None, path: str, *, required: bool = False
    ) -> Decimal | None:
        found = self._first(node, path)
        text = (found.text or "").strip() if found is not None else ""
        if not text:
            if required and node is not None:
                self._error(node, _local(path), f"{_local(path)} is missing or empty")
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self._error(found, _local(path), f"{text!r} is not a decimal number")
            return None
        return value

    def _date(
        self, node: etree._Element | None, path: str, *, required: bool = False
    ) -> dt.date | None:
        found = self._first(node, path)
        text = (found.text or "").strip() if found is not None else ""
        if not text:
            if required and node is not None:
                self._error(node, _local(path), f"{_local(path)} is missing or empty")
            return None
        # xs:date may carry a time zone (2017-11-13Z, 2017-11-13+01:00): the day is what counts.
        match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?", text)
        if match:
            try:
                return dt.date.fromisoformat(match.group(1))
            except ValueError:
                pass
        self._error(found, _local(path), f"{text!r} is not a date (YYYY-MM-DD)")
        return None

    def _error(self, node: etree._Element, element: str, problem: str) -> None:
        where = _describe(node)
        self.errors.append(
            InvalidInput(
                f"UBL {where} (line {node.sourceline}): {problem}.",
                field=element,
                code="einvoice.parse_error",
                details={"element": element, "line": node.sourceline, "path": where},
            )
        )


def _joined(nodes: Iterable[etree._Element]) -> str:
    """Texts of repeated elements (several Notes), one a line."""
    return "\n".join(text for node in nodes if (text := (node.text or "").strip()))


def _local(path: str) -> str:
    return "/".join(step.split(":", 1)[-1] for step in path.split("/"))


def _describe(node: etree._Element) -> str:
    """``Invoice/InvoiceLine[3]``-style path of ``node`` for messages."""
    steps = []
    while node is not None:
        name = etree.QName(node).localname
        parent = node.getparent()
        if parent is not None and name in (
            "InvoiceLine",
            "CreditNoteLine",
            "TaxSubtotal",
            "AllowanceCharge",
        ):
            same = [child for child in parent if child.tag == node.tag]
            name = f"{name}[{same.index(node) + 1}]"
        steps.append(name)
        node = parent
    return "/".join(reversed(steps))


def _split_installments(text: str) -> tuple[str, tuple[InstallmentDue, ...]]:
    """Take our own installment line back out of the payment terms note."""
    kept, installments = [], []
    for line in text.splitlines():
        if line.startswith(INSTALLMENTS_PREFIX):
            parsed = _parse_installments(line[len(INSTALLMENTS_PREFIX) :])
            if parsed:
                installments.extend(parsed)
                continue
        kept.append(line)
    return "\n".join(kept), tuple(installments)


def _parse_installments(text: str) -> list[InstallmentDue]:
    result = []
    for part in text.split(";"):
        match = re.fullmatch(r"\s*(\d{4}-\d{2}-\d{2}) (-?\d+(?:\.\d+)?) [A-Z]{3}\s*", part)
        if not match:
            return []  # not ours: keep the line as plain text
        try:
            result.append(
                InstallmentDue(dt.date.fromisoformat(match.group(1)), Decimal(match.group(2)))
            )
        except ValueError:
            return []
    return result
