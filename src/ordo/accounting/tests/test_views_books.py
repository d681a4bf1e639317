"""The books pages: journal entries, periods and year-end closing, the reports.

The report figures come from one small year of ORDO-BE (``year`` fixture):
2 Jan 10 000.00 share capital paid into the bank; 5 Mar Fabrika's bill of 363.00
(300.00 + 21 % VAT) due 4 Apr; 10 Mar Acme's invoice of 605.00 (500.00 + 21 % VAT),
half due 9 Apr and half 9 May.
"""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from lxml import html as lxml_html
from openpyxl import load_workbook

from ordo.accounting import forms_books, invoicing, services, views_books
from ordo.accounting.invoicing import InvoiceLineInput
from ordo.accounting.models import JournalEntry, Period
from ordo.accounting.services import LineInput
from ordo.core.models import AuditEntry

pytestmark = pytest.mark.django_db

D = Decimal
MARCH_15 = dt.date(2026, 3, 15)
UNBALANCED = (
    "Journal entry of 2026-03-15 does not balance: debit 100.00 EUR, credit 90.00 EUR, "
    "difference 10.00 EUR."
)


def _text(response) -> str:
    """The page's visible text with whitespace collapsed."""
    document = lxml_html.fromstring(response.content.decode())
    return re.sub(r"\s+", " ", " ".join(document.itertext()))


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _rows(response, table="books-report", part="tbody") -> list[list[str]]:
    """The cells' texts of each row of the page's table of that class."""
    document = lxml_html.fromstring(response.content.decode())
    return [
        [re.sub(r"\s+", " ", cell.text_content()).strip() for cell in row.xpath("./td|./th")]
        for row in document.xpath(f"//table[{_has_class(table)}]/{part}/tr")
    ]


def _post_capital(accountant, company, day=dt.date(2026, 1, 2)):
    return services.post_entry_now(
        actor=accountant,
        company=company,
        journal_code="BNK1",
        entry_date=day,
        lines=[
            LineInput("5500", debit=D("10000.00")),
            LineInput("1000", credit=D("10000.00")),
        ],
        reference="DEED-1",
        label="Share capital",
    )


@pytest.fixture
def year(books):
    """The small year of the module docstring, through the services."""
    _post_capital(books.accountant, books.company)
    books.bill = invoicing.create_and_post_invoice(
        actor=books.accountant,
        company=books.company,
        kind="supplier_bill",
        partner_id=books.supplier.pk,
        invoice_date=dt.date(2026, 3, 5),
        lines=[InvoiceLineInput("Stretch film", D("100"), D("3.00"), "VAT21-P")],
        due_date=dt.date(2026, 4, 4),
    )
    books.invoice = invoicing.create_and_post_invoice(
        actor=books.accountant,
        company=books.company,
        kind="customer_invoice",
        partner_id=books.customer.pk,
        invoice_date=dt.date(2026, 3, 10),
        lines=[InvoiceLineInput("Wrap", D("10"), D("50.00"), "VAT21")],
    )
    return books


def _entry_form(**lines) -> dict:
    data = {
        "journal": "MISC",
        "entry_date": "2026-03-15",
        "reference": "ADJ-7",
        "label": "Rent accrual",
        "action": "draft",
    }
    for i in range(forms_books.ENTRY_LINE_ROWS):
        for name in ("account", "partner", "label", "debit", "credit"):
            data[f"line{i}_{name}"] = ""
    data.update(lines)
    return data


RENT = {
    "line0_account": "6110",
    "line0_label": "March rent",
    "line0_debit": "100.00",
    "line1_account": "5500",
    "line1_credit": "100.00",
}


# --------------------------------------------------------------------------- entries


