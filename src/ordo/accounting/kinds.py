"""What each kind of invoice document posts and who may write it (shared by the
invoicing, payment and allocation services)."""

from __future__ import annotations

from dataclasses import dataclass

from ordo.core.errors import InvalidInput
from ordo.core.models import Company

from .models import Account, AccountRole, InvoiceKind, JournalKind, TaxKind


@dataclass(frozen=True, slots=True)
class KindRules:
    """What a kind of document posts and who may write it."""

    manage_permission: str
    journal_kind: str
    tax_kind: str
    line_role: str  # default account role of its lines
    partner_role: str  # receivable or payable
    partner_debit: bool  # the partner's account is debited (invoice) or credited
    number_prefix: str
    label: str
    credit_note_kind: str | None


KIND_RULES: dict[str, KindRules] = {
    InvoiceKind.CUSTOMER_INVOICE: KindRules(
        "accounting.invoice.manage",
        JournalKind.SALES,
        TaxKind.SALE,
        AccountRole.REVENUE,
        AccountRole.RECEIVABLE,
        True,
        "INV",
        "Invoice",
        InvoiceKind.CUSTOMER_CREDIT_NOTE,
    ),
    InvoiceKind.CUSTOMER_CREDIT_NOTE: KindRules(
        "accounting.invoice.manage",
        JournalKind.SALES,
        TaxKind.SALE,
        AccountRole.REVENUE,
        AccountRole.RECEIVABLE,
        False,
        "CRN",
        "Credit note",
        None,
    ),
    InvoiceKind.SUPPLIER_BILL: KindRules(
        "accounting.bill.manage",
        JournalKind.PURCHASE,
        TaxKind.PURCHASE,
        AccountRole.COGS,
        AccountRole.PAYABLE,
        False,
        "BILL",
        "Bill",
        InvoiceKind.SUPPLIER_CREDIT_NOTE,
    ),
    InvoiceKind.SUPPLIER_CREDIT_NOTE: KindRules(
        "accounting.bill.manage",
        JournalKind.PURCHASE,
        TaxKind.PURCHASE,
        AccountRole.COGS,
        AccountRole.PAYABLE,
        True,
        "BCN",
        "Supplier credit note",
        None,
    ),
}


def role_account(company: Company, role: str, *, field: str) -> Account:
    account = (
        Account.objects.filter(company=company, role=role, is_active=True).order_by("code").first()
    )
    if account is None:
        raise InvalidInput(
            f"{company.code} has no active account with role {role}.",
            field=field,
            code="accounting.account_role_missing",
        )
    return account


def rounding_account(company: Company, *, gain: bool) -> Account:
    accounts = list(
        Account.objects.filter(company=company, role=AccountRole.ROUNDING, is_active=True).order_by(
            "code"
        )
    )
    wanted = "income" if gain else "expense"
    for account in accounts:
        if account.type == wanted:
            return account
    if accounts:
        return accounts[0]
    raise InvalidInput(
        f"{company.code} has no active rounding account.",
        field="account",
        code="accounting.account_role_missing",
    )
