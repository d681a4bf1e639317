"""Loading the demo through the same services a user calls (audited, validated).

Idempotent: every step creates only what is missing, so ``ordo demo`` can run at every
``make run``. Deterministic: no unseeded randomness, so every install shows the same data.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction

from ordo.catalog import services as catalog
from ordo.catalog.models import (
    CustomerPriceList,
    Packaging,
    PriceList,
    Product,
    ProductCategory,
    ProductCompanySettings,
    SupplierPrice,
    Unit,
    UnitCategory,
)
from ordo.core.models import Company, User
from ordo.governance import approvals
from ordo.governance.models import ApprovalPolicy
from ordo.governance.services import (
    CompanyInput,
    create_company,
    create_or_update_user,
    ensure_roles,
)
from ordo.partners import services as partners
from ordo.partners.models import CustomerGroup, Partner, PartnerCompanySettings, PaymentTerm

from . import data
from .accounting import load_books
from .identifiers import gln, gtin13, gtin14, vat_number

COUNTRIES = ["BE", "NL", "DE"]
CITIES = {
    "BE": [
        ("Brussels", "1000"),
        ("Antwerp", "2000"),
        ("Ghent", "9000"),
        ("Leuven", "3000"),
        ("Liège", "4000"),
    ],
    "NL": [
        ("Amsterdam", "1012 AB"),
        ("Rotterdam", "3011 AA"),
        ("Utrecht", "3511 AA"),
        ("Eindhoven", "5611 AA"),
    ],
    "DE": [("Aachen", "52062"), ("Köln", "50667"), ("Düsseldorf", "40213")],
}


def _code(name: str) -> str:
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() or c == " " else " " for c in name.upper()).split()
    return "-".join(words)[:30].strip("-")


def product_rows() -> list[dict[str, str]]:
    """~200 products from the families in data.py, each with a valid GTIN-13."""
    rows, item = [], 100
    for category, stock, sale, purchase, tracking, _price, names, variants in data.PRODUCT_FAMILIES:
        for name in names:
            for variant in variants:
                item += 1
                rows.append(
                    {
                        "sku": _code(f"{name} {variant}"),
                        "name": f"{name} {variant}",
                        "gtin": gtin13(item),
                        "category": category,
                        "stock_unit": stock,
                        "sale_unit": sale,
                        "purchase_unit": purchase,
                        "tracking": tracking,
                        "description": f"{name}, {variant}.",
                    }
                )
    return rows


def product_base_prices() -> dict[str, Decimal]:
    prices = {}
    for _cat, _s, _sa, _pu, _t, base, names, variants in data.PRODUCT_FAMILIES:
        for n, name in enumerate(names):
            for v, variant in enumerate(variants):
                prices[_code(f"{name} {variant}")] = (
                    base * (1 + Decimal(v) / 2) + Decimal(n) / 20
                ).quantize(Decimal("0.01"))
    return prices


class DemoLoader:
    def __init__(self, say: Callable[[str], None] = print):
        self.say = say

    def run(self) -> None:
        ensure_roles()
        self.companies()
        self.users()
        self.admin = User.objects.get(username="admin")
        self.units()
        self.categories()
        self.partner_reference_data()
        self.customers()
        self.suppliers()
        self.products()
        self.packagings()
        self.product_settings()
        self.price_lists()
        self.supplier_prices()
        self.policies()
        load_books(self.admin, self.say)
        self.say(
            "Demo ready: log in at http://127.0.0.1:8000 as any demo user, password "
            f"'{data.DEMO_PASSWORD}' (see README.md)."
        )

    # --- governance ---------------------------------------------------------------------
    def companies(self) -> None:
        for n, spec in enumerate(data.COMPANIES, start=1):
            if Company.objects.filter(code=spec["code"]).exists():
                continue
            create_company(
                actor=None,
                data=CompanyInput(
                    **spec, vat_number=vat_number(spec["country"], 1000 + n), endpoint_id=gln(n)
                ),
            )
            self.say(f"company {spec['code']} created")

    def users(self) -> None:
        for username, role, companies, first, last in data.USERS:
            exists = User.objects.filter(username=username).exists()
            create_or_update_user(
                actor=None,
                username=username,
                password=None if exists else data.DEMO_PASSWORD,
                company_codes=companies,
                role_codes=[role],
                first_name=first,
                last_name=last,
                email=f"{username}@ordo.example",
            )
        self.say(f"{len(data.USERS)} demo users ready")

    # --- catalog reference data ---------------------------------------------------------
    def units(self) -> None:
        for code, name in data.UNIT_CATEGORIES:
            if not UnitCategory.objects.filter(code=code).exists():
                catalog.create_unit_category(actor=self.admin, code=code, name=name)
        for code, name, category, factor, rounding, is_reference in data.UNITS:
            if not Unit.objects.filter(code=code).exists():
                catalog.create_unit(
                    actor=self.admin,
                    data=catalog.UnitInput(
                        code=code,
                        name=name,
                        category=category,
                        factor=factor,
                        rounding=rounding,
                        is_reference=is_reference,
                    ),
                )

    def categories(self) -> None:
        for code, name, parent, cost_method in data.PRODUCT_CATEGORIES:
            if not ProductCategory.objects.filter(code=code).exists():
                catalog.create_product_category(
                    actor=self.admin,
                    data=catalog.ProductCategoryInput(
                        code=code, name=name, parent=parent, cost_method=cost_method
                    ),
                )

    def partner_reference_data(self) -> None:
        for code, name in data.CUSTOMER_GROUPS:
            if not CustomerGroup.objects.filter(code=code).exists():
                partners.create_customer_group(actor=self.admin, code=code, name=name)
        for code, name, lines in data.PAYMENT_TERMS:
            if not PaymentTerm.objects.filter(code=code).exists():
                partners.create_payment_term(
                    actor=self.admin,
                    data=partners.PaymentTermInput(
                        code=code,
                        name=name,
                        lines=tuple(
                            partners.PaymentTermLineInput(percent=p, days=d, is_end_of_month=eom)
                            for p, d, eom in lines
                        ),
                    ),
                )

    # --- partners -----------------------------------------------------------------------
    def _partner_rows(self, names: list[str], role: str) -> list[dict[str, str]]:
        existing = set(Partner.objects.values_list("code", flat=True))
        groups = [g for g, _ in data.CUSTOMER_GROUPS]
        terms = ["NET30", "EOM30", "NET60", "SPLIT3070"]
        rows = []
        for n, name in enumerate(names):
            code = _code(name)
            if code in existing:
                continue
            country = COUNTRIES[n % 3] if role == "customer" else COUNTRIES[(n + 1) % 3]
            city, postal = CITIES[country][n % len(CITIES[country])]
            company = "ORDO-NL" if country == "NL" else "ORDO-BE"
            row = {
                "code": code,
                "name": name,
                "vat_number": vat_number(country, 2000 + n * 13 + len(role)),
                "email": f"orders@{code.lower()}.example",
                "phone": f"+32 2 555 {n:04d}",
                "currency": "EUR",
                "street": f"{['Marktplein', 'Stationsstraat', 'Kerkstraat', 'Industrieweg'][n % 4]} {n + 1}",
                "postal_code": postal,
                "city": city,
                "country": country,
                "company": company,
                "payment_term": terms[n % len(terms)],
            }
            if n % 4 == 0:
                row.update(
                    endpoint_id=gln(100 + n + (0 if role == "customer" else 500)),
                    endpoint_scheme="0088",
                )
            if role == "customer":
                row.update(
                    customer_group=groups[n % len(groups)],
                    credit_limit=str(Decimal(5000 + (n % 7) * 2500)),
                )
            else:
                row.update(lead_time_days=str(2 + n % 10))
            rows.append(row)
        return rows

    def customers(self) -> None:
        rows = self._partner_rows(data.CUSTOMER_NAMES, "customer")
        if rows:
            result = partners.import_partners(actor=self.admin, role="customer", rows=rows)
            self.say(f"{result.created} customers created")
        # Key accounts also buy from the other company, with a limit of their own there.
        for partner in Partner.objects.filter(customer_group__code="KEY").order_by("code"):
            for company in Company.objects.filter(code__in=["ORDO-BE", "ORDO-NL"]):
                if not PartnerCompanySettings.objects.filter(
                    partner=partner, company=company
                ).exists():
                    partners.set_partner_company_settings(
                        actor=self.admin,
                        partner_id=partner.pk,
                        company_id=company.pk,
                        credit_limit_amount=Decimal("25000.00"),
                        customer_payment_term="EOM30",
                    )

    def suppliers(self) -> None:
        rows = self._partner_rows(data.SUPPLIER_NAMES, "supplier")
        if rows:
            result = partners.import_partners(actor=self.admin, role="supplier", rows=rows)
            self.say(f"{result.created} suppliers created")

    # --- products and prices --------------------------------------------------------------
    def products(self) -> None:
        existing = set(Product.objects.values_list("sku", flat=True))
        rows = [r for r in product_rows() if r["sku"] not in existing]
        if rows:
            result = catalog.import_products(actor=self.admin, rows=rows)
            self.say(f"{result.created} products created")

    def packagings(self) -> None:
        """Each product's purchase pack (a tray, a box) with its own GTIN-14."""
        packed = set(Packaging.objects.values_list("product_id", flat=True))
        with transaction.atomic():
            products = Product.objects.select_related("purchase_unit").exclude(pk__in=packed)
            for product in products.order_by("sku"):
                unit = product.purchase_unit
                if unit.factor <= 1 or not product.gtin:
                    continue
                catalog.add_packaging(
                    actor=self.admin,
                    product_id=product.pk,
                    name=unit.name,
                    quantity=unit.factor,
                    gtin=gtin14(product.gtin, 1),
                )

    def product_settings(self) -> None:
        prices = product_base_prices()
        done = set(ProductCompanySettings.objects.values_list("product_id", "company_id"))
        for company in Company.objects.filter(code__in=["ORDO-BE", "ORDO-NL"]).order_by("code"):
            markup = Decimal("1.00") if company.code == "ORDO-BE" else Decimal("1.04")
            with transaction.atomic():
                for product in Product.objects.filter(sku__in=prices).order_by("sku"):
                    if (product.pk, company.pk) in done:
                        continue
                    list_price = (prices[product.sku] * markup).quantize(Decimal("0.01"))
                    catalog.set_product_company_settings(
                        actor=self.admin,
                        product_id=product.pk,
                        company=company,
                        list_price=list_price,
                        standard_cost=(list_price * Decimal("0.62")).quantize(Decimal("0.0001")),
                    )

    def price_lists(self) -> None:
        today = datetime.date(2026, 1, 1)
        for company in Company.objects.filter(code__in=["ORDO-BE", "ORDO-NL"]).order_by("code"):
            lists = {}
            for code, name in (
                ("DEFAULT", "List prices"),
                ("WHOLESALE", "Wholesale"),
                ("KEY", "Key accounts"),
            ):
                price_list = PriceList.objects.filter(company=company, code=code).first()
                if price_list is None:
                    price_list = catalog.create_price_list(
                        actor=self.admin,
                        company=company,
                        data=catalog.PriceListInput(
                            code=code,
                            name=f"{name} {company.code[-2:]}",
                            currency=company.currency,
                            valid_from=today,
                        ),
                    )
                    self._rules(company, price_list)
                lists[code] = price_list
            assigned = set(
                CustomerPriceList.objects.filter(company=company).values_list(
                    "customer_id", flat=True
                )
            )
            for customer in Partner.objects.filter(
                is_customer=True, customer_group__code__in=["WHOLESALE", "KEY"]
            ):
                if customer.pk in assigned:
                    continue
                catalog.set_customer_price_list(
                    actor=self.admin,
                    customer_id=customer.pk,
                    company=company,
                    price_list_id=lists[customer.customer_group.code].pk,
                )

    def _rules(self, company: Company, price_list: PriceList) -> None:
        prices = product_base_prices()
        rows = []
        if price_list.code == "WHOLESALE":
            # Quantity breaks on water and soft drinks: 5 % from 48 units, 10 % from 240.
            for sku in sorted(prices):
                if sku.startswith(("STILL", "SPARKLING", "COLA", "LEMON", "ORANGE-SODA")):
                    for qty, pct in (("48", "5"), ("240", "10")):
                        rows.append(
                            {
                                "price_list": "WHOLESALE",
                                "company": company.code,
                                "product": sku,
                                "min_quantity": qty,
                                "discount_percent": pct,
                            }
                        )
            catalog.add_price_rule(
                actor=self.admin,
                price_list_id=price_list.pk,
                data=catalog.PriceRuleInput(
                    kind="discount", discount_percent=Decimal("3"), sequence=50
                ),
            )
        elif price_list.code == "KEY":
            for sku in sorted(prices)[:40]:
                rows.append(
                    {
                        "price_list": "KEY",
                        "company": company.code,
                        "product": sku,
                        "fixed_price": str(
                            (prices[sku] * Decimal("0.85")).quantize(Decimal("0.01"))
                        ),
                    }
                )
        if rows:
            catalog.import_prices(actor=self.admin, rows=rows)

    def supplier_prices(self) -> None:
        suppliers = list(Partner.objects.filter(is_supplier=True).order_by("code"))
        if not suppliers or SupplierPrice.objects.exists():
            return
        prices = product_base_prices()
        company = Company.objects.get(code="ORDO-BE")
        family_supplier = {
            family[0]: suppliers[i % len(suppliers)]
            for i, family in enumerate(data.PRODUCT_FAMILIES)
        }
        with transaction.atomic():
            for product in Product.objects.select_related("category").order_by("sku"):
                supplier = family_supplier.get(product.category.code, suppliers[0])
                catalog.create_supplier_price(
                    actor=self.admin,
                    company=company,
                    data=catalog.SupplierPriceInput(
                        supplier_id=supplier.pk,
                        product_id=product.pk,
                        price=(prices.get(product.sku, Decimal(1)) * Decimal("0.55")).quantize(
                            Decimal("0.0001")
                        ),
                        currency="EUR",
                        min_quantity=Decimal(24),
                        lead_time_days=supplier.supplier_lead_time_days,
                        supplier_sku=f"S-{product.gtin[-6:]}",
                    ),
                )

    def policies(self) -> None:
        for company in Company.objects.filter(code__in=["ORDO-BE", "ORDO-NL"]).order_by("code"):
            for name, metric, threshold in (
                ("Discounts above 10 %", "discount_percent", "10"),
                ("Orders above 50 000", "amount", "50000"),
                ("Credit exposure above limit", "credit_exposure", "0"),
            ):
                if ApprovalPolicy.objects.filter(company=company, name=name).exists():
                    continue
                approvals.create_approval_policy(
                    actor=self.admin,
                    company=company,
                    data=approvals.PolicyInput(
                        name=name,
                        document_type="sales.order",
                        metric=metric,
                        threshold=threshold,
                        approver_role="manager"
                        if metric != "credit_exposure"
                        else "credit_controller",
                    ),
                )
