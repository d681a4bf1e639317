"""Services for invoices, bills and credit notes: the documents that post receivables and
payables. Like ``services``, each public function is one transaction: permission →
validation (every problem at once) → write → audit → event.

Other apps call ``create_and_post_invoice`` (sales on delivery, purchasing on a supplier's
bill) with a typed ``OriginRef`` so they can find their documents again without this app
importing theirs; ``create_credit_note`` credits a posted invoice in full or in part.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ordo.catalog.models import Product
from ordo.core.audit import record_audit, snapshot
from ordo.core.errors import Conflict, InvalidInput, InvalidTransition, ValidationErrors
from ordo.core.events import emit
from ordo.core.models import Company, User
from ordo.core.money import minor_units, parse_decimal, quantize_money, validate_currency
from ordo.core.sequences import next_document_number
from ordo.core.transitions import ensure_transition
from ordo.governance.access import require, visible_company_ids
from ordo.partners.models import Partner, PartnerCompanySettings, PaymentTerm
from ordo.partners.selectors import payment_term_installments

from . import taxes
from .allocation import allocate_locked
from .errors import InvoiceNotFound
from .kinds import KIND_RULES, KindRules, role_account, rounding_account
from .models import (
    INVOICE_TRANSITIONS,
    Account,
    AccountRole,
    Invoice,
    InvoiceInstallment,
    InvoiceLine,
    InvoiceState,
    InvoiceTax,
    Journal,
    Tax,
)
from .selectors import credited_quantities, exchange_rate_on, tax_rounding_of
from .services import LineInput, _raise_all, post_system_entry

HUNDRED = Decimal(100)
QUANTITY_PLACES = 4
PRICE_PLACES = 4


@dataclass(frozen=True, slots=True)
class OriginRef:
    """Which business document a document or line was made from, e.g. sales.order 42.

    ``kind`` is the other app's own label (``<app>.<model>``); accounting never imports it.
    """

    kind: str
    id: int
    label: str = ""


@dataclass(frozen=True, slots=True)
class InvoiceLineInput:
    description: str
    quantity: Decimal
    unit_price: Decimal  # tax excluded, unless the tax is price-included
    tax_code: str
    account_code: str | None = None  # default: the first account of the kind's role
    product_id: int | None = None
    unit_code: str = "C62"
    discount_percent: Decimal = Decimal(0)
    origin: OriginRef | None = None


@dataclass(frozen=True, slots=True)
class CreditLineInput:
    """Credit ``quantity`` of one line of the invoice (all of what is left when None)."""

    invoice_line_id: int
    quantity: Decimal | None = None


# --------------------------------------------------------------------------- helpers


def _rules(kind: str) -> KindRules:
    rules = KIND_RULES.get(kind)
    if rules is None:
        raise InvalidInput(
            f"Unknown document kind {kind!r}: use one of {', '.join(KIND_RULES)}.",
            field="kind",
            code="accounting.invoice_kind_unknown",
        )
    return rules


def _check(actor: User | None, permission: str, company: Company) -> None:
    if actor is not None:
        require(actor, permission, company)


def _lock_invoice(actor: User | None, invoice_id: int) -> Invoice:
    qs = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("company", "journal", "partner")
        .filter(pk=invoice_id)
    )
    if actor is not None:
        qs = qs.filter(company_id__in=visible_company_ids(actor))
    invoice = qs.first()
    if invoice is None:
        raise InvoiceNotFound(f"Invoice {invoice_id} not found.")
    return invoice


def _journal_for(company: Company, rules: KindRules) -> Journal:
    journal = (
        Journal.objects.filter(company=company, kind=rules.journal_kind).order_by("code").first()
    )
    if journal is None:
        raise InvalidInput(
            f"{company.code} has no {rules.journal_kind} journal: install the chart first.",
            field="journal",
            code="accounting.journal_not_found",
        )
    return journal


def _partner(partner_id: int, rules: KindRules, errors: list[InvalidInput]) -> Partner | None:
    partner = Partner.objects.filter(pk=partner_id).first()
    if partner is None:
        errors.append(
            InvalidInput(
                f"Partner {partner_id} not found.", field="partner", code="partner.unknown"
            )
        )
        return None
    customer = rules.partner_role == AccountRole.RECEIVABLE
    if customer and not partner.is_customer:
        errors.append(
            InvalidInput(
                f"{partner.code} {partner.name} is not a customer.",
                field="partner",
                code="accounting.partner_not_customer",
            )
        )
    if not customer and not partner.is_supplier:
        errors.append(
            InvalidInput(
                f"{partner.code} {partner.name} is not a supplier.",
                field="partner",
                code="accounting.partner_not_supplier",
            )
        )
    return partner


def _number(value: object, *, field: str, places: int, label: str, errors: list) -> Decimal | None:
    try:
        number = parse_decimal(value, field=field)
    except InvalidInput as exc:
        errors.append(exc)
        return None
    if number != number.quantize(Decimal(1).scaleb(-places)):
        errors.append(
            InvalidInput(
                f"{label} {number} has more than {places} decimals.",
                field=field,
                code="accounting.invoice_line_precision",
            )
        )
        return None
    return number


def _build_lines(
    company: Company, rules: KindRules, lines: list[InvoiceLineInput]
) -> list[InvoiceLine]:
    """Check every line at once (one query each for taxes, accounts, products)."""
    errors: list[InvalidInput] = []
    if not lines:
        raise InvalidInput(
            "A document needs at least one line.",
            field="lines",
            code="accounting.invoice_no_lines",
        )
    tax_codes = {str(line.tax_code or "").strip() for line in lines}
    tax_by_code = {t.code: t for t in Tax.objects.filter(company=company, code__in=tax_codes)}
    account_codes = {str(line.account_code).strip() for line in lines if line.account_code}
    accounts = {a.code: a for a in Account.objects.filter(company=company, code__in=account_codes)}
    product_ids = {line.product_id for line in lines if line.product_id is not None}
    products = {p.pk: p for p in Product.objects.filter(pk__in=product_ids)} if product_ids else {}
    default_account = None
    built = []
    for i, line in enumerate(lines):
        where = f"Line {i + 1}"
        description = str(line.description or "").strip()
        if not description and line.product_id in products:
            description = products[line.product_id].name
        if not description:
            errors.append(
                InvalidInput(
                    f"{where}: give a description.",
                    field=f"lines.{i}.description",
                    code="accounting.invoice_line_description",
                )
            )
        quantity = _number(
            line.quantity,
            field=f"lines.{i}.quantity",
            places=QUANTITY_PLACES,
            label=f"{where}: quantity",
            errors=errors,
        )
        if quantity is not None and quantity <= 0:
            errors.append(
                InvalidInput(
                    f"{where}: quantity {quantity} must be above zero "
                    "(credit with a credit note instead).",
                    field=f"lines.{i}.quantity",
                    code="accounting.invoice_line_quantity",
                )
            )
            quantity = None
        price = _number(
            line.unit_price,
            field=f"lines.{i}.unit_price",
            places=PRICE_PLACES,
            label=f"{where}: unit price",
            errors=errors,
        )
        discount = _number(
            line.discount_percent,
            field=f"lines.{i}.discount_percent",
            places=4,
            label=f"{where}: discount",
            errors=errors,
        )
        if discount is not None and not (0 <= discount <= HUNDRED):
            errors.append(
                InvalidInput(
                    f"{where}: discount {discount} % must be between 0 and 100 %.",
                    field=f"lines.{i}.discount_percent",
                    code="accounting.invoice_line_discount",
                )
            )
        code = str(line.tax_code or "").strip()
        tax = tax_by_code.get(code)
        if tax is None:
            errors.append(
                InvalidInput(
                    f"{where}: tax {code or '(none)'} not found in {company.code}.",
                    field=f"lines.{i}.tax",
                    code="accounting.tax_not_found",
                )
            )
        elif tax.kind != rules.tax_kind:
            errors.append(
                InvalidInput(
                    f"{where}: tax {tax.code} is a {tax.kind} tax; this document needs a "
                    f"{rules.tax_kind} tax.",
                    field=f"lines.{i}.tax",
                    code="accounting.tax_wrong_kind",
                )
            )
        elif not tax.is_active:
            errors.append(
                InvalidInput(
                    f"{where}: tax {tax.code} is inactive.",
                    field=f"lines.{i}.tax",
                    code="accounting.tax_inactive",
                )
            )
        if line.account_code:
            account = accounts.get(str(line.account_code).strip())
            if account is None or not account.is_active:
                errors.append(
                    InvalidInput(
                        f"{where}: account {line.account_code} not found or inactive in "
                        f"{company.code}.",
                        field=f"lines.{i}.account",
                        code="accounting.account_not_found",
                    )
                )
        else:
            if default_account is None:
                default_account = role_account(company, rules.line_role, field=f"lines.{i}.account")
            account = default_account
        if line.product_id is not None and line.product_id not in products:
            errors.append(
                InvalidInput(
                    f"{where}: product {line.product_id} not found.",
                    field=f"lines.{i}.product",
                    code="catalog.product_not_found",
                )
            )
        unit_code = str(line.unit_code or "C62").strip().upper()
        if not (1 <= len(unit_code) <= 3 and unit_code.isalnum()):
            errors.append(
                InvalidInput(
                    f"{where}: unit code {line.unit_code!r} is not a UN/ECE Rec 20 code "
                    "such as C62, H87 or KGM.",
                    field=f"lines.{i}.unit_code",
                    code="accounting.invoice_line_unit",
                )
            )
        origin = line.origin
        built.append(
            InvoiceLine(
                sequence=i + 1,
                product_id=line.product_id,
                description=description[:300],
                quantity=quantity or Decimal(1),
                unit_code=unit_code[:3],
                unit_price=price if price is not None else Decimal(0),
                discount_percent=discount or Decimal(0),
                account=account,
                tax=tax,
                tax_rate=tax.rate if tax else Decimal(0),
                vat_category=tax.vat_category if tax else "",
                net_amount=Decimal(0),
                tax_amount=Decimal(0),
                origin_kind=origin.kind[:40] if origin else "",
                origin_id=origin.id if origin else None,
            )
        )
    _raise_all(errors)
    return built


def _line_amount(line: InvoiceLine, currency: str) -> Decimal:
    gross = line.quantity * line.unit_price * (HUNDRED - line.discount_percent) / HUNDRED
    return quantize_money(gross, currency)


def _compute(
    company: Company, currency: str, lines: list[InvoiceLine], rounding: str = ""
) -> tuple[taxes.TaxResult, dict]:
    """Each line's net and tax, the breakdown per tax and the totals (pure arithmetic)."""
    specs = {
        line.tax.pk: taxes.TaxSpec(
            line.tax.pk, line.tax.rate, line.tax.is_price_included, line.tax.vat_category
        )
        for line in lines
    }
    result = taxes.compute_taxes(
        [taxes.TaxLine(_line_amount(line, currency), specs[line.tax.pk]) for line in lines],
        rounding=rounding or tax_rounding_of(company),
        minor_units=minor_units(currency),
    )
    for line, line_result in zip(lines, result.lines, strict=True):
        line.net_amount, line.tax_amount = line_result.net, line_result.tax
        line.tax_rate, line.vat_category = line.tax.rate, line.tax.vat_category
    return result, {line.tax.pk: line.tax for line in lines}


