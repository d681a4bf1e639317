"""A generic chart of accounts for an EU wholesale distributor (our own wording).

Four-digit codes by class: 1 equity and long-term funding, 2 fixed assets, 3 stock,
4 receivables, payables and taxes, 5 bank and cash, 6 expenses, 7 income, 8 closing.
Each account carries its type and role; services find accounts by role, never by code.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import AccountRole as R
from .models import AccountType as T
from .models import JournalKind as K


@dataclass(frozen=True, slots=True)
class AccountTemplate:
    code: str
    name: str
    type: str
    role: str = R.OTHER
    is_reconcilable: bool = False


@dataclass(frozen=True, slots=True)
class JournalTemplate:
    code: str
    name: str
    kind: str
    default_account_code: str | None = None


A = AccountTemplate

ACCOUNTS: tuple[AccountTemplate, ...] = (
    # Class 1 — equity and long-term funding
    A("1000", "Share capital", T.EQUITY),
    A("1010", "Share premium", T.EQUITY),
    A("1100", "Legal reserve", T.EQUITY),
    A("1200", "Retained earnings", T.EQUITY, R.RETAINED_EARNINGS),
    A("1290", "Result of the current year", T.EQUITY, R.CURRENT_YEAR_RESULT),
    A("1400", "Provisions for risks and charges", T.LIABILITY),
    A("1600", "Long-term bank loans", T.LIABILITY),
    A("1700", "Shareholder loans", T.LIABILITY),
    # Class 2 — fixed assets
    A("2000", "Formation costs", T.ASSET),
    A("2100", "Software and licences", T.ASSET),
    A("2200", "Land and buildings", T.ASSET),
    A("2300", "Warehouse racking and handling equipment", T.ASSET),
    A("2400", "Office furniture and IT equipment", T.ASSET),
    A("2500", "Delivery vehicles", T.ASSET),
    A("2800", "Accumulated depreciation", T.ASSET),
    A("2900", "Deposits and guarantees paid", T.ASSET),
    # Class 3 — stock
    A("3000", "Goods held for resale", T.ASSET, R.STOCK),
    A("3100", "Goods in transit", T.ASSET, R.STOCK),
    A("3200", "Packaging materials", T.ASSET),
    A("3900", "Stock write-downs", T.ASSET),
    # Class 4 — receivables, payables and taxes
    A("4000", "Trade receivables", T.ASSET, R.RECEIVABLE, True),
    A("4010", "Notes receivable", T.ASSET, R.RECEIVABLE, True),
    A("4070", "Doubtful receivables", T.ASSET, R.RECEIVABLE, True),
    A("4090", "Allowance for doubtful receivables", T.ASSET),
    A("4100", "VAT recoverable on purchases", T.ASSET, R.TAX_RECEIVABLE),
    A("4110", "VAT recoverable, reverse charge", T.ASSET, R.TAX_RECEIVABLE),
    A("4120", "VAT refund claimed", T.ASSET, R.TAX_RECEIVABLE),
    A("4160", "Other receivables", T.ASSET),
    A("4400", "Trade payables", T.LIABILITY, R.PAYABLE, True),
    A("4410", "Notes payable", T.LIABILITY, R.PAYABLE, True),
    A("4440", "Goods received, bill not yet received", T.LIABILITY, R.GOODS_RECEIVED_NOT_INVOICED),
    A("4500", "VAT due on sales", T.LIABILITY, R.TAX_PAYABLE),
    A("4510", "VAT due, reverse charge", T.LIABILITY, R.TAX_PAYABLE),
    A("4520", "VAT payable to the tax office", T.LIABILITY, R.TAX_PAYABLE),
    A("4530", "Withholding tax on salaries", T.LIABILITY),
    A("4540", "Social security contributions payable", T.LIABILITY),
    A("4550", "Salaries payable", T.LIABILITY),
    A("4560", "Holiday pay accrued", T.LIABILITY),
    A("4600", "Customer prepayments received", T.LIABILITY, R.OTHER, True),
    A("4700", "Dividends payable", T.LIABILITY),
    A("4800", "Other payables", T.LIABILITY),
    A("4900", "Prepaid expenses", T.ASSET),
    A("4910", "Accrued income", T.ASSET),
    A("4920", "Accrued expenses", T.LIABILITY),
    A("4990", "Suspense account", T.ASSET, R.SUSPENSE),
    # Class 5 — bank and cash
    A("5000", "Short-term investments", T.ASSET),
    A("5500", "Main bank account", T.ASSET, R.BANK),
    A("5510", "Second bank account", T.ASSET, R.BANK),
    A("5580", "Transfers in transit", T.ASSET, R.OTHER, True),
    A("5700", "Petty cash", T.ASSET, R.CASH),
    # Class 6 — expenses
    A("6000", "Cost of goods sold", T.EXPENSE, R.COGS),
    A("6010", "Purchase price differences", T.EXPENSE, R.COGS),
    A("6020", "Stock shrinkage and scrap", T.EXPENSE, R.COGS),
    A("6030", "Inbound freight and duties", T.EXPENSE, R.COGS),
    A("6100", "Warehouse rent", T.EXPENSE),
    A("6110", "Office rent", T.EXPENSE),
    A("6120", "Energy and utilities", T.EXPENSE),
    A("6130", "Repairs and maintenance", T.EXPENSE),
    A("6140", "Insurance premiums", T.EXPENSE),
    A("6150", "Outbound carriage", T.EXPENSE),
    A("6160", "Telephone and internet", T.EXPENSE),
    A("6170", "Software subscriptions", T.EXPENSE),
    A("6180", "Accounting, legal and audit fees", T.EXPENSE),
    A("6190", "Marketing and trade fairs", T.EXPENSE),
    A("6195", "Travel and accommodation", T.EXPENSE),
    A("6200", "Gross salaries", T.EXPENSE),
    A("6210", "Employer social security", T.EXPENSE),
    A("6220", "Other staff costs", T.EXPENSE),
    A("6300", "Depreciation of fixed assets", T.EXPENSE),
    A("6400", "Bad debt losses", T.EXPENSE),
    A("6410", "Non-deductible taxes", T.EXPENSE),
    A("6500", "Interest on loans", T.EXPENSE),
    A("6510", "Bank charges", T.EXPENSE),
    A("6550", "Realised exchange losses", T.EXPENSE, R.FX_LOSS),
    A("6560", "Payment rounding differences (loss)", T.EXPENSE, R.ROUNDING),
    A("6570", "Early payment discounts granted", T.EXPENSE),
    A("6700", "Corporate income tax", T.EXPENSE),
    # Class 7 — income
    A("7000", "Sales of goods", T.INCOME, R.REVENUE),
    A("7010", "Sales of goods, intra-EU", T.INCOME, R.REVENUE),
    A("7020", "Sales of goods, export", T.INCOME, R.REVENUE),
    A("7050", "Sales of services", T.INCOME, R.REVENUE),
    A("7080", "Freight recharged to customers", T.INCOME, R.REVENUE),
    A("7090", "Sales returns and allowances", T.INCOME, R.REVENUE),
    A("7400", "Other operating income", T.INCOME),
    A("7500", "Interest received", T.INCOME),
    A("7550", "Realised exchange gains", T.INCOME, R.FX_GAIN),
    A("7560", "Payment rounding differences (gain)", T.INCOME, R.ROUNDING),
    A("7570", "Early payment discounts received", T.INCOME),
    A("7600", "Gains on disposal of fixed assets", T.INCOME),
    # Class 8 — closing
    A("8900", "Year-end closing", T.EQUITY),
)

JOURNALS: tuple[JournalTemplate, ...] = (
    JournalTemplate("SAL", "Sales", K.SALES),
    JournalTemplate("PUR", "Purchases", K.PURCHASE),
    JournalTemplate("BNK1", "Main bank", K.BANK, "5500"),
    JournalTemplate("CSH", "Petty cash", K.CASH, "5700"),
    JournalTemplate("STK", "Stock valuation", K.STOCK),
    JournalTemplate("MISC", "Miscellaneous operations", K.MISCELLANEOUS),
)
