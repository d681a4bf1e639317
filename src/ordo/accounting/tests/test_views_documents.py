"""The accountant's invoice, bill and credit note pages, read as a person would."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ordo.accounting import invoicing, services
from ordo.accounting.invoicing import InvoiceLineInput
from ordo.accounting.models import Invoice, InvoiceState
from ordo.partners.models import Partner

pytestmark = pytest.mark.django_db

D = Decimal
MARCH_10 = dt.date(2026, 3, 10)
SAMPLES = Path(__file__).resolve().parents[4] / ".." / "shared" / "standards-samples" / "einvoice"


# --------------------------------------------------------------------------- helpers


def _lines():
    return [
        InvoiceLineInput("Pallet wrap", D("3"), D("10.01"), "VAT21"),
        InvoiceLineInput("Tape", D("10"), D("2.50"), "VAT6"),
    ]


def _draft(books, *, partner=None, day=MARCH_10, lines=None, kind="customer_invoice"):
    return invoicing.create_invoice(
        actor=books.accountant,
        company=books.company,
        kind=kind,
        partner_id=(partner or books.customer).pk,
        invoice_date=day,
        lines=lines or _lines(),
        partner_reference="PO-4471",
    )


def _posted(books, **kwargs):
    draft = _draft(books, **kwargs)
    return invoicing.post_invoice(actor=books.accountant, invoice_id=draft.pk)


def _form(books, **overrides):
    """The new-invoice form as the accountant fills it: two lines in rows 1 and 2."""
    data = {
        "partner": str(books.customer.pk),
        "invoice_date": "2026-03-10",
        "currency": "",
        "payment_term": "",
        "partner_reference": "PO-4471",
        "note": "",
        "rows": "8",
        "line0_description": "Pallet wrap",
        "line0_quantity": "3",
        "line0_unit_price": "10.01",
        "line0_tax": "VAT21",
        "line1_description": "Tape",
        "line1_quantity": "10",
        "line1_unit_price": "2.50",
        "line1_tax": "VAT6",
        "line1_discount_percent": "",
    }
    for i in range(2, 8):
        data[f"line{i}_tax"] = "VAT21"  # the default a blank row carries
    data.update(overrides)
    return data


def _page(response):
    return lxml.html.fromstring(response.content.decode())


def _text(node) -> str:
    return " ".join(" ".join(node.itertext()).split())


def _rows(response) -> list[str]:
    return [_text(tr) for tr in _page(response).xpath("//table[contains(@class,'list')]/tbody/tr")]


def _errors(response) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for div in _page(response).xpath("//div[contains(@class,'error')][@data-field]"):
        found.setdefault(div.get("data-field"), []).append(_text(div))
    return found


def _banner(response) -> str:
    return " ".join(_text(n) for n in _page(response).xpath("//*[contains(@class,'banner')]"))


def numbers(response) -> list[str]:
    """The first word of each row: the document's number or "Draft"."""
    return [row.split(" ")[0] for row in _rows(response)]


def _links(response) -> list[str]:
    return [_text(a) for a in _page(response).xpath("//main//a[contains(@class,'button')]")]


def _buttons(response) -> list[str]:
    return [_text(b) for b in _page(response).xpath("//main//button")]


@pytest.fixture
def freeze_today(monkeypatch):
    def freeze(day: dt.date):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return freeze


# --------------------------------------------------------------------------- lists


