"""Navigation by role: a menu entry shows only if the user holds its permission."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from ordo.governance.access import has_permission

MENU = [
    # (section, label, url name, permission needed in some company)
    ("Master data", "Customers", "partners:customer_list", "partners.partner.view"),
    ("Master data", "Suppliers", "partners:supplier_list", "partners.partner.view"),
    ("Master data", "Payment terms", "partners:payment_term_list", "partners.partner.view"),
    ("Master data", "Customer groups", "partners:customer_group_list", "partners.partner.view"),
    ("Master data", "Products", "catalog:product_list", "catalog.product.view"),
    ("Master data", "Categories", "catalog:category_list", "catalog.product.view"),
    ("Master data", "Units", "catalog:unit_list", "catalog.product.view"),
    ("Master data", "Price lists", "catalog:pricelist_list", "catalog.product.view"),
    ("Master data", "Customer price lists", "catalog:customer_pricelists", "catalog.product.view"),
    ("Master data", "Supplier catalogue", "catalog:supplier_price_list", "catalog.product.view"),
    ("Master data", "Import", "imports:start", "imports.run"),
    ("Accounting", "Invoices", "accounting:invoice_list", "accounting.invoice.view"),
    ("Accounting", "Bills", "accounting:bill_list", "accounting.invoice.view"),
    ("Accounting", "Payments", "accounting:payment_list", "accounting.invoice.view"),
    ("Accounting", "Bank statements", "accounting:statement_list", "accounting.bank.manage"),
    ("Accounting", "Journal entries", "accounting:entry_list", "accounting.ledger.view"),
    ("Accounting", "Periods and closing", "accounting:period_list", "accounting.ledger.view"),
    ("Accounting", "Reports", "accounting:report_index", "accounting.report.view"),
    ("Governance", "Approvals", "governance:approval_inbox", "partners.partner.view"),
    ("Governance", "Audit trail", "governance:audit_list", "governance.audit.view"),
    ("Governance", "Companies", "governance:company_list", "partners.partner.view"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    sections: dict[str, list[dict]] = {}
    for section, label, url_name, permission in MENU:
        if not has_permission(user, permission):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        sections.setdefault(section, []).append(
            {"label": label, "url": url, "active": request.path.startswith(url)}
        )
    return {
        "nav_sections": sections,
        "current_company": getattr(request, "company", None),
        "user_companies": getattr(request, "companies", []),
    }
