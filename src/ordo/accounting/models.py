"""The ledger: chart of accounts, journals, fiscal years and periods, journal entries.

Amounts on journal lines are in the company's currency; a line may also carry the amount
in a foreign currency (``amount_currency``) for information and later revaluation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from ordo.core.models import Company


class AccountType(models.TextChoices):
    ASSET = "asset", "Asset"
    LIABILITY = "liability", "Liability"
    EQUITY = "equity", "Equity"
    INCOME = "income", "Income"
    EXPENSE = "expense", "Expense"


class AccountRole(models.TextChoices):
    RECEIVABLE = "receivable", "Receivable"
    PAYABLE = "payable", "Payable"
    STOCK = "stock", "Stock"
    GOODS_RECEIVED_NOT_INVOICED = "goods_received_not_invoiced", "Goods received not invoiced"
    COGS = "cogs", "Cost of goods sold"
    REVENUE = "revenue", "Revenue"
    TAX_PAYABLE = "tax_payable", "Tax payable"
    TAX_RECEIVABLE = "tax_receivable", "Tax receivable"
    BANK = "bank", "Bank"
    CASH = "cash", "Cash"
    FX_GAIN = "fx_gain", "Exchange gain"
    FX_LOSS = "fx_loss", "Exchange loss"
    ROUNDING = "rounding", "Rounding"
    RETAINED_EARNINGS = "retained_earnings", "Retained earnings"
    CURRENT_YEAR_RESULT = "current_year_result", "Current year result"
    SUSPENSE = "suspense", "Suspense"
    OTHER = "other", "Other"


class Account(models.Model):
    """One account of a company's chart, e.g. 4000 Trade receivables."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="accounts")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=AccountType.choices)
    role = models.CharField(max_length=40, choices=AccountRole.choices, default=AccountRole.OTHER)
    is_reconcilable = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["company", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "code"],
                name="account_unique_code_per_company",
                violation_error_code="accounting.account_duplicate_code",
            ),
            models.CheckConstraint(
                condition=Q(type__in=AccountType.values),
                name="account_type_known",
                violation_error_code="accounting.account_type_unknown",
            ),
            models.CheckConstraint(
                condition=Q(role__in=AccountRole.values),
                name="account_role_known",
                violation_error_code="accounting.account_role_unknown",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class JournalKind(models.TextChoices):
    SALES = "sales", "Sales"
    PURCHASE = "purchase", "Purchase"
    BANK = "bank", "Bank"
    CASH = "cash", "Cash"
    STOCK = "stock", "Stock"
    MISCELLANEOUS = "miscellaneous", "Miscellaneous"


class Journal(models.Model):
    """A book entries are posted in; each journal numbers its entries per year."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="journals")
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=JournalKind.choices)
    # The bank or cash account the journal's movements go through (bank and cash only).
    default_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["company", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "code"],
                name="journal_unique_code_per_company",
                violation_error_code="accounting.journal_duplicate_code",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=JournalKind.values),
                name="journal_kind_known",
                violation_error_code="accounting.journal_kind_unknown",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FiscalYear(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="fiscal_years")
    name = models.CharField(max_length=50)
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["company", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "start_date"],
                name="fiscal_year_unique_start_per_company",
                violation_error_code="accounting.fiscal_year_overlap",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="fiscal_year_ends_after_start",
                violation_error_code="accounting.fiscal_year_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_date} – {self.end_date})"


class PeriodState(models.TextChoices):
    OPEN = "open", "Open"
    SOFT_LOCKED = "soft_locked", "Soft-locked"
    HARD_LOCKED = "hard_locked", "Hard-locked"


PERIOD_TRANSITIONS: dict[str, frozenset[str]] = {
    PeriodState.OPEN: frozenset({PeriodState.SOFT_LOCKED, PeriodState.HARD_LOCKED}),
    PeriodState.SOFT_LOCKED: frozenset({PeriodState.OPEN, PeriodState.HARD_LOCKED}),
    PeriodState.HARD_LOCKED: frozenset(),
}


class Period(models.Model):
    """A month of a fiscal year; its state decides who may still post into it."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="periods")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="periods")
    name = models.CharField(max_length=20)
    start_date = models.DateField()
    end_date = models.DateField()
    state = models.CharField(max_length=20, choices=PeriodState.choices, default=PeriodState.OPEN)

    class Meta:
        ordering = ["company", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "start_date"],
                name="period_unique_start_per_company",
                violation_error_code="accounting.period_overlap",
            ),
            models.CheckConstraint(
                condition=Q(state__in=PeriodState.values),
                name="period_state_known",
                violation_error_code="accounting.period_state_unknown",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="period_ends_after_start",
                violation_error_code="accounting.period_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EntryState(models.TextChoices):
    DRAFT = "draft", "Draft"
    POSTED = "posted", "Posted"


ENTRY_TRANSITIONS: dict[str, frozenset[str]] = {
    EntryState.DRAFT: frozenset({EntryState.POSTED}),
    EntryState.POSTED: frozenset(),
}


class JournalEntry(models.Model):
    """A balanced set of journal lines; numbered and immutable once posted."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="journal_entries")
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="entries")
    entry_date = models.DateField()
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    state = models.CharField(max_length=10, choices=EntryState.choices, default=EntryState.DRAFT)
    number = models.CharField(max_length=40, blank=True, default="")
    reference = models.CharField(max_length=200, blank=True, default="")
    label = models.CharField(max_length=200, blank=True, default="")
    currency = models.CharField(max_length=3)
    reversal_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["company", "entry_date", "id"]
        verbose_name_plural = "journal entries"
        constraints = [
            models.UniqueConstraint(
                fields=["company", "journal", "number"],
                condition=~Q(number=""),
                name="journal_entry_unique_number",
                violation_error_code="accounting.entry_duplicate_number",
            ),
            models.CheckConstraint(
                condition=(Q(state=EntryState.DRAFT, number="", posted_at__isnull=True))
                | (Q(state=EntryState.POSTED, posted_at__isnull=False) & ~Q(number="")),
                name="journal_entry_number_iff_posted",
                violation_error_code="accounting.entry_number_state",
            ),
            models.UniqueConstraint(
                fields=["reversal_of"],
                condition=Q(reversal_of__isnull=False),
                name="journal_entry_reversed_once",
                violation_error_code="accounting.entry_already_reversed",
            ),
        ]
        indexes = [models.Index(fields=["company", "state", "entry_date"])]

    def __str__(self) -> str:
        return self.number or f"Draft entry {self.pk}"

    @property
    def is_posted(self) -> bool:
        return self.state == EntryState.POSTED


class JournalLine(models.Model):
    """One debit or one credit on an account (never both, never neither)."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    label = models.CharField(max_length=200, blank=True, default="")
    debit = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    credit = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    currency = models.CharField(max_length=3)
    amount_currency = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["entry", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(debit__gte=0, credit__gte=0)
                & (Q(debit=0, credit__gt=0) | Q(debit__gt=0, credit=0)),
                name="journal_line_one_side",
                violation_error_code="accounting.line_one_side",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} D{self.debit} C{self.credit}"


# --------------------------------------------------------------------------- taxes


class TaxKind(models.TextChoices):
    SALE = "sale", "Sale"
    PURCHASE = "purchase", "Purchase"


class VatCategory(models.TextChoices):
    """The EN 16931 VAT category codes (UNCL 5305 subset used by Peppol BIS 3.0)."""

    STANDARD = "S", "Standard rate"
    ZERO = "Z", "Zero rated"
    EXEMPT = "E", "Exempt"
    REVERSE_CHARGE = "AE", "Reverse charge"
    INTRA_EU = "K", "Intra-EU supply"
    EXPORT = "G", "Export outside the EU"
    OUTSIDE_SCOPE = "O", "Outside the scope of VAT"


# Categories that need an exemption reason (text or code) and a zero rate (EN 16931 BR-x-10).
EXEMPTION_CATEGORIES = frozenset({"E", "AE", "K", "G", "O"})


class TaxRounding(models.TextChoices):
    LINE = "line", "Per line"
    DOCUMENT = "document", "Per document"


class Tax(models.Model):
    """A percentage tax a company charges on sales or pays on purchases, e.g. VAT 21 %."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="taxes")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=TaxKind.choices)
    rate = models.DecimalField(max_digits=7, decimal_places=4)  # percent
    vat_category = models.CharField(max_length=2, choices=VatCategory.choices)
    exemption_reason = models.CharField(max_length=300, blank=True, default="")
    exemption_reason_code = models.CharField(max_length=40, blank=True, default="")
    is_price_included = models.BooleanField(default=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="taxes")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["company", "kind", "code"]
        verbose_name_plural = "taxes"
        constraints = [
            models.UniqueConstraint(
                fields=["company", "code"],
                name="tax_unique_code_per_company",
                violation_error_code="accounting.tax_duplicate_code",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=TaxKind.values),
                name="tax_kind_known",
                violation_error_code="accounting.tax_kind_unknown",
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0, rate__lte=100),
                name="tax_rate_percent",
                violation_error_code="accounting.tax_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    vat_category=VatCategory.STANDARD,
                    rate__gt=0,
                    exemption_reason="",
                    exemption_reason_code="",
                )
                | Q(
                    vat_category=VatCategory.ZERO,
                    rate=0,
                    exemption_reason="",
                    exemption_reason_code="",
                )
                | (
                    Q(vat_category__in=sorted(EXEMPTION_CATEGORIES), rate=0)
                    & ~Q(exemption_reason="", exemption_reason_code="")
                ),
                name="tax_category_rate_reason",
                violation_error_code="accounting.tax_category_rule",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AccountingSettings(models.Model):
    """Per-company accounting options (absent row = the defaults)."""

    company = models.OneToOneField(
        Company, on_delete=models.PROTECT, related_name="accounting_settings"
    )
    tax_rounding = models.CharField(
        max_length=10, choices=TaxRounding.choices, default=TaxRounding.LINE
    )

    class Meta:
        verbose_name_plural = "accounting settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(tax_rounding__in=TaxRounding.values),
                name="accounting_settings_rounding_known",
                violation_error_code="accounting.tax_rounding_unknown",
            ),
        ]

    def __str__(self) -> str:
        return f"Accounting settings of {self.company_id}"


class ExchangeRate(models.Model):
    """1 unit of ``currency`` = ``rate`` units of the company's currency on ``rate_date``."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="exchange_rates")
    currency = models.CharField(max_length=3)
    rate_date = models.DateField()
    rate = models.DecimalField(max_digits=18, decimal_places=8)

    class Meta:
        ordering = ["company", "currency", "-rate_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "currency", "rate_date"],
                name="exchange_rate_unique_per_day",
                violation_error_code="accounting.exchange_rate_duplicate",
            ),
            models.CheckConstraint(
                condition=Q(rate__gt=0),
                name="exchange_rate_positive",
                violation_error_code="accounting.exchange_rate_not_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.rate_date} {self.rate}"


# --------------------------------------------------------------------------- invoices


class InvoiceKind(models.TextChoices):
    CUSTOMER_INVOICE = "customer_invoice", "Customer invoice"
    CUSTOMER_CREDIT_NOTE = "customer_credit_note", "Customer credit note"
    SUPPLIER_BILL = "supplier_bill", "Supplier bill"
    SUPPLIER_CREDIT_NOTE = "supplier_credit_note", "Supplier credit note"


class InvoiceState(models.TextChoices):
    DRAFT = "draft", "Draft"
    POSTED = "posted", "Posted"
    PARTIALLY_PAID = "partially_paid", "Partially paid"
    PAID = "paid", "Paid"
    CANCELLED = "cancelled", "Cancelled"


INVOICE_TRANSITIONS: dict[str, frozenset[str]] = {
    InvoiceState.DRAFT: frozenset({InvoiceState.POSTED, InvoiceState.CANCELLED}),
    # Allocations move a posted document between posted, partially paid and paid (and
    # back when an allocation is undone); a posted document is never cancelled.
    InvoiceState.POSTED: frozenset({InvoiceState.PARTIALLY_PAID, InvoiceState.PAID}),
    InvoiceState.PARTIALLY_PAID: frozenset({InvoiceState.POSTED, InvoiceState.PAID}),
    InvoiceState.PAID: frozenset({InvoiceState.POSTED, InvoiceState.PARTIALLY_PAID}),
    InvoiceState.CANCELLED: frozenset(),
}
OPEN_INVOICE_STATES = (InvoiceState.POSTED, InvoiceState.PARTIALLY_PAID)
POSTED_INVOICE_STATES = (InvoiceState.POSTED, InvoiceState.PARTIALLY_PAID, InvoiceState.PAID)


class Invoice(models.Model):
    """A customer invoice, supplier bill or credit note of either.

    Amounts are in the document's currency; ``exchange_rate`` (company currency per unit,
    frozen at posting) turns them into the ledger's amounts. ``amount_residual`` is what is
    still open after allocations (payments, or credit notes set against an invoice).
    """

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(max_length=24, choices=InvoiceKind.choices)
    state = models.CharField(
        max_length=16, choices=InvoiceState.choices, default=InvoiceState.DRAFT
    )
    number = models.CharField(max_length=40, blank=True, default="")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="invoices")
    invoice_date = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    delivery_date = models.DateField(null=True, blank=True)  # when the goods left (BT-72)
    currency = models.CharField(max_length=3)
    exchange_rate = models.DecimalField(max_digits=18, decimal_places=8, default=1)
    payment_term = models.ForeignKey(
        "partners.PaymentTerm", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The supplier's own number on a bill; the customer's reference (BT-10) on an invoice.
    partner_reference = models.CharField(max_length=100, blank=True, default="")
    note = models.TextField(blank=True, default="")
    # Typed reference to the business document this was made from, e.g. sales.order 42.
    origin_kind = models.CharField(max_length=40, blank=True, default="")
    origin_id = models.BigIntegerField(null=True, blank=True)
    origin_label = models.CharField(max_length=100, blank=True, default="")
    credit_note_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )
    # "" follows the company's setting; an imported e-invoice keeps the issuer's rounding
    # (EN 16931 states VAT per category: "document").
    tax_rounding = models.CharField(max_length=10, blank=True, default="")
    amount_untaxed = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    amount_tax = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    amount_total = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    amount_total_company = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    amount_residual = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="invoice"
    )
    source_file = models.ForeignKey(
        "accounting.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pdf = models.ForeignKey(
        "accounting.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["company", "-invoice_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "kind", "number"],
                condition=~Q(number=""),
                name="invoice_unique_number",
                violation_error_code="accounting.invoice_duplicate_number",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=InvoiceKind.values),
                name="invoice_kind_known",
                violation_error_code="accounting.invoice_kind_unknown",
            ),
            models.CheckConstraint(
                condition=(Q(state__in=["draft", "cancelled"], number="", entry__isnull=True))
                | (Q(state__in=list(POSTED_INVOICE_STATES), entry__isnull=False) & ~Q(number="")),
                name="invoice_number_iff_posted",
                violation_error_code="accounting.invoice_number_state",
            ),
            models.CheckConstraint(
                condition=Q(amount_residual__gte=0, amount_residual__lte=models.F("amount_total")),
                name="invoice_residual_within_total",
                violation_error_code="accounting.invoice_residual_range",
            ),
            models.CheckConstraint(
                condition=Q(exchange_rate__gt=0),
                name="invoice_rate_positive",
                violation_error_code="accounting.invoice_rate",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "kind", "state", "due_date"]),
            models.Index(fields=["company", "partner", "state"]),
            models.Index(fields=["origin_kind", "origin_id"]),
        ]

    def __str__(self) -> str:
        return self.number or f"Draft {self.get_kind_display().lower()} {self.pk}"

    @property
    def is_customer(self) -> bool:
        return self.kind in (InvoiceKind.CUSTOMER_INVOICE, InvoiceKind.CUSTOMER_CREDIT_NOTE)

    @property
    def is_credit_note(self) -> bool:
        return self.kind in (InvoiceKind.CUSTOMER_CREDIT_NOTE, InvoiceKind.SUPPLIER_CREDIT_NOTE)