def test_the_invoice_list_filters_by_state_search_dates_and_overdue(
    books, client_for, freeze_today
):
    zeta = Partner.objects.create(code="C-ZETA", name="Zeta Trading SA", is_customer=True)
    old = _posted(books, day=dt.date(2026, 1, 5))  # due 2026-03-06 (30/60 days)
    _draft(books)
    _posted(books, partner=zeta, day=dt.date(2026, 4, 1))  # no term: due on its date
    freeze_today(dt.date(2026, 4, 20))
    client = client_for(books.accountant)

    response = client.get("/accounting/invoices/")
    assert response.status_code == 200
    assert numbers(response) == ["INV/2026-00002", "Draft", "INV/2026-00001"]
    assert _rows(response)[2] == (
        "INV/2026-00001 Acme Retail BV PO-4471 2026-01-05 2026-03-06 · overdue "
        "62.84 EUR 62.84 EUR Posted"
    )
    assert _rows(response)[1] == "Draft Acme Retail BV PO-4471 2026-03-10 — 62.84 EUR — Draft"
    assert "New invoice" in _links(response)
    assert "Import e-invoice (UBL)" not in _links(response)

    assert numbers(client.get("/accounting/invoices/?state=draft")) == ["Draft"]
    assert numbers(client.get("/accounting/invoices/?state=open")) == [
        "INV/2026-00002",
        "INV/2026-00001",
    ]
    assert numbers(client.get("/accounting/invoices/?overdue=on")) == [
        "INV/2026-00002",
        "INV/2026-00001",
    ]
    freeze_today(dt.date(2026, 3, 31))
    assert numbers(client.get("/accounting/invoices/?overdue=on")) == ["INV/2026-00001"]
    assert numbers(client.get("/accounting/invoices/?q=zeta")) == ["INV/2026-00002"]
    assert numbers(client.get(f"/accounting/invoices/?partner={zeta.pk}")) == ["INV/2026-00002"]
    assert numbers(client.get("/accounting/invoices/?date_from=2026-03-01&date_to=2026-03-31")) == [
        "Draft"
    ]
    response = client.get("/accounting/invoices/?state=paid")
    assert _rows(response) == ["No invoices match these filters."]
    assert old.state == InvoiceState.POSTED


def test_an_empty_bill_list_offers_new_bill_and_import(books, client_for):
    response = client_for(books.accountant).get("/accounting/bills/")
    assert response.status_code == 200
    assert _rows(response) == ["No bills yet. Use “New bill” to draft the first one."]
    assert _links(response) == ["Import e-invoice (UBL)", "New bill"]


def test_a_bad_filter_date_is_named_and_the_other_filters_still_apply(books, client_for):
    _draft(books)
    response = client_for(books.accountant).get(
        "/accounting/invoices/?date_from=31-03-2026&state=draft"
    )
    assert response.status_code == 200
    assert _errors(response) == {"date_from": ["Enter a valid date."]}
    assert [row.split(" ")[0] for row in _rows(response)] == ["Draft"]


# --------------------------------------------------------------------------- create / edit


def test_a_draft_with_two_lines_is_saved_with_its_exact_totals(books, client_for):
    client = client_for(books.accountant)
    form = client.get("/accounting/invoices/new/")
    assert form.status_code == 200
    page = _page(form)
    assert len(page.xpath("//tr[@data-row]")) == 8
    assert page.xpath("//select[@name='line0_tax']/option[@selected]/@value") == ["VAT21"]
    assert _text(page.xpath("//label[@for='id_partner_reference']")[0]) == "Customer reference"

    response = client.post("/accounting/invoices/new/", _form(books))
    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/accounting/invoices/{invoice.pk}/"
    assert (invoice.state, invoice.kind, invoice.amount_total) == (
        "draft",
        "customer_invoice",
        D("62.84"),
    )
    assert invoice.payment_term == books.term  # the customer's term in ORDO-BE

    detail = client.get(response["Location"])
    assert _text(_page(detail).xpath("//h1")[0]) == "Draft invoice"
    assert _text(_page(detail).xpath("//dl[@data-testid='totals']")[0]) == (
        "Untaxed 55.03 EUR VAT 7.81 EUR Total 62.84 EUR"
    )
    assert _rows(detail)[:2] == [
        "1 Pallet wrap 3 10.01 VAT21 30.03 6.31",
        "2 Tape 10 2.50 VAT6 25.00 1.50",
    ]
    assert "Invoice saved." not in _banner(detail)
    assert [m.message for m in detail.context["messages"]] == ["Draft invoice saved."]


