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