def test_entry_list_shows_numbers_drafts_and_totals(ledger, company_be, draft, client_for):
    _post_capital(ledger, company_be)
    pending = draft()
    client = client_for(ledger)

    response = client.get(reverse("accounting:entry_list"))

    assert response.status_code == 200
    assert _rows(response, "books-entries") == [
        [f"Draft {pending.pk}", "2026-03-15", "SAL", "", "Invoice 1", "100.00 EUR"],
        ["BNK1/2026-00001", "2026-01-02", "BNK1", "DEED-1", "Share capital", "10,000.00 EUR"],
    ]
    drafts = client.get(reverse("accounting:entry_list"), {"state": "draft"})
    assert _rows(drafts, "books-entries") == [
        [f"Draft {pending.pk}", "2026-03-15", "SAL", "", "Invoice 1", "100.00 EUR"]
    ]
    by_journal = client.get(
        reverse("accounting:entry_list"),
        {"journal": "BNK1", "date_from": "2026-01-01", "date_to": "2026-01-31"},
    )
    assert [row[0] for row in _rows(by_journal, "books-entries")] == ["BNK1/2026-00001"]
    nothing = client.get(reverse("accounting:entry_list"), {"date_from": "2027-01-01"})
    assert "No entries match these filters." in _text(nothing)


def test_entry_list_needs_ledger_view(personas, ledger, client_for):
    response = client_for(personas["sales_rep"]).get(reverse("accounting:entry_list"))
    assert response.status_code == 403


def test_new_entry_saved_as_draft_then_posted_from_its_page(ledger, personas, client_for):
    client = client_for(ledger)
    form = client.get(reverse("accounting:entry_create"))
    assert form.status_code == 200
    assert ">Save and post</button>" in form.content.decode()

    response = client.post(reverse("accounting:entry_create"), _entry_form(**RENT))

    entry = JournalEntry.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("accounting:entry_detail", args=[entry.pk])
    page = client.get(response.url)
    text = _text(page)
    assert f"Draft entry {entry.pk} saved." in text
    assert _rows(page, "books-lines") == [
        ["6110 · Office rent", "", "March rent", "100.00", ""],
        ["5500 · Main bank account", "", "", "", "100.00"],
    ]
    assert _rows(page, "books-lines", "tfoot") == [["Total EUR", "100.00", "100.00"]]
    assert ">Post</button>" in page.content.decode()

    posted = client.post(reverse("accounting:entry_post", args=[entry.pk]), follow=True)

    assert posted.status_code == 200
    assert "Journal entry MISC/2026-00001 posted." in _text(posted)
    assert "Journal entry MISC/2026-00001" in _text(posted)
    assert ">Post</button>" not in posted.content.decode()
    assert ">Reverse</button>" in posted.content.decode()
    entry.refresh_from_db()
    assert (entry.state, entry.number, entry.reference) == ("posted", "MISC/2026-00001", "ADJ-7")


def test_save_and_post_refuses_an_unbalanced_entry_inline_and_saves_nothing(ledger, client_for):
    data = _entry_form(**(RENT | {"line1_credit": "90.00"}), action="post")

    response = client_for(ledger).post(reverse("accounting:entry_create"), data)

    assert response.status_code == 422
    assert UNBALANCED in _text(response)
    assert 'value="90.00"' in response.content.decode()  # what was typed is kept
    assert not JournalEntry.objects.exists()


def test_save_and_post_posts_at_once(ledger, client_for):
    response = client_for(ledger).post(
        reverse("accounting:entry_create"), _entry_form(**RENT, action="post"), follow=True
    )
    assert response.status_code == 200
    assert "Journal entry MISC/2026-00001 posted." in _text(response)


def test_a_draft_is_edited_and_its_lines_replaced(ledger, client_for):
    client = client_for(ledger)
    client.post(reverse("accounting:entry_create"), _entry_form(**RENT))
    entry = JournalEntry.objects.get()
    page = client.get(reverse("accounting:entry_edit", args=[entry.pk]))
    assert page.status_code == 200
    assert f"Edit draft entry {entry.pk}" in _text(page)
    assert 'value="100.00"' in page.content.decode()  # the draft's lines are filled in
    changed = _entry_form(**(RENT | {"line0_debit": "120.00", "line1_credit": "120.00"}))
    response = client.post(reverse("accounting:entry_edit", args=[entry.pk]), changed, follow=True)
    assert f"Draft entry {entry.pk} saved." in _text(response)
    assert sorted(entry.lines.values_list("debit", "credit")) == [
        (D("0.00"), D("120.00")),
        (D("120.00"), D("0.00")),
    ]
    assert AuditEntry.objects.filter(action="accounting.entry.updated").count() == 1


