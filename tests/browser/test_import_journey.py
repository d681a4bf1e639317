"""The master-data owner imports customers: every bad row is listed, nothing is written, then it works."""

import pytest

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_bad_customer_file_lists_every_problem_and_a_fixed_one_imports(
    page, personas, tmp_path, screenshot
):
    from ordo.partners.models import Partner

    bad = tmp_path / "customers.csv"
    bad.write_text(
        "code,name,vat_number,street,city,country\n"
        "ALPHA-FOODS,Alpha Foods,BE0403019261,Rue Haute 1,Brussels,BE\n"
        "BETA-DRINKS,Beta Drinks,BE0000000000,Meir 2,Antwerp,BE\n"
        "GAMMA-MARKT,,NL004495445B01,Markt 3,Utrecht,NL\n"
    )
    log_in(page, "master_data_owner", "ordo-test-pw")
    page.goto("/imports/")
    page.select_option("select[name=kind]", "customers")
    page.set_input_files("input[name=file]", str(bad))
    page.get_by_role("button", name="Import").click()

    page.get_by_test_id("import-failure").wait_for()
    assert "Nothing was imported." in page.get_by_test_id("import-failure").inner_text()
    rows = page.get_by_test_id("import-errors").locator("tbody tr")
    problems = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert problems == [
        "3\tvat_number\tBE0000000000 is not a valid VAT number (the number has an invalid format).",
        "4\tname\tName is required.",
    ]
    assert Partner.objects.count() == 0
    screenshot("import-errors")

    good = tmp_path / "customers-fixed.csv"
    good.write_text(
        "code,name,vat_number,street,city,country\n"
        "ALPHA-FOODS,Alpha Foods,BE0403019261,Rue Haute 1,Brussels,BE\n"
        "BETA-DRINKS,Beta Drinks,BE0460976365,Meir 2,Antwerp,BE\n"
        "GAMMA-MARKT,Gamma Markt,NL004495445B01,Markt 3,Utrecht,NL\n"
    )
    page.select_option("select[name=kind]", "customers")
    page.set_input_files("input[name=file]", str(good))
    page.get_by_role("button", name="Import").click()
    page.get_by_test_id("created-count").wait_for()
    assert page.get_by_test_id("created-count").inner_text() == "3"
    assert "Imported 3 rows: 3 created, 0 updated." in page.content()
    assert sorted(Partner.objects.values_list("code", flat=True)) == [
        "ALPHA-FOODS",
        "BETA-DRINKS",
        "GAMMA-MARKT",
    ]
    screenshot("import-succeeded")