def test_a_bad_line_is_shown_on_its_row_with_422_and_nothing_is_saved(books, client_for):
    data = _form(
        books,
        line1_description="",
        line1_quantity="",
        line1_unit_price="",
        line2_description="Tape",
        line2_quantity="0",
        line2_unit_price="2.50",
        line2_tax="VAT6",
        line3_description="Labels",
        line3_quantity="2",
        line3_unit_price="1.00001",
        line3_tax="VAT21",
        line3_discount_percent="120",
    )
    response = client_for(books.accountant).post("/accounting/invoices/new/", data)
    assert response.status_code == 422
    assert _errors(response) == {
        "line2_quantity": ["Quantity 0 must be above zero (credit with a credit note instead)."],
        "line3_discount_percent": ["Discount 120 % must be between 0 and 100 %."],
        "line3_unit_price": ["Unit price 1.00001 has more than 4 decimals."],
    }
    assert not Invoice.objects.exists()
    page = _page(response)
    assert page.xpath("//input[@name='line2_description']/@value") == ["Tape"]
    assert page.xpath("//input[@name='line0_unit_price']/@value") == ["10.01"]


def test_a_number_typed_wrong_is_refused_by_the_form(books, client_for):
    data = _form(books, line0_quantity="three", line1_unit_price="")
    response = client_for(books.accountant).post("/accounting/invoices/new/", data)
    assert response.status_code == 422
    assert _errors(response) == {
        "line0_quantity": ["“three” is not a number: type it like 12.50."],
        "line1_unit_price": ["Give a unit price."],
    }
    assert not Invoice.objects.exists()


def test_a_form_without_lines_says_so(books, client_for):
    data = _form(books, line0_description="", line0_quantity="", line0_unit_price="")
    data |= {"line1_description": "", "line1_quantity": "", "line1_unit_price": ""}
    response = client_for(books.accountant).post("/accounting/invoices/new/", data)
    assert response.status_code == 422
    assert _banner(response) == "A document needs at least one line."


def test_add_lines_gives_four_more_rows_and_keeps_what_was_typed(books, client_for):
    response = client_for(books.accountant).post(
        "/accounting/invoices/new/", _form(books, add_rows="1")
    )
    assert response.status_code == 200
    page = _page(response)
    assert len(page.xpath("//tr[@data-row]")) == 12
    assert page.xpath("//input[@name='line1_description']/@value") == ["Tape"]
    assert not Invoice.objects.exists()


def test_save_and_post_numbers_the_invoice_at_once(books, client_for):
    client = client_for(books.accountant)
    response = client.post("/accounting/invoices/new/", _form(books, post="1"), follow=True)
    assert response.status_code == 200
    assert _text(_page(response).xpath("//h1")[0]) == "Invoice INV/2026-00001"
    assert [m.message for m in response.context["messages"]] == ["Invoice INV/2026-00001 posted."]


def test_a_draft_is_edited_and_a_posted_one_is_not(books, client_for):
    client = client_for(books.accountant)
    draft = _draft(books)
    page = _page(client.get(f"/accounting/invoices/{draft.pk}/edit/"))
    assert page.xpath("//input[@name='line1_quantity']/@value") == ["10"]
    assert page.xpath("//input[@name='line1_unit_price']/@value") == ["2.50"]
    assert page.xpath("//input[@name='line0_account']/@value") == ["7000"]
    assert page.xpath("//select[@name='partner']/@disabled") == ["disabled"]
    data = _form(books, line1_quantity="4", partner_reference="PO-4472")
    data.update({f"line{i}_{f}": v for i in range(2) for f, v in (("account", "7000"),)})
    response = client.post(f"/accounting/invoices/{draft.pk}/edit/", data, follow=True)
    assert response.redirect_chain == [(f"/accounting/invoices/{draft.pk}/", 302)]
    assert [m.message for m in response.context["messages"]] == ["Draft invoice saved."]
    draft.refresh_from_db()
    assert (draft.amount_total, draft.partner_reference) == (D("46.94"), "PO-4472")

    invoicing.post_invoice(actor=books.accountant, invoice_id=draft.pk)
    response = client.get(f"/accounting/invoices/{draft.pk}/edit/", follow=True)
    assert response.redirect_chain == [(f"/accounting/invoices/{draft.pk}/", 302)]
    assert [m.message for m in response.context["messages"]] == [
        "Invoice INV/2026-00001 is posted: only a draft can be changed."
    ]


# --------------------------------------------------------------------------- detail actions


