"""A posted invoice or credit note as plain data: what the PDF, the UBL export and the UBL
import read and write. No ORM: the invoicing services build it from the models
(``invoicing.document_of``), the UBL reader builds it from a supplier's file.

Amounts are Decimals in the document's currency, already rounded to its minor units.
Names follow EN 16931 business terms (BT-…) where one exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

INVOICE = "invoice"  # UNCL 1001 type code 380
CREDIT_NOTE = "credit_note"  # UNCL 1001 type code 381
TYPE_CODES = {INVOICE: "380", CREDIT_NOTE: "381"}


@dataclass(frozen=True, slots=True)
class Party:
    """Seller (BG-4) or buyer (BG-7)."""

    name: str
    country: str  # ISO 3166-1 alpha-2 (BT-40 / BT-55)
    vat_number: str = ""  # with its country prefix, e.g. BE0123456749 (BT-31 / BT-48)
    registration_number: str = ""  # legal registration id (BT-30 / BT-47)
    street: str = ""
    city: str = ""
    postal_code: str = ""
    endpoint_id: str = ""  # electronic address (BT-34 / BT-49)
    endpoint_scheme: str = ""  # its EAS scheme, e.g. 0208, 9944
    email: str = ""
    # ISO 6523 ICD scheme of ``registration_number``, e.g. 0208 (BE KBO), 0106 (NL KvK)
    registration_scheme: str = ""


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """One invoice line (BG-25); ``net_amount`` = quantity × unit_price, rounded."""

    line_id: str  # BT-126
    name: str  # BT-153
    quantity: Decimal  # BT-129
    unit_code: str  # UN/ECE Rec 20 (BT-130), e.g. C62 (one), H87 (piece), KGM
    unit_price: Decimal  # net price, tax excluded (BT-146)
    net_amount: Decimal  # BT-131
    vat_category: str  # S, Z, E, AE, K, G, O (BT-151)
    vat_rate: Decimal  # percent (BT-152)
    description: str = ""  # BT-154
    seller_item_id: str = ""  # BT-155 (our SKU)
    gtin: str = ""  # BT-157 with scheme 0160


@dataclass(frozen=True, slots=True)
class TaxSubtotal:
    """One VAT breakdown (BG-23) per category and rate."""

    vat_category: str  # BT-118
    vat_rate: Decimal  # BT-119
    taxable_amount: Decimal  # BT-116
    tax_amount: Decimal  # BT-117
    exemption_reason: str = ""  # BT-120
    exemption_reason_code: str = ""  # BT-121, e.g. VATEX-EU-AE


@dataclass(frozen=True, slots=True)
class AllowanceCharge:
    """A document-level allowance (BG-20) or charge (BG-21), tax excluded.

    ``amount`` is positive for both; ``is_charge`` tells which way it goes.
    """

    is_charge: bool  # ChargeIndicator
    amount: Decimal  # BT-92 / BT-99
    reason: str  # BT-97 / BT-104
    reason_code: str = ""  # BT-98 (UNCL 5189) / BT-105 (UNCL 7161), e.g. 95, FC
    vat_category: str = "S"  # BT-95 / BT-102
    vat_rate: Decimal = Decimal(0)  # BT-96 / BT-103


@dataclass(frozen=True, slots=True)
class InstallmentDue:
    due_date: dt.date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    kind: str  # INVOICE or CREDIT_NOTE
    number: str  # BT-1
    issue_date: dt.date  # BT-2
    currency: str  # BT-5
    seller: Party
    buyer: Party
    lines: tuple[DocumentLine, ...]
    tax_subtotals: tuple[TaxSubtotal, ...]
    line_extension_amount: Decimal  # sum of line nets (BT-106)
    tax_exclusive_amount: Decimal  # BT-109
    tax_amount: Decimal  # BT-110
    tax_inclusive_amount: Decimal  # BT-112
    payable_amount: Decimal  # BT-115
    prepaid_amount: Decimal = Decimal(0)  # BT-113
    due_date: dt.date | None = None  # BT-9 (first installment's due date)
    buyer_reference: str = ""  # BT-10 (Peppol needs BT-10 or BT-13)
    order_reference: str = ""  # BT-13
    preceding_invoice: str = ""  # BT-25 (a credit note's invoice)
    preceding_invoice_date: dt.date | None = None  # BT-26
    note: str = ""  # BT-22
    payment_terms: str = ""  # BT-20, e.g. "30 days end of month"
    installments: tuple[InstallmentDue, ...] = field(default_factory=tuple)
    iban: str = ""  # seller's account (BT-84)
    bic: str = ""  # BT-86
    payment_reference: str = ""  # remittance information (BT-83)
    # Document-level allowances and charges: the caller keeps the totals and the VAT
    # breakdown consistent with them (BT-109 = BT-106 - BT-107 + BT-108).
    allowances_charges: tuple[AllowanceCharge, ...] = ()
    allowance_total_amount: Decimal = Decimal(0)  # BT-107
    charge_total_amount: Decimal = Decimal(0)  # BT-108
    payable_rounding_amount: Decimal = Decimal(0)  # BT-114
    delivery_date: dt.date | None = None  # actual delivery date (BT-72)
    period_start: dt.date | None = None  # invoicing period (BG-14), BT-73
    period_end: dt.date | None = None  # BT-74
    delivery_country: str = ""  # deliver-to country (BT-80), ISO 3166-1 alpha-2

    @property
    def type_code(self) -> str:
        return TYPE_CODES[self.kind]
