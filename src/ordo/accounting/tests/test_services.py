import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from ordo.accounting import selectors, services
from ordo.accounting.checks import INTEGRITY_CHECKS
from ordo.accounting.models import (
    Account,
    EntryState,
    Journal,
    JournalEntry,
    JournalLine,
    Period,
    PeriodState,
)
from ordo.accounting.services import LineInput
from ordo.core.errors import DomainError
from ordo.core.models import AuditEntry, SequenceCounter

from .conftest import MARCH_15, sale_lines

pytestmark = pytest.mark.django_db


def _period(company, name):
    return Period.objects.get(company=company, name=name)


def _lock(actor, company, name, state):
    return services.set_period_state(
        actor=actor, period_id=_period(company, name).pk, state=state, reason="month closed"
    )


# --------------------------------------------------------------------------- chart


def test_the_template_chart_installs_once(company_be, personas):
    accountant = personas["accountant"]
    first = services.install_chart(actor=accountant, company=company_be)
    assert (first.accounts_created, first.journals_created) == (90, 6)
    Account.objects.filter(company=company_be, code="6510").delete()

    second = services.install_chart(actor=accountant, company=company_be)

    assert (second.accounts_created, second.journals_created) == (1, 0)
    assert Account.objects.filter(company=company_be).count() == 90
    bank = Journal.objects.get(company=company_be, code="BNK1")
    assert bank.default_account.code == "5500"
    assert AuditEntry.objects.filter(action="accounting.account.created").count() == 91
    assert AuditEntry.objects.filter(action="accounting.journal.created").count() == 6


def test_installing_the_chart_needs_chart_manage(company_be, personas):
    with pytest.raises(DomainError) as exc:
        services.install_chart(actor=personas["manager"], company=company_be)
    assert exc.value.status == 403
    assert exc.value.message == (
        "manager may not do this in ORDO-BE: it needs the permission accounting.chart.manage "
        "(Keep the chart of accounts, journals and fiscal years)."
    )
    assert not Account.objects.exists()


def test_an_account_code_is_unique_per_company(ledger, company_be):
    account = services.create_account(
        actor=ledger, company=company_be, code="6999", name="Sundry costs", type="expense"
    )
    assert (account.type, account.role) == ("expense", "other")
    with pytest.raises(DomainError) as exc:
        services.create_account(
            actor=ledger, company=company_be, code="6000", name="Again", type="expense"
        )
    assert (exc.value.status, exc.value.code) == (409, "accounting.account_duplicate_code")
    assert exc.value.message == (
        "An account with code 6000 already exists in ORDO-BE: Cost of goods sold."
    )


def test_an_account_with_unknown_type_and_role_lists_both(ledger, company_be):
    with pytest.raises(DomainError) as exc:
        services.create_account(
            actor=ledger, company=company_be, code="6998", name="X", type="cost", role="misc"
        )
    assert exc.value.status == 422
    assert [e["field"] for e in exc.value.details["errors"]] == ["type", "role"]


# --------------------------------------------------------------------------- fiscal years


def test_a_fiscal_year_gets_twelve_open_periods(ledger, company_be):
    periods = list(Period.objects.filter(company=company_be).order_by("start_date"))
    assert [p.name for p in periods][:3] == ["2026-01", "2026-02", "2026-03"]
    assert len(periods) == 12
    assert {p.state for p in periods} == {PeriodState.OPEN}


def test_an_overlapping_fiscal_year_is_refused(ledger, company_be):
    with pytest.raises(DomainError) as exc:
        services.create_fiscal_year(
            actor=ledger,
            company=company_be,
            start_date=dt.date(2026, 7, 1),
            end_date=dt.date(2027, 6, 30),
        )
    assert (exc.value.status, exc.value.code) == (409, "accounting.fiscal_year_overlap")
    assert exc.value.message == (
        "Fiscal year 2026-07-01 – 2027-06-30 overlaps fiscal year 2026 "
        "(2026-01-01 – 2026-12-31) of ORDO-BE."
    )