def test_a_draft_is_posted_from_its_page(books, client_for):
    client = client_for(books.accountant)
    draft = _draft(books)
    detail = client.get(f"/accounting/invoices/{draft.pk}/")
    assert _buttons(detail) == ["Post", "Cancel draft"]
    assert _links(detail) == ["Edit", "PDF"]
    response = client.post(f"/accounting/invoices/{draft.pk}/post/", follow=True)
    assert response.status_code == 200
    page = _page(response)
    assert _text(page.xpath("//h1")[0]) == "Invoice INV/2026-00001"
    assert [m.message for m in response.context["messages"]] == ["Invoice INV/2026-00001 posted."]
    assert _text(page.xpath("//dd[@data-testid='open']")[0]) == "62.84 EUR"
    installments = [_text(tr) for tr in page.xpath("//h2[.='Installments']/../table/tbody/tr")]
    assert installments == ["1 2026-04-09 31.42 EUR", "2 2026-05-09 31.42 EUR"]
    assert _links(response) == ["Register payment", "Credit note", "PDF", "UBL e-invoice"]
    assert page.xpath("//a[.='Register payment']/@href") == [
        f"/accounting/payments/new/?invoice={draft.pk}"
    ]
    assert "Post" not in _buttons(response)


def test_posting_twice_is_refused_on_the_page_with_409(books, client_for):
    posted = _posted(books)
    response = client_for(books.accountant).post(f"/accounting/invoices/{posted.pk}/post/")
    assert response.status_code == 409
    assert "INV/2026-00001" in _banner(response)


def test_a_draft_is_cancelled_with_a_reason(books, client_for):
    client = client_for(books.accountant)
    draft = _draft(books)
    response = client.post(f"/accounting/invoices/{draft.pk}/cancel/", {"reason": " "})
    assert response.status_code == 422
    assert _errors(response) == {"reason": ["Give a reason for the cancellation."]}
    response = client.post(
        f"/accounting/invoices/{draft.pk}/cancel/", {"reason": "Drafted twice"}, follow=True
    )
    assert [m.message for m in response.context["messages"]] == ["Draft invoice cancelled."]
    draft.refresh_from_db()
    assert draft.state == "cancelled"
    page = _page(response)
    assert _text(page.xpath("//span[@data-state]")[0]) == "Cancelled"
    assert _links(response) == []
    assert _buttons(response) == []


def test_a_posted_invoice_is_credited_in_part(books, client_for):
    client = client_for(books.accountant)
    invoice = _posted(books)
    first, second = invoice.lines.order_by("sequence")
    url = f"/accounting/invoices/{invoice.pk}/credit/"
    page = _page(client.get(url))
    assert page.xpath(f"//input[@name='quantity_{first.pk}']/@value") == ["3"]
    assert page.xpath(f"//input[@name='quantity_{second.pk}']/@value") == ["10"]

    too_much = {
        f"quantity_{first.pk}": "4",
        f"quantity_{second.pk}": "",
        "reason": "Damaged",
        "credit_date": "2026-03-20",
        "post": "on",
    }
    response = client.post(url, too_much)
    assert response.status_code == 422
    assert _errors(response) == {
        f"quantity_{first.pk}": ["4 of “Pallet wrap” cannot be credited: 3 of 3 is left to credit."]
    }
    response = client.post(url, too_much | {f"quantity_{first.pk}": "2"}, follow=True)
    credit = Invoice.objects.get(kind="customer_credit_note")
    assert response.redirect_chain == [(f"/accounting/invoices/{credit.pk}/", 302)]
    assert [m.message for m in response.context["messages"]] == [
        "Credit note CRN/2026-00001 posted for Invoice INV/2026-00001."
    ]
    page = _page(response)
    assert _text(page.xpath("//dl[@data-testid='totals']")[0]) == (
        "Untaxed 20.02 EUR VAT 4.20 EUR Total 24.22 EUR Open 0.00 EUR"
    )
    detail = client.get(f"/accounting/invoices/{invoice.pk}/")
    page = _page(detail)
    assert _text(page.xpath("//dd[@data-testid='open']")[0]) == "38.62 EUR"
    allocations = [_text(tr) for tr in page.xpath("//div[@id='allocations']//tbody/tr")]
    assert allocations == ["2026-03-20 Credit note CRN/2026-00001 24.22 EUR"]
    again = _page(client.get(url))
    assert again.xpath(f"//input[@name='quantity_{first.pk}']/@value") == ["1"]