def _line_figures(line: InvoiceLine) -> tuple:
    return (line.net_amount, line.tax_amount, line.tax_rate, line.vat_category)


def _write_lines(invoice: Invoice, lines: list[InvoiceLine]) -> None:
    """Write the document's lines (new ones replace the old; saved ones are recomputed in
    place, and only those whose amounts or rate moved are written), its tax breakdown and
    its totals."""
    saved = all(line.pk is not None for line in lines)
    before = [_line_figures(line) for line in lines] if saved else []
    result, tax_objects = _compute(invoice.company, invoice.currency, lines, invoice.tax_rounding)
    InvoiceTax.objects.filter(invoice=invoice).delete()
    if saved:
        changed = [
            line for line, old in zip(lines, before, strict=True) if _line_figures(line) != old
        ]
        if changed:
            InvoiceLine.objects.bulk_update(
                changed, ["net_amount", "tax_amount", "tax_rate", "vat_category"], batch_size=500
            )
    else:
        InvoiceLine.objects.filter(invoice=invoice).delete()
        for line in lines:
            line.invoice = invoice
        InvoiceLine.objects.bulk_create(lines, batch_size=500)
    InvoiceTax.objects.bulk_create(
        [
            InvoiceTax(
                invoice=invoice,
                tax=tax_objects[s.tax_id],
                vat_category=s.category,
                rate=s.rate,
                base=s.base,
                amount=s.tax,
            )
            for s in result.summary
        ]
    )
    invoice.amount_untaxed = result.totals.net
    invoice.amount_tax = result.totals.tax
    invoice.amount_total = result.totals.gross
    invoice.amount_residual = Decimal(0)