def test_period_states_follow_the_table(ledger, company_be):
    period = _lock(ledger, company_be, "2026-03", PeriodState.SOFT_LOCKED)
    assert period.state == PeriodState.SOFT_LOCKED
    assert _lock(ledger, company_be, "2026-03", PeriodState.OPEN).state == PeriodState.OPEN
    assert (
        _lock(ledger, company_be, "2026-03", PeriodState.HARD_LOCKED).state
        == PeriodState.HARD_LOCKED
    )
    with pytest.raises(DomainError) as exc:
        _lock(ledger, company_be, "2026-03", PeriodState.OPEN)
    assert (exc.value.status, exc.value.code) == (409, "state.invalid_transition")
    assert exc.value.message == (
        "Period 2026-03 of ORDO-BE cannot go from hard_locked to open (allowed from "
        "hard_locked: none)."
    )
    audit = AuditEntry.objects.filter(action="accounting.period.hard_locked").get()
    assert (audit.reason, audit.changes) == ("month closed", {"state": ["open", "hard_locked"]})


def test_locking_a_period_needs_period_lock(ledger, company_be, personas):
    with pytest.raises(DomainError) as exc:
        _lock(personas["manager"], company_be, "2026-03", PeriodState.HARD_LOCKED)
    assert exc.value.status == 403


# --------------------------------------------------------------------------- entries