def test_an_edit_that_posts_unbalanced_keeps_the_draft_as_it_was(ledger, client_for):
    client = client_for(ledger)
    client.post(reverse("accounting:entry_create"), _entry_form(**RENT))
    entry = JournalEntry.objects.get()
    bad = _entry_form(**(RENT | {"line1_credit": "90.00"}), action="post")
    response = client.post(reverse("accounting:entry_edit", args=[entry.pk]), bad)
    assert response.status_code == 422
    assert UNBALANCED in _text(response)
    entry.refresh_from_db()
    assert entry.state == "draft"
    assert sorted(entry.lines.values_list("debit", "credit")) == [
        (D("0.00"), D("100.00")),
        (D("100.00"), D("0.00")),
    ]


def test_a_posted_entry_is_not_edited(ledger, client_for):
    client = client_for(ledger)
    client.post(reverse("accounting:entry_create"), _entry_form(**RENT, action="post"))
    entry = JournalEntry.objects.get()
    response = client.get(reverse("accounting:entry_edit", args=[entry.pk]), follow=True)
    assert "Journal entry MISC/2026-00001 is posted: reverse it instead." in _text(response)
    detail = client.get(reverse("accounting:entry_detail", args=[entry.pk])).content
    links = lxml_html.fromstring(detail).xpath('//a[contains(@class, "button")]/text()')
    assert "Edit" not in [text.strip() for text in links]


def test_posting_an_unbalanced_draft_shows_the_difference(ledger, draft, client_for):
    entry = draft(other="90.00")
    response = client_for(ledger).post(reverse("accounting:entry_post", args=[entry.pk]))
    assert response.status_code == 422
    assert UNBALANCED in _text(response)
    assert "Difference 10.00" in _text(response)
    entry.refresh_from_db()
    assert entry.state == "draft"


def test_line_problems_are_shown_on_their_rows_all_at_once(ledger, client_for):
    data = _entry_form(
        line0_account="6110",
        line0_debit="abc",
        line1_partner="NOPE",
        line1_credit="10.00",
        line2_account="5500",
        line2_debit="5.00",
        line2_credit="5.00",
    )
    response = client_for(ledger).post(reverse("accounting:entry_create"), data)
    assert response.status_code == 422
    text = _text(response)
    assert "Line 1: debit 'abc' is not a number." in text
    assert "Line 2: choose an account." in text
    assert "Line 2: partner NOPE not found." in text
    assert 'data-field="line0_debit"' in response.content.decode()
    assert 'data-field="line1_partner"' in response.content.decode()

    both_sides = _entry_form(**RENT, line2_account="5500", line2_debit="5.00", line2_credit="5.00")
    response = client_for(ledger).post(reverse("accounting:entry_create"), both_sides)
    assert response.status_code == 422
    assert (
        "Line 3: give a debit or a credit, exactly one of them above zero "
        "(got debit 5.00, credit 5.00)."
    ) in _text(response)
    assert 'data-field="line2_debit"' in response.content.decode()
    assert not JournalEntry.objects.exists()


def test_a_line_names_its_partner(books, client_for):
    data = _entry_form(
        line0_account="4000",
        line0_partner="c-acme",
        line0_debit="50.00",
        line1_account="7000",
        line1_credit="50.00",
    )
    response = client_for(books.accountant).post(
        reverse("accounting:entry_create"), data, follow=True
    )
    assert response.status_code == 200
    assert _rows(response, "books-lines")[0] == [
        "4000 · Trade receivables",
        "C-ACME · Acme Retail BV",
        "",
        "50.00",
        "",
    ]


def test_a_posted_entry_is_reversed_with_a_date_and_reason(ledger, company_be, client_for):
    original = _post_capital(ledger, company_be)
    client = client_for(ledger)
    url = reverse("accounting:entry_reverse", args=[original.pk])

    missing = client.post(url, {"reversal_date": "2026-01-31", "reason": ""})
    assert missing.status_code == 422
    assert "This field is required." in _text(missing)

    response = client.post(url, {"reversal_date": "2026-01-31", "reason": "Wrong bank"})

    reversal = JournalEntry.objects.get(reversal_of=original)
    assert response.status_code == 302
    assert response.url == reverse("accounting:entry_detail", args=[reversal.pk])
    page = client.get(response.url)
    text = _text(page)
    assert "Journal entry BNK1/2026-00001 reversed by BNK1/2026-00002." in text
    assert "Reverses BNK1/2026-00001" in text
    assert "Reversal of BNK1/2026-00001: Wrong bank" in text
    assert _rows(page, "books-lines") == [
        ["5500 · Main bank account", "", "", "", "10,000.00"],
        ["1000 · Share capital", "", "", "10,000.00", ""],
    ]
    first = client.get(reverse("accounting:entry_detail", args=[original.pk]))
    assert "Reversed by BNK1/2026-00002 of 2026-01-31" in _text(first)
    assert ">Reverse</button>" not in first.content.decode()

    again = client.post(url, {"reversal_date": "2026-02-01", "reason": "Again"})
    assert again.status_code == 409
    assert "Journal entry BNK1/2026-00001 was already reversed by BNK1/2026-00002." in _text(again)