def _default_term(company: Company, partner: Partner, rules: KindRules) -> PaymentTerm | None:
    settings = (
        PartnerCompanySettings.objects.filter(partner=partner, company=company)
        .select_related("customer_payment_term", "supplier_payment_term")
        .first()
    )
    if settings is None:
        return None
    if rules.partner_role == AccountRole.RECEIVABLE:
        return settings.customer_payment_term
    return settings.supplier_payment_term


def _payment_term(payment_term_id: int | None, errors: list) -> PaymentTerm | None:
    if payment_term_id is None:
        return None
    term = PaymentTerm.objects.filter(pk=payment_term_id).first()
    if term is None:
        errors.append(
            InvalidInput(
                f"Payment term {payment_term_id} not found.",
                field="payment_term",
                code="partners.payment_term_not_found",
            )
        )
    return term


def _currency(value: str | None, company: Company, partner: Partner | None, errors) -> str:
    raw = value or (partner.currency if partner and partner.currency else company.currency)
    try:
        return validate_currency(raw, field="currency")
    except InvalidInput as exc:
        errors.append(exc)
        return company.currency


def _refuse_not_draft(invoice: Invoice) -> None:
    if invoice.state != InvoiceState.DRAFT:
        raise Conflict(
            f"{invoice} is {invoice.get_state_display().lower()}: only a draft can be "
            "changed (credit a posted document with a credit note).",
            code="accounting.invoice_not_draft",
            details={"id": invoice.pk, "state": invoice.state},
        )