def test_a_draft_has_no_number_and_posting_numbers_it(draft, ledger):
    entry = draft()
    assert (entry.state, entry.number, entry.period.name) == ("draft", "", "2026-03")

    posted = services.post_journal_entry(actor=ledger, entry_id=entry.pk)

    assert (posted.state, posted.number) == (EntryState.POSTED, "SAL/2026-00001")
    assert posted.posted_by == ledger
    assert posted.posted_at is not None
    actions = list(
        AuditEntry.objects.filter(target_id=str(entry.pk), action__startswith="accounting.entry")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["accounting.entry.created", "accounting.entry.posted"]


def test_every_bad_line_is_listed_with_its_index(ledger, company_be):
    lines = [
        LineInput(account_code="4000", debit=Decimal("10.00"), credit=Decimal("10.00")),
        LineInput(account_code="9999", debit=Decimal("5.00")),
        LineInput(account_code="7000", credit=Decimal("-3.00")),
        LineInput(account_code="7000", credit=Decimal("1.005")),
        LineInput(account_code="7000"),
    ]
    with pytest.raises(DomainError) as exc:
        services.create_journal_entry(
            actor=ledger, company=company_be, journal_code="SAL", entry_date=MARCH_15, lines=lines
        )
    assert exc.value.status == 422
    errors = exc.value.details["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("lines.0", "accounting.line_one_side"),
        ("lines.1.account", "accounting.account_not_found"),
        ("lines.2.credit", "accounting.line_negative"),
        ("lines.3.credit", "accounting.line_precision"),
        ("lines.4", "accounting.line_one_side"),
    ]
    assert errors[1]["message"] == "Line 2: account 9999 not found in ORDO-BE."
    assert errors[3]["message"] == "Line 4: credit 1.005 has more than 2 decimals for EUR."
    assert errors[0]["message"] == (
        "Line 1: give a debit or a credit, exactly one of them above zero "
        "(got debit 10.00, credit 10.00)."
    )
    assert not JournalEntry.objects.exists()


def test_an_inactive_or_other_company_account_is_refused(ledger, company_be, company_nl):
    services.install_chart(actor=None, company=company_nl)
    Account.objects.filter(company=company_be, code="7000").update(is_active=False)
    with pytest.raises(DomainError) as exc:
        services.create_journal_entry(
            actor=ledger,
            company=company_be,
            journal_code="SAL",
            entry_date=MARCH_15,
            lines=sale_lines(),
        )
    assert exc.value.message == "Line 2: account 7000 Sales of goods is inactive in ORDO-BE."
    assert exc.value.details["field"] == "lines.1.account"


def test_an_unbalanced_entry_is_refused_naming_the_difference(draft, ledger):
    entry = draft("100.00", other="90.00")
    with pytest.raises(DomainError) as exc:
        services.post_journal_entry(actor=ledger, entry_id=entry.pk)
    assert (exc.value.status, exc.value.code) == (422, "accounting.unbalanced")
    assert exc.value.message == (
        "Journal entry of 2026-03-15 does not balance: debit 100.00 EUR, credit 90.00 EUR, "
        "difference 10.00 EUR."
    )
    entry.refresh_from_db()
    assert (entry.state, entry.number) == ("draft", "")


def test_a_failed_post_gives_no_number(draft, ledger, company_be):
    bad = draft("100.00", other="90.00")
    with pytest.raises(DomainError):
        services.post_journal_entry(actor=ledger, entry_id=bad.pk)
    good = services.post_journal_entry(actor=ledger, entry_id=draft().pk)
    assert good.number == "SAL/2026-00001"
    counter = SequenceCounter.objects.get(company=company_be, series="JE-SAL", year=2026)
    assert counter.last_value == 1


def test_posting_twice_is_refused(draft, ledger):
    entry = services.post_journal_entry(actor=ledger, entry_id=draft().pk)
    with pytest.raises(DomainError) as exc:
        services.post_journal_entry(actor=ledger, entry_id=entry.pk)
    assert (exc.value.status, exc.value.code) == (409, "state.invalid_transition")
    assert exc.value.message == (
        "Journal entry SAL/2026-00001 cannot go from posted to posted (allowed from posted: none)."
    )


def test_posting_without_a_period_is_refused(draft, ledger):
    entry = draft(day=dt.date(2027, 3, 15))
    with pytest.raises(DomainError) as exc:
        services.post_journal_entry(actor=ledger, entry_id=entry.pk)
    assert (exc.value.status, exc.value.code) == (409, "accounting.no_period")
    assert exc.value.message == "No open period for 2027-03-15 in ORDO-BE."


def test_nothing_posts_into_a_hard_locked_period(draft, ledger, company_be):
    entry = draft()
    _lock(ledger, company_be, "2026-03", PeriodState.HARD_LOCKED)
    with pytest.raises(DomainError) as exc:
        services.post_journal_entry(actor=ledger, entry_id=entry.pk)
    assert (exc.value.status, exc.value.code) == (409, "accounting.period_locked")
    assert exc.value.message == (
        "Period 2026-03 of ORDO-BE is hard-locked: nothing can be posted into it."
    )
    assert exc.value.details == {"period": "2026-03", "state": "hard_locked"}


def test_only_the_accountant_posts_into_a_soft_locked_period(draft, ledger, company_be, make_user):
    from ordo.governance.models import Role

    # A bookkeeper: may post, but not into a soft-locked period.
    role = Role.objects.create(code="bookkeeper", name="Bookkeeper")
    role.permissions.set(
        role.permissions.model.objects.filter(
            code__in=["accounting.entry.post", "accounting.ledger.view"]
        )
    )
    bookkeeper = make_user("bookkeeper", company_be, username="bookkeeper")
    first, second = draft(), draft()
    _lock(ledger, company_be, "2026-03", PeriodState.SOFT_LOCKED)

    with pytest.raises(DomainError) as exc:
        services.post_journal_entry(actor=bookkeeper, entry_id=first.pk)
    assert (exc.value.status, exc.value.code) == (409, "accounting.period_locked")
    assert exc.value.message == (
        "Period 2026-03 of ORDO-BE is soft-locked: only a user with "
        "accounting.period.post_soft_locked may post into it."
    )
    assert services.post_journal_entry(actor=ledger, entry_id=second.pk).number == (
        "SAL/2026-00001"
    )


def test_posting_needs_entry_post(draft, personas):
    entry = draft()
    with pytest.raises(DomainError) as exc:
        services.post_journal_entry(actor=personas["auditor"], entry_id=entry.pk)
    assert exc.value.status == 403
    assert exc.value.details == {"permission": "accounting.entry.post"}


def test_creating_needs_entry_create(ledger, company_be, personas):
    with pytest.raises(DomainError) as exc:
        services.create_journal_entry(
            actor=personas["sales_rep"],
            company=company_be,
            journal_code="SAL",
            entry_date=MARCH_15,
            lines=sale_lines(),
        )
    assert exc.value.status == 403


def test_another_companys_entry_is_not_found(draft, company_nl, make_user):
    entry = draft()
    outsider = make_user("accountant", company_nl, username="nl-accountant")
    with pytest.raises(DomainError) as exc:
        services.post_journal_entry(actor=outsider, entry_id=entry.pk)
    assert (exc.value.status, exc.value.message) == (404, f"Journal entry {entry.pk} not found.")
    with pytest.raises(DomainError) as exc:
        selectors.get_entry(outsider, entry.pk)
    assert (exc.value.status, exc.value.code) == (404, "accounting.entry_not_found")


def test_numbers_are_gapless_per_journal_and_year(draft, ledger, company_be):
    services.create_fiscal_year(
        actor=ledger,
        company=company_be,
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 12, 31),
    )
    numbers = [
        services.post_journal_entry(actor=ledger, entry_id=draft(journal=j, day=d).pk).number
        for j, d in [
            ("SAL", MARCH_15),
            ("SAL", MARCH_15),
            ("MISC", MARCH_15),
            ("SAL", dt.date(2027, 1, 5)),
            ("SAL", dt.date(2026, 12, 31)),
        ]
    ]
    assert numbers == [
        "SAL/2026-00001",
        "SAL/2026-00002",
        "MISC/2026-00001",
        "SAL/2027-00001",
        "SAL/2026-00003",
    ]


