"""Signing in and seeing only what the role allows."""

import pytest

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_auditor_signs_in_and_sees_the_audit_trail_but_not_the_import(
    page, personas, screenshot
):
    log_in(page, "auditor", "ordo-test-pw")
    assert page.get_by_test_id("username").inner_text() == "auditor"
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Audit trail").count() == 1
    assert nav.get_by_role("link", name="Import").count() == 0
    assert nav.get_by_role("link", name="Products").count() == 1
    screenshot("home-auditor")


def test_a_wrong_password_is_refused_with_a_message(page, personas):
    page.goto("/login/")
    page.get_by_label("Username").fill("sales_rep")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    assert "correct username and password" in page.get_by_role("alert").inner_text()


def test_the_menu_follows_the_role(page, personas):
    log_in(page, "sales_rep", "ordo-test-pw")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Customers").count() == 1
    assert nav.get_by_role("link", name="Audit trail").count() == 0
    assert nav.get_by_role("link", name="Import").count() == 0