def test_posting_into_a_hard_locked_period_is_refused_with_409(ledger, draft, client_for):
    entry = draft()
    march = Period.objects.get(name="2026-03")
    services.set_period_state(actor=ledger, period_id=march.pk, state="hard_locked", reason="x")
    response = client_for(ledger).post(reverse("accounting:entry_post", args=[entry.pk]))
    assert response.status_code == 409
    assert "Period 2026-03 of ORDO-BE is hard-locked: nothing can be posted into it." in _text(
        response
    )


def test_an_auditor_reads_entries_without_post_or_reverse_buttons(
    ledger, company_be, draft, personas, client_for
):
    posted = _post_capital(ledger, company_be)
    pending = draft()
    client = client_for(personas["auditor"])
    for entry in (posted, pending):
        page = client.get(reverse("accounting:entry_detail", args=[entry.pk]))
        assert page.status_code == 200
        assert ">Post</button>" not in page.content.decode()
        assert ">Reverse</button>" not in page.content.decode()
    assert "New entry" not in _text(client.get(reverse("accounting:entry_list")))
    assert client.get(reverse("accounting:entry_create")).status_code == 403
    refused = client.post(reverse("accounting:entry_post", args=[pending.pk]))
    assert refused.status_code == 403


def test_another_companys_entry_answers_404(ledger, company_be, company_nl, make_user, client_for):
    entry = _post_capital(ledger, company_be)
    outsider = client_for(make_user("accountant", company_nl, username="nl-accountant"))
    assert outsider.get(reverse("accounting:entry_detail", args=[entry.pk])).status_code == 404
    assert outsider.post(reverse("accounting:entry_post", args=[entry.pk])).status_code == 404
    reverse_url = reverse("accounting:entry_reverse", args=[entry.pk])
    response = outsider.post(reverse_url, {"reversal_date": "2026-01-31", "reason": "x"})
    assert response.status_code == 404
    assert not JournalEntry.objects.filter(reversal_of=entry).exists()
    listed = outsider.get(reverse("accounting:entry_list"))
    assert "BNK1/2026-00001" not in _text(listed)


# --------------------------------------------------------------------------- periods


def test_period_page_shows_states_buttons_and_draft_warnings(ledger, draft, client_for):
    draft()
    draft(amount="20.00")
    draft(day=dt.date(2026, 4, 1))

    response = client_for(ledger).get(reverse("accounting:period_list"))

    assert response.status_code == 200
    rows = _rows(response, "books-periods")
    assert len(rows) == 12
    assert rows[0][:4] == ["2026-01", "2026-01-01 – 2026-01-31", "open", ""]
    assert rows[2][:4] == ["2026-03", "2026-03-01 – 2026-03-31", "open", "2 draft entries"]
    assert rows[3][3] == "1 draft entry"
    assert rows[2][4] == "Soft-lock Hard-lock"
    text = _text(response)
    assert "Fiscal year 2026 2026-01-01 – 2026-12-31" in text
    assert "Close the year" in text
    assert "New fiscal year" in text