def test_a_posted_entry_is_never_edited(draft, ledger):
    entry = services.post_journal_entry(actor=ledger, entry_id=draft().pk)
    with pytest.raises(DomainError) as exc:
        services.update_journal_entry(
            actor=ledger, entry_id=entry.pk, entry_date=MARCH_15, lines=sale_lines("5.00")
        )
    assert (exc.value.status, exc.value.code) == (409, "accounting.entry_posted")
    assert exc.value.message == (
        "Journal entry SAL/2026-00001 is posted and cannot be changed: reverse it instead."
    )
    assert sorted(JournalLine.objects.filter(entry=entry).values_list("debit", flat=True)) == [
        Decimal("0.00"),
        Decimal("100.00"),
    ]


def test_a_draft_can_be_changed(draft, ledger):
    entry = services.update_journal_entry(
        actor=ledger,
        entry_id=draft().pk,
        entry_date=dt.date(2026, 4, 2),
        lines=sale_lines("5.00"),
        label="Corrected",
    )
    assert (entry.period.name, entry.label) == ("2026-04", "Corrected")
    assert sorted(JournalLine.objects.filter(entry=entry).values_list("credit", flat=True)) == [
        Decimal("0.00"),
        Decimal("5.00"),
    ]


def test_a_reversal_swaps_debit_and_credit(draft, ledger):
    original = services.post_journal_entry(actor=ledger, entry_id=draft().pk)

    reversal = services.reverse_journal_entry(
        actor=ledger, entry_id=original.pk, reversal_date=dt.date(2026, 4, 1), reason="Wrong"
    )

    assert (reversal.state, reversal.number, reversal.reversal_of_id) == (
        "posted",
        "SAL/2026-00002",
        original.pk,
    )
    assert reversal.label == "Reversal of SAL/2026-00001: Wrong"
    assert list(
        JournalLine.objects.filter(entry=reversal)
        .order_by("id")
        .values_list("account__code", "debit", "credit")
    ) == [("4000", Decimal("0.00"), Decimal("100.00")), ("7000", Decimal("100.00"), Decimal(0))]
    assert AuditEntry.objects.filter(
        action="accounting.entry.reversed", target_id=str(original.pk), reason="Wrong"
    ).exists()
    with pytest.raises(DomainError) as exc:
        services.reverse_journal_entry(
            actor=ledger, entry_id=original.pk, reversal_date=dt.date(2026, 4, 1), reason="Again"
        )
    assert (exc.value.status, exc.value.code) == (409, "accounting.entry_already_reversed")
    assert exc.value.message == (
        "Journal entry SAL/2026-00001 was already reversed by SAL/2026-00002."
    )


def test_a_draft_cannot_be_reversed(draft, ledger):
    entry = draft()
    with pytest.raises(DomainError) as exc:
        services.reverse_journal_entry(
            actor=ledger, entry_id=entry.pk, reversal_date=MARCH_15, reason="x"
        )
    assert (exc.value.status, exc.value.code) == (409, "accounting.entry_not_posted")


