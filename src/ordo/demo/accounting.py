"""The demo's books: chart, fiscal years, taxes, a month of invoices and bills, payments,
and a bank statement waiting in the reconciliation workbench.

Through the accounting services (audited, numbered); idempotent per company (nothing is
added once the company has documents). Dates are relative to today, so the aged
receivables and the workbench always look current.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from ordo.accounting import banking, invoicing, payments, services
from ordo.accounting.invoicing import InvoiceLineInput
from ordo.accounting.models import ExchangeRate, FiscalYear, Invoice
from ordo.accounting.payments import AllocationInput
from ordo.catalog.models import Product
from ordo.core.models import Company, User
from ordo.partners.models import Partner

D = Decimal


def load_books(admin: User, say: Callable[[str], None]) -> None:
    today = timezone.localdate()
    for company in Company.objects.filter(code__in=["ORDO-BE", "ORDO-NL"]).order_by("code"):
        services.install_chart(actor=admin, company=company)
        services.install_default_taxes(actor=admin, company=company)
        for year in (today.year - 1, today.year):
            if not FiscalYear.objects.filter(company=company, start_date__year=year).exists():
                services.create_fiscal_year(
                    actor=admin,
                    company=company,
                    start_date=dt.date(year, 1, 1),
                    end_date=dt.date(year, 12, 31),
                )
        first_of_year = dt.date(today.year - 1, 1, 1)
        if not ExchangeRate.objects.filter(company=company, currency="USD").exists():
            services.add_exchange_rate(
                actor=admin, company=company, currency="USD", rate_date=first_of_year, rate="0.92"
            )
        if Invoice.objects.filter(company=company).exists():
            continue
        created = _documents(admin, company, today)
        say(f"{company.code}: {created} invoices and bills, payments and a bank statement")


def _documents(admin: User, company: Company, today: dt.date) -> int:
    customers = list(Partner.objects.filter(is_customer=True, is_active=True).order_by("code")[:6])
    suppliers = list(Partner.objects.filter(is_supplier=True, is_active=True).order_by("code")[:2])
    products = list(Product.objects.filter(is_active=True).order_by("sku")[:12])
    if not customers or not suppliers or not products:
        return 0
    invoices = []
    for n, customer in enumerate(customers):
        lines = [
            InvoiceLineInput(
                description=product.name,
                quantity=D(6 * (1 + (n + k) % 4)),
                unit_price=D("2.35") + D(n + k) * D("1.10"),
                tax_code="VAT21" if k % 3 else "VAT6",
                product_id=product.pk,
                unit_code="H87",
            )
            for k, product in enumerate(products[n : n + 3])
        ]
        invoices.append(
            invoicing.create_and_post_invoice(
                actor=admin,
                company=company,
                kind="customer_invoice",
                partner_id=customer.pk,
                invoice_date=today - dt.timedelta(days=75 - 12 * n),
                partner_reference=f"PO-{4400 + n}",
                lines=lines,
            )
        )
    bills = [
        invoicing.create_and_post_invoice(
            actor=admin,
            company=company,
            kind="supplier_bill",
            partner_id=supplier.pk,
            invoice_date=today - dt.timedelta(days=40 - 15 * n),
            partner_reference=f"SUP-{2026 + n}-{118 + n}",
            lines=[
                InvoiceLineInput(
                    description=product.name,
                    quantity=D(48),
                    unit_price=D("1.40") + D(n) * D("0.35"),
                    tax_code="VAT21-P",
                    product_id=product.pk,
                    unit_code="H87",
                )
                for product in products[4 * n : 4 * n + 4]
            ],
        )
        for n, supplier in enumerate(suppliers)
    ]
    # The oldest invoice is paid in full, the second in part; the first bill is paid.
    payments.register_payment(
        actor=admin,
        company=company,
        direction="inbound",
        partner_id=invoices[0].partner_id,
        amount=invoices[0].amount_total,
        payment_date=invoices[0].invoice_date + dt.timedelta(days=20),
        reference=invoices[0].number,
        allocations=[AllocationInput(invoices[0].pk, invoices[0].amount_total)],
    )
    part = (invoices[1].amount_total / 2).quantize(D("0.01"))
    payments.register_payment(
        actor=admin,
        company=company,
        direction="inbound",
        partner_id=invoices[1].partner_id,
        amount=part,
        payment_date=invoices[1].invoice_date + dt.timedelta(days=25),
        reference=invoices[1].number,
        allocations=[AllocationInput(invoices[1].pk, part)],
    )
    payments.register_payment(
        actor=admin,
        company=company,
        direction="outbound",
        partner_id=bills[0].partner_id,
        amount=bills[0].amount_total,
        payment_date=bills[0].invoice_date + dt.timedelta(days=10),
        reference=bills[0].partner_reference,
        allocations=[AllocationInput(bills[0].pk, bills[0].amount_total)],
    )
    # Yesterday's statement: two customers paid (one by reference, one by name), the
    # second bill went out, and the bank took its fee — for the reconciliation workbench.
    booked = today - dt.timedelta(days=1)
    entries = [
        (invoices[2].amount_total, f"Invoice {invoices[2].number}", invoices[2].partner.name),
        (invoices[3].amount_total, "Payment March goods", invoices[3].partner.name.upper()),
        (-bills[1].amount_total, bills[1].partner_reference, bills[1].partner.name),
        (D("-4.20"), "Account maintenance fee", "Bank"),
    ]
    banking.import_bank_statement(
        actor=admin,
        company=company,
        data=_camt053(company, booked, entries),
        filename=f"{company.code}-{booked.isoformat()}.xml",
    )
    return len(invoices) + len(bills)


def _camt053(company: Company, booked: dt.date, entries) -> bytes:
    """A small ISO 20022 camt.053.001.02 statement of our own making."""
    opening = D("25000.00")
    closing = opening + sum((amount for amount, _, _ in entries), D(0))
    rows = []
    for i, (amount, text, name) in enumerate(entries, start=1):
        side, party = ("CRDT", "Dbtr") if amount > 0 else ("DBIT", "Cdtr")
        rows.append(
            f'<Ntry><Amt Ccy="{company.currency}">{abs(amount)}</Amt>'
            f"<CdtDbtInd>{side}</CdtDbtInd><Sts>BOOK</Sts>"
            f"<BookgDt><Dt>{booked.isoformat()}</Dt></BookgDt>"
            f"<ValDt><Dt>{booked.isoformat()}</Dt></ValDt>"
            f"<AcctSvcrRef>DEMO-{booked:%Y%m%d}-{i}</AcctSvcrRef><BkTxCd/>"
            f"<NtryDtls><TxDtls><RltdPties><{party}><Nm>{_xml(name)}</Nm></{party}>"
            f"</RltdPties><RmtInf><Ustrd>{_xml(text)}</Ustrd></RmtInf></TxDtls></NtryDtls>"
            "</Ntry>"
        )
    balance = (
        "<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
        f'<Amt Ccy="{company.currency}">{{amount}}</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        "<Dt><Dt>{day}</Dt></Dt></Bal>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>DEMO-{company.code}-{booked:%Y%m%d}</MsgId>"
        f"<CreDtTm>{booked.isoformat()}T18:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{company.code}-{booked:%Y%m%d}</Id>"
        f"<CreDtTm>{booked.isoformat()}T18:00:00</CreDtTm>"
        f"<Acct><Id><IBAN>{company.iban or 'BE71096123456769'}</IBAN></Id>"
        f"<Ccy>{company.currency}</Ccy></Acct>"
        + balance.format(code="OPBD", amount=opening, day=booked.isoformat())
        + balance.format(code="CLBD", amount=closing, day=booked.isoformat())
        + "".join(rows)
        + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
