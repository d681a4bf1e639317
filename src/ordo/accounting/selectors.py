"""Reads of the ledger, filtered to the companies the user belongs to."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from ordo.core.models import Company, User
from ordo.governance.access import require, visible_company_ids
from ordo.partners.models import Address, AddressKind, Partner

from . import document as doc
from .errors import (
    InvoiceNotFound,
    JournalEntryNotFound,
    PaymentNotFound,
    StatementLineNotFound,
    StatementNotFound,
    TaxNotFound,
)
from .models import (
    Account,
    AccountingSettings,
    Allocation,
    BankStatement,
    BankStatementLine,
    ExchangeRate,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceState,
    Journal,
    JournalEntry,
    Payment,
    Period,
    Reconciliation,
    Tax,
    TaxRounding,
)
from .taxes import RatePoint, rate_on


def list_accounts(actor: User, company: Company) -> QuerySet[Account]:
    """The company's chart, by code. Needs accounting.ledger.view there."""
    require(actor, "accounting.ledger.view", company)
    return Account.objects.filter(company=company).order_by("code")


def list_journals(actor: User, company: Company) -> QuerySet[Journal]:
    require(actor, "accounting.ledger.view", company)
    return (
        Journal.objects.filter(company=company).select_related("default_account").order_by("code")
    )


def list_periods(actor: User, company: Company) -> QuerySet[Period]:
    require(actor, "accounting.ledger.view", company)
    return (
        Period.objects.filter(company=company).select_related("fiscal_year").order_by("start_date")
    )