# --------------------------------------------------------------------------- drafts


@transaction.atomic
def create_invoice(
    *,
    actor: User | None,
    company: Company,
    kind: str,
    partner_id: int,
    invoice_date: dt.date,
    lines: list[InvoiceLineInput],
    currency: str | None = None,
    payment_term_id: int | None = None,
    due_date: dt.date | None = None,
    partner_reference: str = "",
    note: str = "",
    origin: OriginRef | None = None,
    tax_rounding: str = "",
    delivery_date: dt.date | None = None,
) -> Invoice:
    """Draft a document; every bad field and line is reported at once (422).

    The currency defaults to the partner's, then the company's; the payment term to the
    partner's term in this company. Totals follow the company's tax rounding.
    """
    rules = _rules(kind)
    _check(actor, rules.manage_permission, company)
    errors: list[InvalidInput] = []
    partner = _partner(partner_id, rules, errors)
    term = _payment_term(payment_term_id, errors)
    doc_currency = _currency(currency, company, partner, errors)
    try:
        built = _build_lines(company, rules, lines)
    except ValidationErrors as exc:  # several bad lines: report them with the header's
        errors.extend(
            InvalidInput(item["message"], field=item.get("field"), code=item.get("code"))
            for item in exc.errors
        )
        built = []
    except InvalidInput as exc:
        errors.append(exc)
        built = []
    _raise_all(errors)
    if term is None and partner is not None:
        term = _default_term(company, partner, rules)
    invoice = Invoice(
        company=company,
        kind=kind,
        partner=partner,
        journal=_journal_for(company, rules),
        invoice_date=invoice_date,
        due_date=due_date,
        delivery_date=delivery_date,
        currency=doc_currency,
        payment_term=term,
        partner_reference=partner_reference.strip()[:100],
        note=note.strip(),
        origin_kind=origin.kind[:40] if origin else "",
        origin_id=origin.id if origin else None,
        origin_label=origin.label[:100] if origin else "",
        tax_rounding=tax_rounding if tax_rounding in taxes.ROUNDINGS else "",
    )
    invoice.save()
    _write_lines(invoice, built)
    invoice.save()
    record_audit(
        actor=actor,
        action="accounting.invoice.created",
        target=invoice,
        company=company,
        after=snapshot(invoice) | {"lines": len(built)},
    )
    return invoice