def test_soft_lock_then_hard_lock_with_reasons_then_reopen_is_refused(ledger, client_for):
    client = client_for(ledger)
    march = Period.objects.get(name="2026-03")
    url = reverse("accounting:period_state", args=[march.pk])

    response = client.post(url, {"state": "soft_locked", "reason": "VAT return filed"})

    assert response.status_code == 302
    assert response.url == reverse("accounting:period_list") + f"#period-{march.pk}"
    page = client.get(response.url)
    assert "Period 2026-03 soft-locked." in _text(page)
    row = _rows(page, "books-periods")[2]
    assert row[2] == "soft-locked"
    assert row[4] == "Hard-lock Reopen"

    client.post(url, {"state": "hard_locked", "reason": "Books of Q1 final"})

    march.refresh_from_db()
    assert march.state == "hard_locked"
    audit = AuditEntry.objects.filter(
        target_id=str(march.pk), action__startswith="accounting.period."
    )
    assert list(audit.order_by("id").values_list("action", "reason")) == [
        ("accounting.period.soft_locked", "VAT return filed"),
        ("accounting.period.hard_locked", "Books of Q1 final"),
    ]
    page = client.get(reverse("accounting:period_list"))
    row = _rows(page, "books-periods")[2]
    assert row[2] == "hard-locked"
    assert row[4] == "Final"
    assert "Period 2026-03 hard-locked." in _text(page)

    refused = client.post(url, {"state": "open", "reason": "Forgot an invoice"})

    assert refused.status_code == 409
    assert (
        "Period 2026-03 of ORDO-BE cannot go from hard_locked to open "
        "(allowed from hard_locked: none)." in _text(refused)
    )
    march.refresh_from_db()
    assert march.state == "hard_locked"


def test_changing_a_period_state_needs_a_reason(ledger, client_for):
    march = Period.objects.get(name="2026-03")
    response = client_for(ledger).post(
        reverse("accounting:period_state", args=[march.pk]), {"state": "soft_locked"}
    )
    assert response.status_code == 422
    assert "Give a reason: it is kept in the audit trail." in _text(response)
    march.refresh_from_db()
    assert march.state == "open"


def test_period_buttons_are_hidden_without_the_lock_permission(ledger, personas, client_for):
    client = client_for(personas["auditor"])
    page = client.get(reverse("accounting:period_list"))
    assert page.status_code == 200
    assert "Soft-lock</button>" not in page.content.decode()
    assert "Close the year" not in _text(page)
    assert "New fiscal year" not in _text(page)
    march = Period.objects.get(name="2026-03")
    response = client.post(
        reverse("accounting:period_state", args=[march.pk]),
        {"state": "soft_locked", "reason": "x"},
    )
    assert response.status_code == 403


def test_another_companys_period_answers_404(ledger, company_nl, make_user, client_for):
    outsider = client_for(make_user("accountant", company_nl, username="nl-accountant"))
    march = Period.objects.get(name="2026-03")
    response = outsider.post(
        reverse("accounting:period_state", args=[march.pk]), {"state": "soft_locked", "reason": "x"}
    )
    assert response.status_code == 404
    year = march.fiscal_year
    assert outsider.post(reverse("accounting:fiscal_year_close", args=[year.pk])).status_code == 404


def test_closing_the_year_shows_the_closing_entry_and_a_second_close_is_refused(year, client_for):
    client = client_for(year.accountant)
    fiscal_year = Period.objects.get(name="2026-03").fiscal_year
    url = reverse("accounting:fiscal_year_close", args=[fiscal_year.pk])

    response = client.post(url, follow=True)

    assert response.status_code == 200
    text = _text(response)
    assert "Year-end closing 2026: closing entry MISC/2026-00001 posted." in text
    assert "Closed by MISC/2026-00001 on 2026-12-31" in text
    assert "Close the year" not in text
    closing_entry = JournalEntry.objects.get(number="MISC/2026-00001")
    assert closing_entry.reference == "CLOSE/2026"

    again = client.post(url)

    assert again.status_code == 409
    assert (
        "Fiscal year 2026 of ORDO-BE is already closed by MISC/2026-00001 of 2026-12-31."
        in _text(again)
    )
    assert JournalEntry.objects.filter(reference="CLOSE/2026").count() == 1


def test_closing_a_year_without_result_is_refused_inline(ledger, client_for):
    fiscal_year = Period.objects.get(name="2026-03").fiscal_year
    response = client_for(ledger).post(
        reverse("accounting:fiscal_year_close", args=[fiscal_year.pk])
    )
    assert response.status_code == 409
    assert (
        "Fiscal year 2026 of ORDO-BE has no income or expense balance up to 2026-12-31: "
        "there is nothing to close." in _text(response)
    )