def list_entries(
    actor: User,
    company: Company,
    *,
    state: str | None = None,
    journal: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[JournalEntry]:
    """Entries of a company, newest first, filtered by state, journal code and date range."""
    require(actor, "accounting.ledger.view", company)
    qs = JournalEntry.objects.filter(company=company).select_related("journal", "company")
    if state:
        qs = qs.filter(state=state)
    if journal:
        qs = qs.filter(journal__code=journal)
    if date_from:
        qs = qs.filter(entry_date__gte=date_from)
    if date_to:
        qs = qs.filter(entry_date__lte=date_to)
    return qs.order_by("-entry_date", "-id")


def get_entry(actor: User, entry_id: int) -> JournalEntry:
    """One entry with its lines; another company's (or none) → 404, no ledger.view → 403."""
    entry = (
        JournalEntry.objects.filter(pk=entry_id, company_id__in=visible_company_ids(actor))
        .select_related("company", "journal", "period", "reversal_of", "posted_by")
        .prefetch_related("lines__account", "lines__partner")
        .first()
    )
    if entry is None:
        raise JournalEntryNotFound(f"Journal entry {entry_id} not found.")
    require(actor, "accounting.ledger.view", entry.company)
    return entry


def list_taxes(actor: User, company: Company, kind: str | None = None) -> QuerySet[Tax]:
    """The company's taxes (sale or purchase with ``kind``), by kind and code."""
    require(actor, "accounting.ledger.view", company)
    qs = Tax.objects.filter(company=company).select_related("account")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("kind", "code")


def get_tax(actor: User, tax_id: int) -> Tax:
    """One tax; another company's (or none) → 404 "Tax 5 not found.", no ledger.view → 403."""
    tax = (
        Tax.objects.filter(pk=tax_id, company_id__in=visible_company_ids(actor))
        .select_related("company", "account")
        .first()
    )
    if tax is None:
        raise TaxNotFound(f"Tax {tax_id} not found.")
    require(actor, "accounting.ledger.view", tax.company)
    return tax


def tax_rounding_of(company: Company) -> str:
    """The company's tax rounding ("line" unless set to "document")."""
    value = (
        AccountingSettings.objects.filter(company=company)
        .values_list("tax_rounding", flat=True)
        .first()
    )
    return value or TaxRounding.LINE


def list_exchange_rates(
    actor: User, company: Company, currency: str | None = None
) -> QuerySet[ExchangeRate]:
    """The company's exchange rates, newest first, optionally of one currency."""
    require(actor, "accounting.ledger.view", company)
    qs = ExchangeRate.objects.filter(company=company)
    if currency:
        qs = qs.filter(currency=currency.strip().upper())
    return qs.order_by("currency", "-rate_date")


def exchange_rate_on(company: Company, currency: str, on: dt.date) -> RatePoint:
    """The latest rate of ``currency`` on or before ``on`` (one query; none → 409).

    The company's own currency has rate 1 on any date (no query).
    """
    if currency == company.currency:
        return RatePoint(currency, on, Decimal(1))
    rows = (
        ExchangeRate.objects.filter(company=company, currency=currency, rate_date__lte=on)
        .order_by("-rate_date")
        .values_list("rate_date", "rate")[:1]
    )
    return rate_on(
        [RatePoint(currency, day, rate) for day, rate in rows],
        currency,
        on,
        company_code=company.code,
        company_currency=company.currency,
    )


# --------------------------------------------------------------------------- invoices

CUSTOMER_KINDS = (InvoiceKind.CUSTOMER_INVOICE, InvoiceKind.CUSTOMER_CREDIT_NOTE)
SUPPLIER_KINDS = (InvoiceKind.SUPPLIER_BILL, InvoiceKind.SUPPLIER_CREDIT_NOTE)


def list_invoices(
    actor: User,
    company: Company,
    *,
    kinds: tuple[str, ...] | list[str] = CUSTOMER_KINDS,
    state: str | None = None,
    partner_id: int | None = None,
    q: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    overdue_on: dt.date | None = None,
) -> QuerySet[Invoice]:
    """Documents of the given kinds, newest first. Needs accounting.invoice.view there.

    ``q`` searches the number, the partner's code and name and the partner's reference;
    ``overdue_on`` keeps the open documents due before that day.
    """
    require(actor, "accounting.invoice.view", company)
    qs = Invoice.objects.filter(company=company, kind__in=list(kinds)).select_related(
        "partner", "company"
    )
    if state == "open":
        qs = qs.filter(state__in=["posted", "partially_paid"])
    elif state:
        qs = qs.filter(state=state)
    if partner_id is not None:
        qs = qs.filter(partner_id=partner_id)
    if q and q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(number__icontains=term)
            | Q(partner__code__icontains=term)
            | Q(partner__name__icontains=term)
            | Q(partner_reference__icontains=term)
        )
    if date_from:
        qs = qs.filter(invoice_date__gte=date_from)
    if date_to:
        qs = qs.filter(invoice_date__lte=date_to)
    if overdue_on:
        qs = qs.filter(state__in=["posted", "partially_paid"], due_date__lt=overdue_on)
    return qs.order_by("-invoice_date", "-id")


def get_invoice(actor: User, invoice_id: int) -> Invoice:
    """One document of a company the user belongs to (else 404), with its lines."""
    invoice = (
        Invoice.objects.select_related("company", "partner", "journal", "entry", "payment_term")
        .prefetch_related("lines__tax", "lines__account", "tax_lines__tax", "installments")
        .filter(pk=invoice_id, company_id__in=visible_company_ids(actor))
        .first()
    )
    if invoice is None:
        raise InvoiceNotFound(f"Invoice {invoice_id} not found.")
    require(actor, "accounting.invoice.view", invoice.company)
    return invoice