@transaction.atomic
def update_invoice(
    *,
    actor: User | None,
    invoice_id: int,
    invoice_date: dt.date | None = None,
    lines: list[InvoiceLineInput] | None = None,
    payment_term_id: int | None = None,
    due_date: dt.date | None = None,
    partner_reference: str | None = None,
    note: str | None = None,
) -> Invoice:
    """Change a draft (only what is given); a posted or cancelled document → 409."""
    invoice = _lock_invoice(actor, invoice_id)
    rules = _rules(invoice.kind)
    _check(actor, rules.manage_permission, invoice.company)
    _refuse_not_draft(invoice)
    errors: list[InvalidInput] = []
    term = _payment_term(payment_term_id, errors)
    _raise_all(errors)
    before = snapshot(invoice)
    if invoice_date is not None:
        invoice.invoice_date = invoice_date
    if term is not None:
        invoice.payment_term = term
    if due_date is not None:
        invoice.due_date = due_date
    if partner_reference is not None:
        invoice.partner_reference = partner_reference.strip()[:100]
    if note is not None:
        invoice.note = note.strip()
    if lines is not None:
        _write_lines(invoice, _build_lines(invoice.company, rules, lines))
    invoice.save()
    record_audit(
        actor=actor,
        action="accounting.invoice.updated",
        target=invoice,
        company=invoice.company,
        before=before,
        after=snapshot(invoice),
    )
    return invoice


@transaction.atomic
def cancel_invoice(*, actor: User | None, invoice_id: int, reason: str) -> Invoice:
    """Cancel a draft (409 once posted: credit it instead). The reason is required."""
    invoice = _lock_invoice(actor, invoice_id)
    _check(actor, _rules(invoice.kind).manage_permission, invoice.company)
    if not (reason or "").strip():
        raise InvalidInput(
            "Give a reason for the cancellation.",
            field="reason",
            code="accounting.reason_required",
        )
    if invoice.state != InvoiceState.DRAFT:
        raise InvalidTransition(
            f"{invoice} is {invoice.get_state_display().lower()}: only a draft can be "
            "cancelled; credit a posted document with a credit note.",
            code="accounting.invoice_not_draft",
            details={"id": invoice.pk, "state": invoice.state},
        )
    invoice.state = InvoiceState.CANCELLED
    invoice.save(update_fields=["state"])
    record_audit(
        actor=actor,
        action="accounting.invoice.cancelled",
        target=invoice,
        company=invoice.company,
        after={"state": invoice.state},
        reason=reason.strip(),
    )
    emit("accounting.invoice.cancelled", invoice_id=invoice.pk, company_id=invoice.company_id)
    return invoice


# --------------------------------------------------------------------------- posting


def _signed(amount: Decimal, debit: bool) -> tuple[Decimal, Decimal]:
    """(debit, credit) for an amount on the given side; a negative amount flips side."""
    if amount < 0:
        amount, debit = -amount, not debit
    return (amount, Decimal(0)) if debit else (Decimal(0), amount)