def test_a_reversal_into_a_locked_period_is_refused_and_leaves_nothing(draft, ledger, company_be):
    original = services.post_journal_entry(actor=ledger, entry_id=draft().pk)
    _lock(ledger, company_be, "2026-04", PeriodState.HARD_LOCKED)
    with pytest.raises(DomainError) as exc:
        services.reverse_journal_entry(
            actor=ledger, entry_id=original.pk, reversal_date=dt.date(2026, 4, 1), reason="x"
        )
    assert exc.value.code == "accounting.period_locked"
    assert JournalEntry.objects.count() == 1


def test_post_entry_now_creates_and_posts_in_one_step(ledger, company_be):
    entry = services.post_entry_now(
        actor=ledger,
        company=company_be,
        journal_code="STK",
        entry_date=MARCH_15,
        lines=[
            LineInput(account_code="6000", debit=Decimal("40.00")),
            LineInput(account_code="3000", credit=Decimal("40.00")),
        ],
        reference="SHIP-1",
    )
    assert (entry.state, entry.number, entry.reference) == ("posted", "STK/2026-00001", "SHIP-1")


def test_post_entry_now_leaves_nothing_when_unbalanced(ledger, company_be):
    with pytest.raises(DomainError):
        services.post_entry_now(
            actor=ledger,
            company=company_be,
            journal_code="STK",
            entry_date=MARCH_15,
            lines=sale_lines("10.00", other="9.99"),
        )
    assert not JournalEntry.objects.exists()
    assert not JournalLine.objects.exists()


def test_a_thousand_line_entry_takes_a_bounded_number_of_queries(
    ledger, company_be, django_assert_max_num_queries
):
    lines = [
        LineInput(account_code="6100", debit=Decimal("1.25"), label=f"#{i}") for i in range(999)
    ]
    lines.append(LineInput(account_code="5500", credit=Decimal("1248.75")))
    with django_assert_max_num_queries(20):
        entry = services.create_journal_entry(
            actor=ledger,
            company=company_be,
            journal_code="BNK1",
            entry_date=MARCH_15,
            lines=lines,
        )
    with django_assert_max_num_queries(16):  # constant: no per-line query
        services.post_journal_entry(actor=ledger, entry_id=entry.pk)
    assert JournalLine.objects.filter(entry=entry).count() == 1000


def test_the_database_refuses_a_line_with_both_sides(draft):
    entry = draft()
    line = JournalLine.objects.filter(entry=entry).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalLine.objects.filter(pk=line.pk).update(debit=Decimal(5), credit=Decimal(5))


def test_the_database_refuses_a_posted_entry_without_number(draft):
    entry = draft()
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).update(state="posted")


def test_integrity_checks_pass_and_catch_an_unbalanced_posted_entry(ledger, company_be):
    # Cash sale (no receivable: a manual entry on a control account would be a breach).
    entry = services.post_entry_now(
        actor=ledger,
        company=company_be,
        journal_code="SAL",
        entry_date=MARCH_15,
        lines=[
            LineInput(account_code="5700", debit=Decimal("100.00")),
            LineInput(account_code="7000", credit=Decimal("100.00")),
        ],
    )
    assert all(check.__doc__ for check in INTEGRITY_CHECKS)
    assert [p for check in INTEGRITY_CHECKS for p in check()] == []
    JournalLine.objects.filter(entry=entry, credit__gt=0).update(credit=Decimal("90.00"))
    assert INTEGRITY_CHECKS[0]() == [
        "Journal entry SAL/2026-00001 of ORDO-BE does not balance: debit 100.00 EUR, "
        "credit 90.00 EUR."
    ]


def test_list_entries_filters_by_state_journal_and_date(draft, ledger, company_be):
    services.post_journal_entry(actor=ledger, entry_id=draft().pk)
    draft(day=dt.date(2026, 5, 1), journal="MISC")
    qs = selectors.list_entries
    assert qs(ledger, company_be).count() == 2
    assert qs(ledger, company_be, state="posted").count() == 1
    assert qs(ledger, company_be, journal="MISC").count() == 1
    assert qs(ledger, company_be, date_from=dt.date(2026, 4, 1)).count() == 1
    assert qs(ledger, company_be, date_to=dt.date(2026, 4, 1)).count() == 1