def credited_quantities(invoice: Invoice) -> dict[int, Decimal]:
    """Per line of ``invoice``, the quantity already credited (cancelled credit notes aside)."""
    rows = (
        InvoiceLine.objects.filter(credited_line__invoice=invoice)
        .exclude(invoice__state=InvoiceState.CANCELLED)
        .values("credited_line_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["credited_line_id"]: row["total"] for row in rows}


def allocations_of_invoice(invoice: Invoice) -> QuerySet[Allocation]:
    """Payments and credit notes set against a document, or that it was set against."""
    return (
        Allocation.objects.filter(Q(invoice=invoice) | Q(credit_note=invoice))
        .select_related("payment", "credit_note", "invoice", "created_by")
        .order_by("created_at", "id")
    )


def list_payments(
    actor: User,
    company: Company,
    *,
    direction: str | None = None,
    partner_id: int | None = None,
    open_only: bool = False,
    q: str | None = None,
) -> QuerySet[Payment]:
    require(actor, "accounting.invoice.view", company)
    qs = Payment.objects.filter(company=company).select_related("partner", "journal", "company")
    if direction:
        qs = qs.filter(direction=direction)
    if partner_id is not None:
        qs = qs.filter(partner_id=partner_id)
    if open_only:
        qs = qs.filter(state="posted", amount_unallocated__gt=0)
    if q and q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(number__icontains=term)
            | Q(partner__name__icontains=term)
            | Q(reference__icontains=term)
        )
    return qs.order_by("-payment_date", "-id")


def get_payment(actor: User, payment_id: int) -> Payment:
    payment = (
        Payment.objects.select_related("company", "partner", "journal", "entry")
        .filter(pk=payment_id, company_id__in=visible_company_ids(actor))
        .first()
    )
    if payment is None:
        raise PaymentNotFound(f"Payment {payment_id} not found.")
    require(actor, "accounting.invoice.view", payment.company)
    return payment


def _company_party(company: Company) -> doc.Party:
    return doc.Party(
        name=company.name,
        country=company.country,
        vat_number=company.vat_number,
        registration_number=company.registration_number,
        street=company.street,
        city=company.city,
        postal_code=company.postal_code,
        endpoint_id=company.endpoint_id,
        endpoint_scheme=company.endpoint_scheme,
    )


def _partner_party(partner: Partner) -> doc.Party:
    address = (
        Address.objects.filter(partner=partner, kind=AddressKind.INVOICE)
        .order_by("-is_default", "id")
        .first()
        or Address.objects.filter(partner=partner).order_by("-is_default", "id").first()
    )
    country = address.country if address else (partner.vat_number[:2] or "")
    return doc.Party(
        name=partner.name,
        country=country.upper(),
        vat_number=partner.vat_number,
        registration_number=partner.registration_number,
        street=address.street if address else "",
        city=address.city if address else "",
        postal_code=address.postal_code if address else "",
        endpoint_id=partner.endpoint_id,
        endpoint_scheme=partner.endpoint_scheme,
        email=partner.email,
    )


def _unit_price(line) -> Decimal:
    """The net price per unit (BT-146): the entered price when it is net and undiscounted,
    otherwise the line's net amount per unit."""
    if not line.discount_percent and not line.tax.is_price_included:
        return line.unit_price
    return (line.net_amount / line.quantity).quantize(Decimal("0.0001"))


def document_of(invoice: Invoice) -> doc.InvoiceDocument:
    """A posted document as plain data, for its PDF and its UBL (customer documents:
    the company sells; supplier documents: the partner sells)."""
    company_party, partner_party = _company_party(invoice.company), _partner_party(invoice.partner)
    customer = invoice.kind in CUSTOMER_KINDS
    credit = invoice.kind in (InvoiceKind.CUSTOMER_CREDIT_NOTE, InvoiceKind.SUPPLIER_CREDIT_NOTE)
    lines = tuple(
        doc.DocumentLine(
            line_id=str(line.sequence),
            name=line.description,
            quantity=line.quantity.normalize()
            if line.quantity == line.quantity.to_integral()
            else line.quantity,
            unit_code=line.unit_code,
            unit_price=_unit_price(line),
            net_amount=line.net_amount,
            vat_category=line.vat_category,
            vat_rate=line.tax_rate,
            seller_item_id=line.product.sku if line.product_id else "",
            gtin=line.product.gtin if line.product_id else "",
        )
        for line in invoice.lines.select_related("product", "tax").order_by("sequence")
    )
    subtotals = tuple(
        doc.TaxSubtotal(
            vat_category=t.vat_category,
            vat_rate=t.rate,
            taxable_amount=t.base,
            tax_amount=t.amount,
            exemption_reason=t.tax.exemption_reason,
            exemption_reason_code=t.tax.exemption_reason_code,
        )
        for t in invoice.tax_lines.select_related("tax").order_by("id")
    )
    installments = tuple(
        doc.InstallmentDue(i.due_date, i.amount) for i in invoice.installments.order_by("sequence")
    )
    preceding = invoice.credit_note_of if invoice.credit_note_of_id else None
    # An intra-EU supply must state when and where the goods went (BR-IC-11, BR-IC-12).
    intra_eu = any(t.vat_category == "K" for t in subtotals)
    delivery_date = invoice.delivery_date or (invoice.invoice_date if intra_eu else None)
    buyer = partner_party if customer else company_party
    return doc.InvoiceDocument(
        delivery_date=delivery_date,
        delivery_country=buyer.country if delivery_date else "",
        kind=doc.CREDIT_NOTE if credit else doc.INVOICE,
        number=invoice.number,
        issue_date=invoice.invoice_date,
        currency=invoice.currency,
        seller=company_party if customer else partner_party,
        buyer=partner_party if customer else company_party,
        lines=lines,
        tax_subtotals=subtotals,
        line_extension_amount=invoice.amount_untaxed,
        tax_exclusive_amount=invoice.amount_untaxed,
        tax_amount=invoice.amount_tax,
        tax_inclusive_amount=invoice.amount_total,
        # As issued: what was paid since does not change the document that was sent.
        payable_amount=invoice.amount_total,
        due_date=installments[0].due_date if installments else invoice.due_date,
        buyer_reference=invoice.partner_reference if customer else "",
        order_reference=invoice.origin_label,
        preceding_invoice=preceding.number if preceding else "",
        preceding_invoice_date=preceding.invoice_date if preceding else None,
        note=invoice.note,
        payment_terms=invoice.payment_term.name if invoice.payment_term_id else "",
        installments=installments if len(installments) > 1 else (),
        iban=invoice.company.iban if customer else "",
        payment_reference=invoice.number if customer and not credit else "",
    )


# --------------------------------------------------------------------------- bank


def list_statements(actor: User, company: Company) -> QuerySet[BankStatement]:
    """The company's imported statements, newest first (needs accounting.bank.manage)."""
    require(actor, "accounting.bank.manage", company)
    return (
        BankStatement.objects.filter(company=company)
        .select_related("company", "journal")
        .prefetch_related("lines")
        .order_by("-closing_date", "-id")
    )


def get_statement(actor: User, statement_id: int) -> BankStatement:
    statement = (
        BankStatement.objects.select_related("company", "journal")
        .filter(pk=statement_id, company_id__in=visible_company_ids(actor))
        .first()
    )
    if statement is None:
        raise StatementNotFound(f"Bank statement {statement_id} not found.")
    require(actor, "accounting.bank.manage", statement.company)
    return statement


def get_statement_line(actor: User, line_id: int) -> BankStatementLine:
    """One line of a statement the user may reconcile (another company's → 404)."""
    line = (
        BankStatementLine.objects.select_related("statement__journal", "statement__company")
        .filter(pk=line_id, company_id__in=visible_company_ids(actor))
        .first()
    )
    if line is None:
        raise StatementLineNotFound(f"Statement line {line_id} not found.")
    require(actor, "accounting.bank.manage", line.company_id)
    return line


def list_reconciliations(
    actor: User, company: Company, *, statement_id: int | None = None
) -> QuerySet[Reconciliation]:
    require(actor, "accounting.bank.manage", company)
    qs = Reconciliation.objects.filter(company=company).select_related(
        "company", "payment", "counter_entry", "statement_line"
    )
    if statement_id is not None:
        qs = qs.filter(statement_line__statement_id=statement_id)
    return qs.order_by("-created_at", "-id")