def test_undone_allocations_are_struck_through(books, client_for):
    from ordo.accounting import payments
    from ordo.accounting.payments import AllocationInput

    invoice = _posted(books)
    payment = payments.register_payment(
        actor=books.accountant,
        company=books.company,
        direction="inbound",
        partner_id=books.customer.pk,
        amount=D("30.00"),
        payment_date=dt.date(2026, 4, 2),
        allocations=[AllocationInput(invoice.pk, D("30.00"))],
    )
    allocation = payment.allocations.get()
    payments.unallocate(actor=books.accountant, allocation_id=allocation.pk, reason="Wrong one")
    payments.allocate_payment(
        actor=books.accountant,
        payment_id=payment.pk,
        allocations=[AllocationInput(invoice.pk, D("20.00"))],
    )
    page = _page(client_for(books.accountant).get(f"/accounting/invoices/{invoice.pk}/"))
    rows = page.xpath("//div[@id='allocations']//tbody/tr")
    assert [tr.get("class") for tr in rows] == ["undone", ""]
    assert _text(rows[0]).startswith("2026-04-02 Payment RCPT/2026-00001 30.00 EUR Undone ")
    assert _text(rows[0]).endswith(": Wrong one")
    assert _text(rows[1]) == "2026-04-02 Payment RCPT/2026-00001 20.00 EUR"
    assert _text(page.xpath("//span[@data-state]")[0]) == "Partially paid"