def test_a_new_fiscal_year_is_created_and_an_overlap_refused(ledger, client_for):
    client = client_for(ledger)
    page = client.get(reverse("accounting:period_list"))
    assert 'value="2027-01-01"' in page.content.decode()  # the next year is proposed

    response = client.post(
        reverse("accounting:fiscal_year_create"),
        {"start_date": "2027-01-01", "end_date": "2027-12-31", "name": ""},
        follow=True,
    )

    assert response.status_code == 200
    text = _text(response)
    assert "Fiscal year 2027 created with its monthly periods." in text
    assert text.index("Fiscal year 2027") < text.index("Fiscal year 2026")  # newest first
    assert Period.objects.filter(fiscal_year__name="2027").count() == 12

    overlap = client.post(
        reverse("accounting:fiscal_year_create"),
        {"start_date": "2027-06-01", "end_date": "2028-05-31", "name": ""},
    )
    assert overlap.status_code == 409
    assert (
        "Fiscal year 2027-06-01 – 2028-05-31 overlaps fiscal year 2027 "
        "(2027-01-01 – 2027-12-31) of ORDO-BE." in _text(overlap)
    )


# --------------------------------------------------------------------------- reports


def _report(client, slug, **params):
    return client.get(reverse("accounting:report_view", args=[slug]), params)


def test_report_index_lists_the_seven_reports(ledger, client_for):
    response = client_for(ledger).get(reverse("accounting:report_index"))
    assert response.status_code == 200
    titles = [
        h.text_content()
        for h in lxml_html.fromstring(response.content.decode()).xpath(
            f"//a[{_has_class('books-report-tile')}]/h2"
        )
    ]
    assert titles == [
        "Trial balance",
        "General ledger",
        "Profit and loss",
        "Balance sheet",
        "Aged receivables",
        "Aged payables",
        "VAT report",
    ]


def test_trial_balance_page(year, client_for):
    response = _report(
        client_for(year.accountant), "trial-balance", date_from="2026-01-01", as_of="2026-05-31"
    )
    assert response.status_code == 200
    text = _text(response)
    assert "ORDO-BE · Ordo Distribution Belgium NV · 2026-01-01 to 2026-05-31" in text
    assert "The trial balance balances: debits 10,968.00 = credits 10,968.00 EUR. Balanced" in text
    assert _rows(response) == [
        ["1000", "Share capital", "equity", "0.00", "0.00", "10,000.00", "-10,000.00"],
        ["4000", "Trade receivables", "asset", "0.00", "605.00", "0.00", "605.00"],
        ["4100", "VAT recoverable on purchases", "asset", "0.00", "63.00", "0.00", "63.00"],
        ["4400", "Trade payables", "liability", "0.00", "0.00", "363.00", "-363.00"],
        ["4500", "VAT due on sales", "liability", "0.00", "0.00", "105.00", "-105.00"],
        ["5500", "Main bank account", "asset", "0.00", "10,000.00", "0.00", "10,000.00"],
        ["6000", "Cost of goods sold", "expense", "0.00", "300.00", "0.00", "300.00"],
        ["7000", "Sales of goods", "income", "0.00", "0.00", "500.00", "-500.00"],
        ["", "Total", "", "0.00", "10,968.00", "10,968.00", "0.00"],
    ]
    assert '<tr class="books-grand"><td></td><td>Total</td>' in response.content.decode()
    assert '<td class="num">10,968.00</td>' in response.content.decode()


def test_trial_balance_defaults_to_the_current_fiscal_year(year, client_for, monkeypatch):
    monkeypatch.setattr(views_books, "_today", lambda: dt.date(2026, 5, 20))
    response = _report(client_for(year.accountant), "trial-balance")
    assert response.status_code == 200
    assert "2026-01-01 to 2026-05-20" in _text(response)
    html = response.content.decode()
    assert 'name="date_from" value="2026-01-01"' in html
    assert 'name="as_of" value="2026-05-20"' in html