def _entry_lines(invoice: Invoice, rules: KindRules, rate: Decimal) -> list[LineInput]:
    """The partner's total on receivable/payable, lines and taxes on the other side, and
    any conversion rounding on the rounding account, all in the company currency."""
    company = invoice.company
    places = minor_units(company.currency)
    foreign = invoice.currency != company.currency
    total_company = taxes.convert(invoice.amount_total, rate, places)
    partner_account = role_account(company, rules.partner_role, field="partner")
    result: list[LineInput] = []

    def add(account_code, amount, amount_doc, debit, label):
        if amount == 0:
            return
        dr, cr = _signed(amount, debit)
        result.append(
            LineInput(
                account_code=account_code,
                debit=dr,
                credit=cr,
                label=label[:200],
                partner_id=invoice.partner_id,
                currency=invoice.currency if foreign else None,
                amount_currency=(amount_doc if debit else -amount_doc) if foreign else None,
            )
        )

    label = f"{rules.label} {invoice.number}"
    add(partner_account.code, total_company, invoice.amount_total, rules.partner_debit, label)
    booked = Decimal(0)
    by_account: dict[str, Decimal] = {}
    for line in invoice.lines.select_related("account").order_by("sequence"):
        by_account[line.account.code] = by_account.get(line.account.code, 0) + line.net_amount
    for code, net in by_account.items():
        net_company = taxes.convert(net, rate, places)
        booked += net_company
        add(code, net_company, net, not rules.partner_debit, label)
    for tax_line in invoice.tax_lines.select_related("tax__account"):
        base_company = taxes.convert(tax_line.base, rate, places)
        amount_company = taxes.convert(tax_line.amount, rate, places)
        tax_line.base_company, tax_line.amount_company = base_company, amount_company
        tax_line.save(update_fields=["base_company", "amount_company"])
        booked += amount_company
        add(
            tax_line.tax.account.code,
            amount_company,
            tax_line.amount,
            not rules.partner_debit,
            f"{label} {tax_line.tax.code}",
        )
    difference = total_company - booked
    if difference:
        # The partner side was converted once, the other side line by line: the cents
        # between them go to the rounding account (gain or loss by side).
        rounding = rounding_account(company, gain=(difference > 0) == rules.partner_debit)
        add(rounding.code, difference, Decimal(0), not rules.partner_debit, f"{label} rounding")
    invoice.amount_total_company = total_company
    return result


def _installments(invoice: Invoice) -> list[InvoiceInstallment]:
    if invoice.payment_term_id is not None:
        term = PaymentTerm.objects.prefetch_related("lines").get(pk=invoice.payment_term_id)
        schedule = payment_term_installments(
            term,
            invoice_date=invoice.invoice_date,
            total_amount=invoice.amount_total,
            currency=invoice.currency,
        )
        if schedule:
            return [
                InvoiceInstallment(invoice=invoice, sequence=i + 1, due_date=due, amount=amount)
                for i, (due, amount) in enumerate(schedule)
            ]
    return [
        InvoiceInstallment(
            invoice=invoice,
            sequence=1,
            due_date=invoice.due_date or invoice.invoice_date,
            amount=invoice.amount_total,
        )
    ]


