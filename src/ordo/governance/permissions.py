"""The named permissions and what each role holds — data, not code paths.

A permission is ``<app>.<thing>.<verb>``. Roles are granted to users per company
(``Membership``); services check with ``governance.access.require``. The role codes are
part of the public contract (``ordo createuser --role``).
"""

from __future__ import annotations

PERMISSIONS: dict[str, str] = {
    "core.company.manage": "Create and edit companies (legal entities)",
    "governance.user.manage": "Create users and grant roles",
    "governance.audit.view": "Browse the audit trail",
    "governance.approval_policy.manage": "Define approval policies",
    "governance.approval.decide": "Approve or reject held documents (with the approver role)",
    "partners.partner.view": "See customers and suppliers",
    "partners.customer.manage": "Create and edit customers",
    "partners.supplier.manage": "Create and edit suppliers",
    "partners.credit.manage": "Set credit limits and payment terms per company",
    "partners.payment_term.manage": "Define payment terms",
    "catalog.product.view": "See products, units and prices",
    "catalog.product.manage": "Create and edit products, categories and packagings",
    "catalog.unit.manage": "Create and edit units of measure",
    "catalog.price.manage": "Create and edit price lists and their rules",
    "catalog.supplier_price.manage": "Keep the supplier catalogue",
    "imports.run": "Import master data from spreadsheets",
    "accounting.ledger.view": "See accounts, journals, entries and periods",
    "accounting.chart.manage": "Keep the chart of accounts, journals and fiscal years",
    "accounting.entry.create": "Draft journal entries",
    "accounting.entry.post": "Post and reverse journal entries",
    "accounting.period.post_soft_locked": "Post into a soft-locked period",
    "accounting.period.lock": "Soft-lock, hard-lock and reopen periods",
    "accounting.invoice.view": "See invoices, bills, credit notes and payments",
    "accounting.invoice.manage": "Draft, change and cancel customer invoices and credit notes",
    "accounting.bill.manage": "Draft, change, cancel and import supplier bills",
    "accounting.invoice.post": "Post invoices, bills and credit notes",
    "accounting.payment.manage": "Register, allocate and unallocate payments",
    "accounting.bank.manage": "Import bank statements and reconcile them",
    "accounting.report.view": "Run the financial reports",
}

LEDGER = [
    "accounting.ledger.view",
    "accounting.chart.manage",
    "accounting.entry.create",
    "accounting.entry.post",
    "accounting.period.post_soft_locked",
    "accounting.period.lock",
    "accounting.invoice.view",
    "accounting.invoice.manage",
    "accounting.bill.manage",
    "accounting.invoice.post",
    "accounting.payment.manage",
    "accounting.bank.manage",
    "accounting.report.view",
]

VIEW = ["partners.partner.view", "catalog.product.view"]

ROLES: dict[str, tuple[str, list[str]]] = {
    "admin": ("Administrator", list(PERMISSIONS)),
    "sales_rep": (
        "Sales representative",
        [*VIEW, "partners.customer.manage", "accounting.invoice.view"],
    ),
    "customer_service": (
        "Customer service",
        [*VIEW, "partners.customer.manage", "accounting.invoice.view"],
    ),
    "credit_controller": (
        "Credit controller",
        [
            *VIEW,
            "partners.credit.manage",
            "partners.payment_term.manage",
            "governance.approval.decide",
            "accounting.invoice.view",
            "accounting.report.view",
        ],
    ),
    "warehouse_operator": ("Warehouse operator", [*VIEW]),
    "buyer": (
        "Buyer",
        [
            *VIEW,
            "partners.supplier.manage",
            "catalog.supplier_price.manage",
            "accounting.invoice.view",
        ],
    ),
    "accountant": (
        "Accountant",
        [*VIEW, "partners.payment_term.manage", "partners.credit.manage", *LEDGER],
    ),
    "master_data_owner": (
        "Master-data owner",
        [
            *VIEW,
            "partners.customer.manage",
            "partners.supplier.manage",
            "partners.credit.manage",
            "partners.payment_term.manage",
            "catalog.product.manage",
            "catalog.unit.manage",
            "catalog.price.manage",
            "catalog.supplier_price.manage",
            "imports.run",
        ],
    ),
    "manager": (
        "Manager",
        [
            *VIEW,
            "governance.approval.decide",
            "governance.audit.view",
            "catalog.price.manage",
            "accounting.ledger.view",
            "accounting.invoice.view",
            "accounting.report.view",
        ],
    ),
    "auditor": (
        "Auditor",
        [
            *VIEW,
            "governance.audit.view",
            "accounting.ledger.view",
            "accounting.invoice.view",
            "accounting.report.view",
        ],
    ),
}

ROLE_CODES = list(ROLES)