class InvoiceLine(models.Model):
    """One line; the tax's rate and category are copied in so the document never moves."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    sequence = models.PositiveIntegerField()
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    unit_code = models.CharField(max_length=3, default="C62")  # UN/ECE Rec 20
    unit_price = models.DecimalField(max_digits=18, decimal_places=4)
    discount_percent = models.DecimalField(max_digits=7, decimal_places=4, default=0)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    tax = models.ForeignKey(Tax, on_delete=models.PROTECT, related_name="invoice_lines")
    tax_rate = models.DecimalField(max_digits=7, decimal_places=4)
    vat_category = models.CharField(max_length=2, choices=VatCategory.choices)
    net_amount = models.DecimalField(max_digits=18, decimal_places=2)
    tax_amount = models.DecimalField(max_digits=18, decimal_places=2)
    origin_kind = models.CharField(max_length=40, blank=True, default="")
    origin_id = models.BigIntegerField(null=True, blank=True)
    # A credit note's line points at the invoice line it credits.
    credited_line = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credits"
    )

    class Meta:
        ordering = ["invoice", "sequence"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="invoice_line_quantity_positive",
                violation_error_code="accounting.invoice_line_quantity",
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100),
                name="invoice_line_discount_percent",
                violation_error_code="accounting.invoice_line_discount",
            ),
        ]
        indexes = [models.Index(fields=["origin_kind", "origin_id"])]

    def __str__(self) -> str:
        return f"{self.sequence}: {self.description}"


class InvoiceTax(models.Model):
    """The document's VAT breakdown per tax (what it states and what is posted)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="tax_lines")
    tax = models.ForeignKey(Tax, on_delete=models.PROTECT, related_name="+")
    vat_category = models.CharField(max_length=2, choices=VatCategory.choices)
    rate = models.DecimalField(max_digits=7, decimal_places=4)
    base = models.DecimalField(max_digits=18, decimal_places=2)
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    base_company = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    amount_company = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        ordering = ["invoice", "id"]

    def __str__(self) -> str:
        return f"{self.vat_category} {self.rate} %: {self.amount}"