def _post_locked(actor: User | None, invoice: Invoice) -> Invoice:
    rules = _rules(invoice.kind)
    ensure_transition(
        current=invoice.state,
        target=InvoiceState.POSTED,
        transitions=INVOICE_TRANSITIONS,
        label=str(invoice),
    )
    company = invoice.company
    lines = list(invoice.lines.select_related("tax", "account").order_by("sequence"))
    problems = []
    for line in lines:
        if not line.tax.is_active:
            problems.append(
                InvalidInput(
                    f"Line {line.sequence}: tax {line.tax.code} has been deactivated; "
                    "choose another before posting.",
                    field=f"lines.{line.sequence - 1}.tax",
                    code="accounting.tax_inactive",
                )
            )
        if not line.account.is_active:
            problems.append(
                InvalidInput(
                    f"Line {line.sequence}: account {line.account} is inactive.",
                    field=f"lines.{line.sequence - 1}.account",
                    code="accounting.account_inactive",
                )
            )
    _raise_all(problems)
    # The rates may have changed since the draft: post what the taxes say now.
    _write_lines(invoice, lines)
    if invoice.amount_total <= 0:
        raise InvalidInput(
            f"{invoice} totals {invoice.amount_total} {invoice.currency}: a document must "
            "total more than zero (give money back with a credit note).",
            field="lines",
            code="accounting.invoice_total_not_positive",
            details={"total": str(invoice.amount_total)},
        )
    rate = exchange_rate_on(company, invoice.currency, invoice.invoice_date).rate
    invoice.exchange_rate = rate
    year = invoice.invoice_date.year
    invoice.number = next_document_number(
        company=company,
        series=f"DOC-{rules.number_prefix}",
        year=year,
        prefix=f"{rules.number_prefix}/",
    )
    entry_lines = _entry_lines(invoice, rules, rate)
    entry = post_system_entry(
        actor=actor,
        company=company,
        journal_code=invoice.journal.code,
        entry_date=invoice.invoice_date,
        lines=entry_lines,
        reference=invoice.number,
        label=f"{rules.label} {invoice.number} {invoice.partner.name}",
    )
    installments = _installments(invoice)
    InvoiceInstallment.objects.filter(invoice=invoice).delete()
    InvoiceInstallment.objects.bulk_create(installments)
    invoice.due_date = installments[-1].due_date
    invoice.entry = entry
    invoice.state = InvoiceState.POSTED
    invoice.amount_residual = invoice.amount_total
    invoice.posted_at = timezone.now()
    invoice.save()
    record_audit(
        actor=actor,
        action="accounting.invoice.posted",
        target=invoice,
        company=company,
        after=snapshot(
            invoice,
            ["number", "state", "amount_total", "currency", "exchange_rate", "due_date"],
        )
        | {"entry": entry.number},
    )
    emit(
        "accounting.invoice.posted",
        invoice_id=invoice.pk,
        company_id=company.pk,
        kind=invoice.kind,
        number=invoice.number,
        origin_kind=invoice.origin_kind,
        origin_id=invoice.origin_id,
    )
    if invoice.credit_note_of_id is not None:
        _apply_credit_note(actor, invoice)
    return invoice


@transaction.atomic
def post_invoice(*, actor: User | None, invoice_id: int) -> Invoice:
    """Post a draft: number it, fix its exchange rate, post its entry, schedule its dues.

    409 unless draft, for a locked period or a missing exchange rate; 422 for a total of
    zero or less, or a tax or account deactivated since. A failed post writes nothing.
    """
    invoice = _lock_invoice(actor, invoice_id)
    _check(actor, "accounting.invoice.post", invoice.company)
    return _post_locked(actor, invoice)


@transaction.atomic
def create_and_post_invoice(
    *,
    actor: User | None,
    company: Company,
    kind: str,
    partner_id: int,
    invoice_date: dt.date,
    lines: list[InvoiceLineInput],
    currency: str | None = None,
    payment_term_id: int | None = None,
    due_date: dt.date | None = None,
    partner_reference: str = "",
    note: str = "",
    origin: OriginRef | None = None,
    delivery_date: dt.date | None = None,
) -> Invoice:
    """Draft and post in one transaction: how sales and purchasing invoice (actor None =
    the system, e.g. invoicing on delivery)."""
    _check(actor, "accounting.invoice.post", company)
    invoice = create_invoice(
        actor=actor,
        company=company,
        kind=kind,
        partner_id=partner_id,
        invoice_date=invoice_date,
        lines=lines,
        currency=currency,
        payment_term_id=payment_term_id,
        due_date=due_date,
        partner_reference=partner_reference,
        note=note,
        origin=origin,
        delivery_date=delivery_date,
    )
    return _post_locked(actor, _lock_invoice(None, invoice.pk))


# --------------------------------------------------------------------------- credit notes


def _plain(value: object) -> str:
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