def test_general_ledger_page_for_one_account(year, client_for):
    response = _report(
        client_for(year.accountant),
        "general-ledger",
        date_from="2026-01-01",
        date_to="2026-12-31",
        accounts="4000",
    )
    assert response.status_code == 200
    assert _rows(response) == [
        ["4000 · Trade receivables"],
        ["", "", "", "Opening balance", "", "", "", "0.00"],
        [
            "2026-03-10",
            "SAL/2026-00001",
            "SAL",
            "Invoice INV/2026-00001",
            "Acme Retail BV",
            "605.00",
            "0.00",
            "605.00",
        ],
        ["", "", "", "Closing balance", "", "605.00", "0.00", "605.00"],
    ]
    unknown = _report(
        client_for(year.accountant),
        "general-ledger",
        date_from="2026-01-01",
        date_to="2026-12-31",
        partner="NOPE",
    )
    assert unknown.status_code == 422
    assert "Partner NOPE not found." in _text(unknown)
    by_partner = _report(
        client_for(year.accountant),
        "general-ledger",
        date_from="2026-01-01",
        date_to="2026-12-31",
        partner="S-FAB",
    )
    assert [r[0] for r in _rows(by_partner) if len(r) == 1] == [
        "4100 · VAT recoverable on purchases",
        "4400 · Trade payables",
        "6000 · Cost of goods sold",
    ]


def test_profit_and_loss_page(year, client_for):
    response = _report(
        client_for(year.accountant), "profit-and-loss", date_from="2026-01-01", date_to="2026-12-31"
    )
    assert response.status_code == 200
    assert "Profit: 200.00 EUR." in _text(response)
    assert _rows(response) == [
        ["Income"],
        ["7000", "Sales of goods", "500.00"],
        ["", "Total income", "500.00"],
        ["Expense"],
        ["6000", "Cost of goods sold", "300.00"],
        ["", "Total expense", "300.00"],
        ["", "Net result", "200.00"],
    ]
    html = response.content.decode()
    assert '<tr class="books-total"><td></td><td>Total income</td>' in html
    assert '<tr class="books-grand"><td></td><td>Net result</td>' in html


def test_balance_sheet_page(year, client_for):
    response = _report(client_for(year.accountant), "balance-sheet", as_of="2026-05-31")
    assert response.status_code == 200
    assert "Assets = Liabilities + Equity: 10,668.00 = 468.00 + 10,200.00 EUR Balanced" in _text(
        response
    )
    assert _rows(response) == [
        ["Assets"],
        ["4000", "Trade receivables", "605.00"],
        ["4100", "VAT recoverable on purchases", "63.00"],
        ["5500", "Main bank account", "10,000.00"],
        ["", "Total assets", "10,668.00"],
        ["Liabilities"],
        ["4400", "Trade payables", "363.00"],
        ["4500", "VAT due on sales", "105.00"],
        ["", "Total liabilities", "468.00"],
        ["Equity"],
        ["1000", "Share capital", "10,000.00"],
        ["", "Result of the current year", "200.00"],
        ["", "Total equity", "10,200.00"],
        ["", "Total liabilities and equity", "10,668.00"],
    ]


def test_aged_receivables_and_payables_pages(year, client_for):
    client = client_for(year.accountant)
    receivables = _report(client, "aged-receivables", as_of="2026-05-20")
    assert receivables.status_code == 200
    text = _text(receivables)
    assert "Aged receivables" in text
    assert "Total open: 605.00 EUR." in text
    assert _rows(receivables) == [
        ["C-ACME", "Acme Retail BV", "0.00", "302.50", "302.50", "0.00", "0.00", "605.00"],
        ["", "Total", "0.00", "302.50", "302.50", "0.00", "0.00", "605.00"],
    ]
    payables = _report(client, "aged-payables", as_of="2026-05-20")
    assert payables.status_code == 200
    assert _rows(payables) == [
        ["S-FAB", "Fabrika GmbH", "0.00", "0.00", "363.00", "0.00", "0.00", "363.00"],
        ["", "Total", "0.00", "0.00", "363.00", "0.00", "0.00", "363.00"],
    ]


def test_tax_report_page(year, client_for):
    response = _report(
        client_for(year.accountant), "tax", date_from="2026-01-01", date_to="2026-12-31"
    )
    assert response.status_code == 200
    assert "Net VAT payable: 42.00 EUR." in _text(response)
    assert _rows(response) == [
        ["VAT21-P", "VAT 21 % (purchases)", "purchase", "S", "21 %", "300.00", "63.00"],
        ["VAT21", "VAT 21 %", "sale", "S", "21 %", "500.00", "105.00"],
        ["", "Output VAT (sales)", "", "", "", "500.00", "105.00"],
        ["", "Input VAT (purchases)", "", "", "", "300.00", "63.00"],
        ["", "Net VAT payable", "", "", "", "", "42.00"],
    ]