class InvoiceInstallment(models.Model):
    """When the document's total falls due, per the payment term."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="installments")
    sequence = models.PositiveSmallIntegerField()
    due_date = models.DateField()
    amount = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        ordering = ["invoice", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "sequence"], name="invoice_installment_unique_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.due_date} {self.amount}"


class StoredFile(models.Model):
    """A file kept as sent or received (an invoice PDF, a supplier's UBL, a bank file).

    Immutable: the bytes and their sha256 never change once written.
    """

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename


# --------------------------------------------------------------------------- payments


class PaymentDirection(models.TextChoices):
    INBOUND = "inbound", "Received"
    OUTBOUND = "outbound", "Paid out"


class PaymentState(models.TextChoices):
    POSTED = "posted", "Posted"
    CANCELLED = "cancelled", "Cancelled"


class Payment(models.Model):
    """Money received from or paid to a partner through a bank or cash journal.

    Posted at once (bank/cash against the partner's receivable or payable); allocations
    then settle documents. What is not allocated stays open as the partner's credit.
    """

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="payments")
    direction = models.CharField(max_length=8, choices=PaymentDirection.choices)
    state = models.CharField(
        max_length=10, choices=PaymentState.choices, default=PaymentState.POSTED
    )
    number = models.CharField(max_length=40)
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    # Customer money (receivable) or supplier money (payable).
    is_customer = models.BooleanField()
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="payments")
    payment_date = models.DateField()
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=3)
    exchange_rate = models.DecimalField(max_digits=18, decimal_places=8, default=1)
    amount_company = models.DecimalField(max_digits=18, decimal_places=2)
    amount_unallocated = models.DecimalField(max_digits=18, decimal_places=2)
    reference = models.CharField(max_length=200, blank=True, default="")
    entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, related_name="payment", null=True, blank=True
    )
    statement_line = models.ForeignKey(
        "accounting.BankStatementLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["company", "-payment_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"],
                name="payment_unique_number",
                violation_error_code="accounting.payment_duplicate_number",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_code="accounting.payment_amount",
            ),
            models.CheckConstraint(
                condition=Q(amount_unallocated__gte=0, amount_unallocated__lte=models.F("amount")),
                name="payment_unallocated_within_amount",
                violation_error_code="accounting.payment_unallocated_range",
            ),
        ]
        indexes = [models.Index(fields=["company", "partner", "state"])]

    def __str__(self) -> str:
        return self.number


class Allocation(models.Model):
    """Part of a payment, or of a credit note, set against an open document.

    ``amount`` is in the documents' common currency. ``fx_entry`` is the realised exchange
    difference posted when the payment's rate differs from the document's. Undoing an
    allocation keeps the row (``undone_at``, reason) and reverses its FX entry.
    """

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="allocations"
    )
    credit_note = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="applied_to"
    )
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    # The amount in company currency at the document's rate and at the source's rate;
    # their difference is the realised exchange gain or loss.
    invoice_amount_company = models.DecimalField(max_digits=18, decimal_places=2)
    source_amount_company = models.DecimalField(max_digits=18, decimal_places=2)
    allocation_date = models.DateField()
    fx_difference = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    fx_entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_reason = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["invoice", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="allocation_amount_positive",
                violation_error_code="accounting.allocation_amount",
            ),
            models.CheckConstraint(
                condition=Q(payment__isnull=False, credit_note__isnull=True)
                | Q(payment__isnull=True, credit_note__isnull=False),
                name="allocation_one_source",
                violation_error_code="accounting.allocation_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} on {self.invoice_id}"

    @property
    def is_active(self) -> bool:
        return self.undone_at is None


# --------------------------------------------------------------------------- bank statements


class BankStatement(models.Model):
    """A statement imported from the bank's own file (camt.053, MT940 or OFX)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="statements")
    file_format = models.CharField(max_length=10)
    statement_id = models.CharField(max_length=100)
    account = models.CharField(max_length=64, blank=True, default="")
    currency = models.CharField(max_length=3)
    opening_balance = models.DecimalField(max_digits=18, decimal_places=2)
    closing_balance = models.DecimalField(max_digits=18, decimal_places=2)
    opening_date = models.DateField(null=True, blank=True)
    closing_date = models.DateField(null=True, blank=True)
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    file_hash = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["company", "-closing_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "journal", "statement_id"],
                name="bank_statement_unique_id",
                violation_error_code="bank.duplicate_statement",
            ),
        ]

    def __str__(self) -> str:
        return self.statement_id


class StatementLineState(models.TextChoices):
    OPEN = "open", "To reconcile"
    RECONCILED = "reconciled", "Reconciled"


class BankStatementLine(models.Model):
    statement = models.ForeignKey(BankStatement, on_delete=models.CASCADE, related_name="lines")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveIntegerField()
    booking_date = models.DateField()
    value_date = models.DateField(null=True, blank=True)
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=3)
    reference = models.CharField(max_length=200, blank=True, default="")
    counterparty_name = models.CharField(max_length=200, blank=True, default="")
    counterparty_account = models.CharField(max_length=64, blank=True, default="")
    description = models.CharField(max_length=500, blank=True, default="")
    bank_reference = models.CharField(max_length=100, blank=True, default="")
    line_hash = models.CharField(max_length=64)
    state = models.CharField(
        max_length=12, choices=StatementLineState.choices, default=StatementLineState.OPEN
    )

    class Meta:
        ordering = ["statement", "sequence"]
        indexes = [models.Index(fields=["company", "state"])]

    def __str__(self) -> str:
        return f"{self.booking_date} {self.amount} {self.reference}"


class Reconciliation(models.Model):
    """A statement line matched to open documents (through a payment) or to an account.

    Its own audited record: undoing it reverses what it posted (never edits an entry)
    and reopens the statement line.
    """

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    statement_line = models.ForeignKey(
        BankStatementLine, on_delete=models.PROTECT, related_name="reconciliations"
    )
    rule = models.CharField(max_length=40)  # the rule of the accepted suggestion, or "manual"
    explanation = models.CharField(max_length=300, blank=True, default="")
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="reconciliations"
    )
    # The payment was made for this match (undo reverses it) or already existed (undo unlinks).
    created_payment = models.BooleanField(default=False)
    counter_entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_reason = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["company", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement_line"],
                condition=Q(undone_at__isnull=True),
                name="reconciliation_one_active_per_line",
                violation_error_code="bank.line_already_reconciled",
            ),
        ]

    def __str__(self) -> str:
        return f"Reconciliation {self.pk} ({self.rule})"