@transaction.atomic
def create_credit_note(
    *,
    actor: User | None,
    invoice_id: int,
    reason: str,
    lines: list[CreditLineInput] | None = None,
    credit_date: dt.date | None = None,
    post: bool = True,
) -> Invoice:
    """Credit a posted invoice or bill, in full (``lines`` None) or some quantities of
    some lines, at the original prices and taxes. Posted at once unless ``post`` is False;
    once posted it is set against what is still open on the invoice.

    422 for a quantity above what is left to credit on the line (naming both).
    """
    invoice = _lock_invoice(actor, invoice_id)
    rules = _rules(invoice.kind)
    company = invoice.company
    _check(actor, rules.manage_permission, company)
    if post:
        _check(actor, "accounting.invoice.post", company)
    if rules.credit_note_kind is None:
        raise InvalidInput(
            f"{invoice} is a credit note: only an invoice or a bill can be credited.",
            field="invoice",
            code="accounting.credit_of_credit_note",
        )
    if invoice.state not in (
        InvoiceState.POSTED,
        InvoiceState.PARTIALLY_PAID,
        InvoiceState.PAID,
    ):
        raise InvalidTransition(
            f"{invoice} is {invoice.get_state_display().lower()}: only a posted document "
            "can be credited.",
            code="accounting.invoice_not_posted",
        )
    if not (reason or "").strip():
        raise InvalidInput(
            "Give a reason for the credit note.", field="reason", code="accounting.reason_required"
        )
    originals = {line.pk: line for line in invoice.lines.select_related("tax", "account")}
    credited = credited_quantities(invoice)
    wanted = lines if lines is not None else [CreditLineInput(pk) for pk in originals]
    errors: list[InvalidInput] = []
    new_lines: list[InvoiceLine] = []
    for i, item in enumerate(wanted):
        original = originals.get(item.invoice_line_id)
        if original is None:
            errors.append(
                InvalidInput(
                    f"Line {i + 1}: line {item.invoice_line_id} is not on {invoice}.",
                    field=f"lines.{i}.invoice_line",
                    code="accounting.credit_line_unknown",
                )
            )
            continue
        left = original.quantity - credited.get(original.pk, Decimal(0))
        quantity = left if item.quantity is None else item.quantity
        if not isinstance(quantity, Decimal) or quantity <= 0 or quantity > left:
            errors.append(
                InvalidInput(
                    f"Line {i + 1}: {_plain(quantity)} of “{original.description}” cannot be "
                    f"credited: {_plain(left)} of {_plain(original.quantity)} is left to credit.",
                    field=f"lines.{i}.quantity",
                    code="accounting.credit_quantity_exceeds",
                    details={"left": str(left), "invoiced": str(original.quantity)},
                )
            )
            continue
        new_lines.append(
            InvoiceLine(
                sequence=len(new_lines) + 1,
                product_id=original.product_id,
                description=original.description,
                quantity=quantity,
                unit_code=original.unit_code,
                unit_price=original.unit_price,
                discount_percent=original.discount_percent,
                account=original.account,
                tax=original.tax,
                tax_rate=original.tax_rate,
                vat_category=original.vat_category,
                net_amount=Decimal(0),
                tax_amount=Decimal(0),
                origin_kind=original.origin_kind,
                origin_id=original.origin_id,
                credited_line=original,
            )
        )
    if not errors and not new_lines:
        errors.append(
            InvalidInput(
                f"Nothing is left to credit on {invoice}.",
                field="lines",
                code="accounting.credit_nothing_left",
            )
        )
    _raise_all(errors)
    credit = Invoice(
        company=company,
        kind=rules.credit_note_kind,
        partner=invoice.partner,
        journal=invoice.journal,
        invoice_date=credit_date or timezone.localdate(),
        currency=invoice.currency,
        partner_reference=invoice.partner_reference,
        note=reason.strip(),
        origin_kind=invoice.origin_kind,
        origin_id=invoice.origin_id,
        origin_label=invoice.origin_label,
        credit_note_of=invoice,
        tax_rounding=invoice.tax_rounding,
        delivery_date=invoice.delivery_date,
    )
    credit.save()
    _write_lines(credit, new_lines)
    credit.save()
    record_audit(
        actor=actor,
        action="accounting.invoice.created",
        target=credit,
        company=company,
        after=snapshot(credit) | {"lines": len(new_lines), "credit_note_of": invoice.number},
        reason=reason.strip(),
    )
    if post:
        credit = _post_locked(actor, _lock_invoice(None, credit.pk))
    return credit


def _apply_credit_note(actor: User | None, credit: Invoice) -> None:
    """Set a just-posted credit note against what is still open on its invoice."""
    invoice = _lock_invoice(None, credit.credit_note_of_id)
    amount = min(invoice.amount_residual, credit.amount_residual)
    if amount > 0:
        allocate_locked(actor, source=credit, invoice=invoice, amount=amount)