def test_the_pdf_is_served_inline(books, client_for):
    invoice = _posted(books)
    response = client_for(books.accountant).get(f"/accounting/invoices/{invoice.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="INV-2026-00001.pdf"'
    assert response.content.startswith(b"%PDF")


def test_the_ubl_e_invoice_is_downloaded(books, client_for):
    invoice = _posted(books)
    response = client_for(books.accountant).get(f"/accounting/invoices/{invoice.pk}/ubl/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"] == 'attachment; filename="INV-2026-00001.xml"'
    assert b"<cbc:ID>INV/2026-00001</cbc:ID>" in response.content


def test_an_e_invoice_failing_peppol_is_a_message_on_the_page(books, client_for):
    Partner.objects.filter(pk=books.customer.pk).update(endpoint_id="", endpoint_scheme="")
    invoice = _posted(books)
    response = client_for(books.accountant).get(f"/accounting/invoices/{invoice.pk}/ubl/")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    assert _banner(response).startswith("INV/2026-00001 cannot be sent as a Peppol e-invoice: ")
    assert "PEPPOL-EN16931-R010" in _banner(response)


# --------------------------------------------------------------------------- bills and import


def test_a_bill_is_drafted_with_purchase_taxes(books, client_for):
    client = client_for(books.accountant)
    page = _page(client.get("/accounting/bills/new/"))
    assert page.xpath("//select[@name='line0_tax']/option[@selected]/@value") == ["VAT21-P"]
    assert _text(page.xpath("//label[@for='id_partner']")[0]) == "Supplier *"
    assert _text(page.xpath("//label[@for='id_partner_reference']")[0]) == (
        "Supplier invoice number"
    )
    data = _form(books, partner=str(books.supplier.pk), line0_tax="VAT21-P", line1_tax="VAT6-P")
    data |= {f"line{i}_tax": "VAT21-P" for i in range(2, 8)}
    response = client.post("/accounting/bills/new/", data)
    bill = Invoice.objects.get()
    assert response["Location"] == f"/accounting/bills/{bill.pk}/"
    assert (bill.kind, bill.amount_total) == ("supplier_bill", D("62.84"))
    assert client.get(f"/accounting/invoices/{bill.pk}/").status_code == 404
    draft = _draft(books)
    assert client.get(f"/accounting/bills/{draft.pk}/").status_code == 404
    assert client.get(f"/accounting/bills/{draft.pk}/edit/").status_code == 404
    assert client.post(f"/accounting/bills/{draft.pk}/post/").status_code == 404


def _sample(name):
    path = SAMPLES / name
    if not path.exists():
        pytest.skip("../shared/standards-samples is not beside the repository")
    return path.read_bytes()


def test_a_supplier_e_invoice_is_imported_as_a_draft_bill(books, client_for):
    data = _sample("en16931-ubl-tc434-example1.xml")
    client = client_for(books.accountant)

    def upload():
        file = SimpleUploadedFile("example1.xml", data, content_type="application/xml")
        return client.post("/accounting/bills/import/", {"file": file})

    response = upload()
    assert response.status_code == 422
    assert _errors(response) == {
        "file": [
            "No supplier with VAT number NL8200.98.395.B.01 or electronic address (none) — "
            "create De Koksmaat as a supplier first."
        ]
    }
    Partner.objects.create(
        code="S-KOKS", name="De Koksmaat", is_supplier=True, vat_number="NL8200.98.395.B.01"
    )
    response = upload()
    bill = Invoice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/accounting/bills/{bill.pk}/"
    detail = client.get(response["Location"])
    assert [m.message for m in detail.context["messages"]] == [
        "Draft bill imported from De Koksmaat's document 12115118: check it and post it."
    ]
    assert _text(_page(detail).xpath("//dl[@data-testid='totals']")[0]) == (
        "Untaxed 229.60 EUR VAT 20.73 EUR Total 250.33 EUR"
    )
    response = upload()
    assert response.status_code == 409
    assert _errors(response) == {
        "file": [f"De Koksmaat's document 12115118 is already recorded as {bill}."]
    }
    assert _page(response).xpath("//a[.='Open the bill already recorded']/@href") == [
        f"/accounting/bills/{bill.pk}/"
    ]


def test_a_file_that_is_not_xml_is_refused_on_the_form(books, client_for):
    file = SimpleUploadedFile("notes.xml", b"hello", content_type="application/xml")
    response = client_for(books.accountant).post("/accounting/bills/import/", {"file": file})
    assert response.status_code == 422
    assert list(_errors(response)) == ["file"]
    assert not Invoice.objects.exists()


# --------------------------------------------------------------------------- who sees what


def test_a_sales_rep_reads_invoices_but_cannot_write_them(books, personas, client_for):
    invoice = _draft(books)
    client = client_for(personas["sales_rep"])
    response = client.get("/accounting/invoices/")
    assert response.status_code == 200
    assert [row.split(" ")[0] for row in _rows(response)] == ["Draft"]
    assert _links(response) == []
    detail = client.get(f"/accounting/invoices/{invoice.pk}/")
    assert detail.status_code == 200
    assert _buttons(detail) == []
    assert _links(detail) == ["PDF"]
    assert client.get("/accounting/invoices/new/").status_code == 403
    assert client.post("/accounting/invoices/new/", _form(books)).status_code == 403
    assert client.post(f"/accounting/invoices/{invoice.pk}/post/").status_code == 403
    assert client.get("/accounting/bills/import/").status_code == 403
    assert Invoice.objects.count() == 1
    assert client_for(personas["warehouse_operator"]).get("/accounting/invoices/").status_code == (
        403
    )


def test_another_companys_documents_answer_404(books, company_nl, client_for):
    services.install_chart(actor=None, company=company_nl)
    services.create_fiscal_year(
        actor=None,
        company=company_nl,
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
    )
    services.install_default_taxes(actor=None, company=company_nl)
    theirs = invoicing.create_invoice(
        actor=None,
        company=company_nl,
        kind="customer_invoice",
        partner_id=books.customer.pk,
        invoice_date=MARCH_10,
        lines=_lines(),
    )
    client = client_for(books.accountant)
    for suffix in ("", "edit/", "credit/", "pdf/", "ubl/"):
        assert client.get(f"/accounting/invoices/{theirs.pk}/{suffix}").status_code == 404
    assert client.post(f"/accounting/invoices/{theirs.pk}/post/").status_code == 404
    assert client.post(
        f"/accounting/invoices/{theirs.pk}/cancel/", {"reason": "x"}
    ).status_code == (404)
    assert _rows(client.get("/accounting/invoices/")) == [
        "No invoices yet. Use “New invoice” to draft the first one."
    ]
    theirs.refresh_from_db()
    assert theirs.state == "draft"