def test_report_downloads_are_csv_and_xlsx_attachments(year, client_for):
    client = client_for(year.accountant)
    params = {"date_from": "2026-01-01", "as_of": "2026-05-31"}

    csv_file = _report(client, "trial-balance", **params, format="csv")

    assert csv_file.status_code == 200
    assert csv_file["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_file["Content-Disposition"] == (
        'attachment; filename="ORDO-BE-trial-balance-2026-01-01_to_2026-05-31.csv"'
    )
    lines = csv_file.content.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Account,Name,Type,Opening,Debit,Credit,Closing"
    assert lines[1] == "1000,Share capital,equity,0.00,0.00,10000.00,-10000.00"
    assert lines[9] == ",Total,,0.00,10968.00,10968.00,0.00"

    xlsx_file = _report(client, "balance-sheet", as_of="2026-05-31", format="xlsx")

    assert xlsx_file.status_code == 200
    assert xlsx_file["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert xlsx_file["Content-Disposition"] == (
        'attachment; filename="ORDO-BE-balance-sheet-as_of_2026-05-31.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(xlsx_file.content)).active
    assert sheet["A1"].value == (
        "ORDO-BE Ordo Distribution Belgium NV — Balance sheet — as of 2026-05-31"
    )
    assert [c.value for c in sheet[2]] == ["Section", "Account", "Name", "Amount"]

    page = _report(client, "trial-balance", **params)
    html = page.content.decode()
    assert "?date_from=2026-01-01&amp;as_of=2026-05-31&amp;format=csv" in html
    assert ">Download Excel</a>" in html


def test_report_dates_in_the_wrong_order_are_refused_inline(year, client_for):
    response = _report(
        client_for(year.accountant), "profit-and-loss", date_from="2026-06-01", date_to="2026-05-31"
    )
    assert response.status_code == 422
    assert "The report starts on 2026-06-01, after its end 2026-05-31." in _text(response)
    missing = _report(client_for(year.accountant), "balance-sheet", as_of="")
    assert missing.status_code == 422
    assert "This field is required." in _text(missing)


def test_unknown_report_answers_404(ledger, client_for):
    assert _report(client_for(ledger), "cash-flow").status_code == 404


def test_reports_need_report_view(ledger, personas, client_for):
    sales_rep = client_for(personas["sales_rep"])
    assert sales_rep.get(reverse("accounting:report_index")).status_code == 403
    for spec in views_books.REPORT_SPECS:
        assert _report(sales_rep, spec.slug).status_code == 403
        assert _report(sales_rep, spec.slug, format="csv").status_code == 403
    # a credit controller runs reports without seeing the ledger (calendar-year defaults)
    controller = client_for(personas["credit_controller"])
    assert _report(controller, "aged-receivables").status_code == 200


def test_reports_show_only_the_current_company(year, company_nl, make_user, client_for):
    outsider = client_for(make_user("accountant", company_nl, username="nl-accountant"))
    response = _report(outsider, "trial-balance", date_from="2026-01-01", as_of="2026-12-31")
    assert response.status_code == 200
    assert _rows(response) == [["", "Total", "", "0.00", "0.00", "0.00", "0.00"]]
    assert "ORDO-NL" in _text(response)


def test_a_draft_with_more_lines_than_the_form_keeps_them_all(ledger, company_be, client_for):
    lines = [LineInput(account_code="6110", debit=D("10.00"), label=f"Part {n}") for n in range(11)]
    lines.append(LineInput(account_code="5500", credit=D("110.00")))
    entry = services.create_journal_entry(
        actor=ledger, company=company_be, journal_code="MISC", entry_date=MARCH_15, lines=lines
    )
    client = client_for(ledger)
    page = client.get(reverse("accounting:entry_edit", args=[entry.pk]))
    data = {
        field.name: field.value or ""
        for field in lxml_html.fromstring(page.content).xpath("//input | //select")
        if field.name and field.name != "csrfmiddlewaretoken"
    }
    data |= {"action": "draft", "label": "Split rent"}
    response = client.post(reverse("accounting:entry_edit", args=[entry.pk]), data)
    assert response.status_code == 302, _text(response)
    entry.refresh_from_db()
    assert (entry.label, entry.lines.count()) == ("Split rent", 12)
