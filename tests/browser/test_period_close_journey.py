"""The accountant closes the books: posts an entry (after an unbalanced try), soft-locks
March with a reason, checks the trial balance of the year and downloads it, closes the year."""

import datetime as dt

import pytest

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ledger(personas, company_be):
    """ORDO-BE with the template chart and fiscal year 2026."""
    from ordo.accounting import services

    accountant = personas["accountant"]
    services.install_chart(actor=accountant, company=company_be)
    services.create_fiscal_year(
        actor=accountant,
        company=company_be,
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
    )
    return accountant


def test_accountant_posts_locks_march_checks_the_trial_balance_and_closes_the_year(
    page, ledger, screenshot
):
    from ordo.accounting.models import Period

    menu = page.get_by_role("navigation", name="Main")

    # 1. The accountant drafts March's rent; the credit is mistyped and posting is refused.
    log_in(page, "accountant", "ordo-test-pw")
    menu.get_by_role("link", name="Journal entries").click()
    page.get_by_role("link", name="New entry").click()
    page.select_option("select[name=journal]", "MISC")
    page.fill("input[name=entry_date]", "2026-03-15")
    page.fill("input[name=reference]", "RENT-03")
    page.fill("input[name=label]", "Office rent March")
    page.select_option("select[name=line0_account]", "6110")
    page.fill("input[name=line0_debit]", "100.00")
    page.select_option("select[name=line1_account]", "5500")
    page.fill("input[name=line1_credit]", "90.00")
    page.get_by_role("button", name="Save and post").click()
    error = page.get_by_text(
        "Journal entry of 2026-03-15 does not balance: debit 100.00 EUR, credit 90.00 EUR, "
        "difference 10.00 EUR."
    )
    error.wait_for()
    assert page.input_value("input[name=label]") == "Office rent March"
    screenshot("books-entry-unbalanced")

    # 2. They correct the credit and post: the entry gets its number.
    page.fill("input[name=line1_credit]", "100.00")
    page.get_by_role("button", name="Save and post").click()
    page.get_by_text("Journal entry MISC/2026-00001 posted.").wait_for()
    assert page.get_by_role("heading", level=1).inner_text() == "Journal entry MISC/2026-00001"

    # 3. On the period page they soft-lock March, giving the reason.
    menu.get_by_role("link", name="Periods and closing").click()
    march = Period.objects.get(name="2026-03")
    row = page.locator(f"#period-{march.pk}")
    row.get_by_label("Reason for 2026-03").fill("VAT return Q1 filed")
    row.get_by_role("button", name="Soft-lock").click()
    page.get_by_text("Period 2026-03 soft-locked.").wait_for()
    assert page.locator(f"#period-{march.pk} [data-testid=state-2026-03]").inner_text() == (
        "soft-locked"
    )
    march.refresh_from_db()
    assert march.state == "soft_locked"
    screenshot("books-periods-march-soft-locked")

    # 4. They open the trial balance for the whole year: it balances.
    menu.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Trial balance").click()
    page.fill("input[name=date_from]", "2026-01-01")
    page.fill("input[name=as_of]", "2026-12-31")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/reports/trial-balance/?date_from=2026-01-01&as_of=2026-12-31")
    check = page.get_by_test_id("report-check")
    assert check.inner_text() == (
        "The trial balance balances: debits 100.00 = credits 100.00 EUR. Balanced"
    )
    rows = page.locator("table.books-report tbody tr")
    assert [rows.nth(i).inner_text().split("\t") for i in range(rows.count())] == [
        ["5500", "Main bank account", "asset", "0.00", "0.00", "100.00", "-100.00"],
        ["6110", "Office rent", "expense", "0.00", "100.00", "0.00", "100.00"],
        ["", "Total", "", "0.00", "100.00", "100.00", "0.00"],
    ]
    screenshot("books-trial-balance-2026")

    # 5. They download it as CSV.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename == "ORDO-BE-trial-balance-2026-01-01_to_2026-12-31.csv"
    with open(download.path(), encoding="utf-8-sig") as handle:
        assert handle.read().splitlines() == [
            "Account,Name,Type,Opening,Debit,Credit,Closing",
            "5500,Main bank account,asset,0.00,0.00,100.00,-100.00",
            "6110,Office rent,expense,0.00,100.00,0.00,100.00",
            ",Total,,0.00,100.00,100.00,0.00",
        ]

    # 6. Back on the period page they close the year, confirming the dialog.
    menu.get_by_role("link", name="Periods and closing").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Close the year").click()
    page.get_by_text("Year-end closing 2026: closing entry MISC/2026-00002 posted.").wait_for()
    assert page.get_by_test_id("closed-2026").inner_text() == (
        "Closed by MISC/2026-00002 on 2026-12-31"
    )
    assert page.get_by_role("button", name="Close the year").count() == 0
    screenshot("books-year-closed")
