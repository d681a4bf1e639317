"""Bank reconciliation matching (pure): which open items a statement line pays."""

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordo.accounting.matching import (
    BankLine,
    MatchSettings,
    OpenItem,
    PartnerHint,
    Suggestion,
    normalise_name,
    normalise_reference,
    suggest,
)
from ordo.core.errors import ValidationErrors

D = Decimal
MARCH_2 = dt.date(2026, 3, 2)
ACME = 7  # customer Acme Retail BV
BOLT = 8  # supplier Bolt Supplies GmbH


def line(
    id: int,
    amount: str,
    *,
    reference: str = "",
    description: str = "",
    name: str = "",
    account: str = "",
    currency: str = "EUR",
    booking_date: dt.date = MARCH_2,
) -> BankLine:
    return BankLine(id, booking_date, D(amount), currency, reference, description, name, account)


def invoice(
    id: int,
    number: str,
    amount: str,
    *,
    partner_id: int = ACME,
    partner_name: str = "Acme Retail BV",
    partner_reference: str = "",
    payment_reference: str = "",
    currency: str = "EUR",
    direction: int = 1,
    due_date: dt.date = dt.date(2026, 3, 31),
) -> OpenItem:
    return OpenItem(
        id,
        number,
        partner_id,
        partner_name,
        partner_reference,
        payment_reference,
        currency,
        D(amount),
        direction,
        due_date,
    )


def bill(id: int, number: str, amount: str, **fields) -> OpenItem:
    fields.setdefault("partner_id", BOLT)
    fields.setdefault("partner_name", "Bolt Supplies GmbH")
    return invoice(id, number, amount, direction=-1, **fields)


# --- normalising --------------------------------------------------------------------------


def test_normalise_reference_ignores_case_spaces_and_punctuation():
    assert normalise_reference("INV/2026-00042") == "inv202600042"
    assert normalise_reference(" inv 2026.00042+ ") == "inv202600042"
    assert normalise_reference("RF18 5390 0754 7034") == "rf18539007547034"


def test_normalise_reference_reduces_belgian_structured_reference_to_digits():
    assert normalise_reference("+++123/4567/89012+++") == "123456789012"
    assert normalise_reference("***123/4567/89012***") == "123456789012"


def test_normalise_name_strips_legal_forms_accents_and_punctuation():
    assert normalise_name("ACME RETAIL B.V.") == "acme retail"
    assert normalise_name("Acme Retail BV") == "acme retail"
    assert normalise_name("Bolt Supplies GmbH") == "bolt supplies"
    assert normalise_name("S.A. Société Générale") == "societe generale"
    assert normalise_name("Widget Works Ltd.") == "widget works"
    assert normalise_name("N.V.") == "nv"  # nothing but a legal form: kept


# --- rule 1: reference and amount ---------------------------------------------------------


def test_reference_and_amount_match_is_certain():
    items = [invoice(1, "INV/2026-00042", "121.00"), invoice(2, "INV/2026-00043", "121.00")]
    result = suggest([line(10, "121.00", reference="Invoice inv 2026-00042")], items)
    assert result == [
        Suggestion(
            line_id=10,
            rule="reference_amount",
            explanation=(
                "Reference 'INV/2026-00042' found in the payment text "
                "and the amount 121.00 equals its open amount."
            ),
            confidence=100,
            allocations=((1, D("121.00")),),
            writeoff=D("0"),
            partner_id=ACME,
        )
    ]


def test_belgian_structured_reference_matches_the_payment_reference():
    items = [invoice(1, "INV/2026-00042", "121.00", payment_reference="+++090/9337/55493+++")]
    (result,) = suggest([line(10, "121.00", reference="090933755493")], items)
    assert (result.rule, result.allocations) == ("reference_amount", ((1, D("121.00")),))
    assert result.explanation == (
        "Reference '+++090/9337/55493+++' (INV/2026-00042) found in the payment text "
        "and the amount 121.00 equals its open amount."
    )


def test_supplier_invoice_number_identifies_a_bill_we_pay():
    items = [bill(1, "BILL/2026-00007", "500.00", partner_reference="F-2026-118")]
    (result,) = suggest([line(10, "-500.00", description="Your invoice F 2026 118")], items)
    assert (result.rule, result.confidence, result.partner_id) == ("reference_amount", 100, BOLT)
    assert result.allocations == ((1, D("500.00")),)
    assert result.explanation == (
        "Reference 'F-2026-118' (BILL/2026-00007) found in the payment text "
        "and the amount 500.00 equals its open amount."
    )


def test_two_invoices_in_one_reference_are_paid_together():
    items = [invoice(1, "INV/2026-00042", "121.00"), invoice(2, "INV/2026-00043", "79.50")]
    (result,) = suggest([line(10, "200.50", reference="INV/2026-00042 + INV/2026-00043")], items)
    assert result.rule == "reference_amount"
    assert result.allocations == ((1, D("121.00")), (2, D("79.50")))
    assert result.explanation == (
        "References 'INV/2026-00042', 'INV/2026-00043' found in the payment text "
        "and the amount 200.50 equals the sum of their open amounts."
    )


def test_the_subset_of_referenced_invoices_that_adds_up_is_chosen():
    items = [
        invoice(1, "INV/2026-00041", "10.00"),
        invoice(2, "INV/2026-00042", "20.00"),
        invoice(3, "INV/2026-00043", "40.00"),
    ]
    text = "INV/2026-00041 INV/2026-00042 INV/2026-00043"
    (result,) = suggest([line(10, "50.00", description=text)], items)
    assert (result.rule, result.allocations) == (
        "reference_amount",
        ((1, D("10.00")), (3, D("40.00"))),
    )


def test_without_allow_multi_a_sum_of_invoices_is_not_suggested():
    items = [invoice(1, "INV/2026-00042", "121.00"), invoice(2, "INV/2026-00043", "79.50")]
    lines = [line(10, "200.50", reference="INV/2026-00042 INV/2026-00043")]
    assert suggest(lines, items, settings=MatchSettings(allow_multi=False)) == []


def test_a_number_inside_a_longer_number_is_not_a_reference():
    items = [invoice(1, "INV/2026-0004", "121.00")]
    assert suggest([line(10, "121.00", reference="INV/2026-00042")], items) == []


def test_direction_mismatch_is_not_matched():
    items = [bill(1, "BILL/2026-00007", "121.00", partner_name="Acme Retail BV")]
    lines = [line(10, "121.00", reference="BILL/2026-00007", name="Acme Retail BV")]
    assert suggest(lines, items) == []


def test_currency_mismatch_is_not_matched():
    items = [invoice(1, "INV/2026-00042", "121.00", currency="USD")]
    lines = [line(10, "121.00", reference="INV/2026-00042", name="Acme Retail BV")]
    assert suggest(lines, items) == []


def test_an_invoice_named_in_two_lines_goes_to_the_earlier_line():
    items = [invoice(1, "INV/2026-00042", "121.00")]
    lines = [
        line(10, "121.00", reference="INV/2026-00042", booking_date=dt.date(2026, 3, 5)),
        line(11, "121.00", reference="INV/2026-00042", booking_date=dt.date(2026, 3, 3)),
        line(12, "121.00", reference="INV/2026-00042", booking_date=dt.date(2026, 3, 3)),
    ]
    result = suggest(lines, items)
    assert [(s.line_id, s.allocations) for s in result] == [(11, ((1, D("121.00")),))]


def test_a_line_that_lost_its_invoice_falls_back_to_the_next_same_amount_invoice():
    items = [
        invoice(1, "INV/2026-00042", "121.00", due_date=dt.date(2026, 3, 1)),
        invoice(2, "INV/2026-00050", "121.00", due_date=dt.date(2026, 4, 1)),
    ]
    lines = [
        line(10, "121.00", reference="INV/2026-00042", booking_date=dt.date(2026, 3, 2)),
        line(11, "121.00", reference="INV/2026-00042", name="ACME RETAIL B.V."),
    ]
    first, second = suggest(lines, items)
    assert (first.line_id, first.rule, first.allocations) == (
        10,
        "reference_amount",
        ((1, D("121.00")),),
    )
    assert (second.line_id, second.rule, second.confidence, second.allocations) == (
        11,
        "partner_amount",
        60,
        ((2, D("121.00")),),
    )
    assert second.explanation == (
        "Counterparty 'ACME RETAIL B.V.' is Acme Retail BV and 2 of its open items are "
        "of 121.00; INV/2026-00050, due 2026-04-01, is the oldest still unmatched."
    )


# --- rule 2: partner and amount -----------------------------------------------------------


def test_partner_recognised_by_name_despite_legal_form():
    items = [invoice(1, "INV/2026-00042", "121.00"), invoice(2, "INV/2026-00043", "99.00")]
    (result,) = suggest([line(10, "121.00", name="ACME RETAIL B.V.")], items)
    assert result == Suggestion(
        line_id=10,
        rule="partner_amount",
        explanation=(
            "Counterparty 'ACME RETAIL B.V.' is Acme Retail BV "
            "and INV/2026-00042 is its only open item of 121.00."
        ),
        confidence=80,
        allocations=((1, D("121.00")),),
        writeoff=D("0"),
        partner_id=ACME,
    )


def test_partner_recognised_by_account():
    items = [bill(1, "BILL/2026-00007", "500.00")]
    hints = [PartnerHint(BOLT, ("Bolt",), ("DE89 3704 0044 0532 0130 00",))]
    lines = [line(10, "-500.00", name="BSG Payments", account="DE89370400440532013000")]
    (result,) = suggest(lines, items, partners=hints)
    assert (result.rule, result.confidence, result.partner_id) == ("partner_amount", 80, BOLT)
    assert result.explanation == (
        "Counterparty account DE89370400440532013000 belongs to Bolt Supplies GmbH "
        "and BILL/2026-00007 is its only open item of 500.00."
    )


def test_partner_recognised_when_its_name_is_inside_the_counterparty_name():
    items = [invoice(1, "INV/2026-00042", "121.00")]
    (result,) = suggest([line(10, "121.00", name="ACME RETAIL NV BRUSSELS BRANCH")], items)
    assert (result.rule, result.partner_id) == ("partner_amount", ACME)


def test_partner_recognised_from_a_name_the_bank_cut_short():
    items = [invoice(1, "INV/2026-00042", "121.00", partner_name="Acme Retail Benelux BV")]
    (result,) = suggest([line(10, "121.00", name="ACME RETAIL")], items)
    assert (result.rule, result.partner_id) == ("partner_amount", ACME)


def test_an_account_two_partners_share_falls_back_to_the_name():
    items = [invoice(1, "INV/2026-00042", "121.00")]
    hints = [
        PartnerHint(ACME, (), ("BE71 0961 2345 6769",)),
        PartnerHint(9, ("Factoring Co",), ("BE71096123456769",)),
    ]
    lines = [line(10, "121.00", name="Acme Retail", account="BE71096123456769")]
    (result,) = suggest(lines, items, partners=hints)
    assert result.explanation == (
        "Counterparty 'Acme Retail' is Acme Retail BV "
        "and INV/2026-00042 is its only open item of 121.00."
    )


def test_a_name_two_partners_share_recognises_nobody():
    items = [
        invoice(1, "INV/2026-00042", "121.00"),
        invoice(2, "INV/2026-00043", "121.00", partner_id=9, partner_name="Acme Retail SA"),
    ]
    assert suggest([line(10, "121.00", name="Acme Retail")], items) == []


def test_several_same_amount_invoices_take_the_oldest_with_lower_confidence():
    items = [
        invoice(1, "INV/2026-00050", "121.00", due_date=dt.date(2026, 4, 1)),
        invoice(2, "INV/2026-00042", "121.00", due_date=dt.date(2026, 3, 1)),
    ]
    (result,) = suggest([line(10, "121.00", name="Acme Retail")], items)
    assert (result.rule, result.confidence, result.allocations) == (
        "partner_amount",
        60,
        ((2, D("121.00")),),
    )
    assert result.explanation == (
        "Counterparty 'Acme Retail' is Acme Retail BV and 2 of its open items are of 121.00; "
        "INV/2026-00042, due 2026-03-01, is the oldest."
    )


# --- rule 3: within tolerance -------------------------------------------------------------


def test_short_payment_by_reference_is_written_off_negative():
    items = [invoice(1, "INV/2026-00042", "121.00")]
    (result,) = suggest([line(10, "120.50", reference="INV/2026-00042")], items)
    assert result == Suggestion(
        line_id=10,
        rule="tolerance",
        explanation=(
            "Reference 'INV/2026-00042' found in the payment text; the amount 120.50 is 0.50 "
            "less than its open amount 121.00, within the tolerance of 1.00: "
            "the difference is written off."
        ),
        confidence=50,
        allocations=((1, D("121.00")),),
        writeoff=D("-0.50"),
        partner_id=ACME,
    )


def test_over_payment_by_partner_with_one_open_item_is_written_off_positive():
    items = [invoice(1, "INV/2026-00042", "121.00")]
    (result,) = suggest([line(10, "121.30", name="Acme Retail B.V.")], items)
    assert (result.rule, result.confidence, result.writeoff) == ("tolerance", 50, D("0.30"))
    assert result.allocations == ((1, D("121.00")),)
    assert result.explanation == (
        "Counterparty 'Acme Retail B.V.' is Acme Retail BV and INV/2026-00042 is its only "
        "open item; the amount 121.30 is 0.30 more than its open amount 121.00, within the "
        "tolerance of 1.00: the difference is written off."
    )


def test_paying_a_bill_short_is_a_positive_write_off_on_the_bank_side():
    items = [bill(1, "BILL/2026-00007", "121.00")]
    (result,) = suggest([line(10, "-120.50", reference="BILL/2026-00007")], items)
    assert (result.rule, result.allocations, result.writeoff) == (
        "tolerance",
        ((1, D("121.00")),),
        D("0.50"),
    )


def test_paying_a_bill_too_much_is_a_negative_write_off_on_the_bank_side():
    items = [bill(1, "BILL/2026-00007", "121.00")]
    (result,) = suggest([line(10, "-121.80", reference="BILL/2026-00007")], items)
    assert (result.rule, result.writeoff) == ("tolerance", D("-0.80"))


def test_percent_tolerance_applies_above_the_absolute_one():
    items = [invoice(1, "INV/2026-00042", "1000.00")]
    (result,) = suggest([line(10, "995.00", reference="INV/2026-00042")], items)
    assert (result.rule, result.writeoff) == ("tolerance", D("-5.00"))
    assert "within the tolerance of 5.00:" in result.explanation


def test_partner_with_several_open_items_gets_no_tolerance_match():
    items = [invoice(1, "INV/2026-00042", "121.00"), invoice(2, "INV/2026-00043", "300.00")]
    assert suggest([line(10, "120.50", name="Acme Retail")], items) == []


# --- rule 4: partial payment --------------------------------------------------------------


def test_partial_payment_by_reference_allocates_the_line_amount():
    items = [invoice(1, "INV/2026-00042", "1000.00")]
    (result,) = suggest([line(10, "400.00", reference="INV/2026-00042")], items)
    assert result == Suggestion(
        line_id=10,
        rule="reference_partial",
        explanation=(
            "Reference 'INV/2026-00042' found in the payment text; the amount 400.00 is less "
            "than its open amount 1000.00: a partial payment."
        ),
        confidence=40,
        allocations=((1, D("400.00")),),
        writeoff=D("0"),
        partner_id=ACME,
    )


def test_partial_payment_of_two_invoices_pays_the_oldest_first():
    items = [
        invoice(1, "INV/2026-00042", "100.00", due_date=dt.date(2026, 4, 1)),
        invoice(2, "INV/2026-00043", "300.00", due_date=dt.date(2026, 3, 1)),
    ]
    (result,) = suggest([line(10, "350.00", reference="INV/2026-00042 INV/2026-00043")], items)
    assert (result.rule, result.allocations) == (
        "reference_partial",
        ((2, D("300.00")), (1, D("50.00"))),
    )


def test_over_payment_beyond_tolerance_is_not_suggested():
    items = [invoice(1, "INV/2026-00042", "121.00")]
    assert suggest([line(10, "150.00", reference="INV/2026-00042")], items) == []


def test_unknown_counterparty_without_reference_gets_nothing():
    items = [invoice(1, "INV/2026-00042", "121.00")]
    assert suggest([line(10, "121.00", name="Somebody Else", description="rent")], items) == []


# --- inputs -------------------------------------------------------------------------------


def test_bad_inputs_are_all_reported_at_once():
    items = [
        invoice(1, "INV/2026-00042", "121.00"),
        invoice(1, "INV/2026-00043", "0.00", direction=0),
    ]
    lines = [line(10, "1.00"), line(10, "2.00")]
    with pytest.raises(ValidationErrors) as caught:
        suggest(lines, items, settings=MatchSettings(tolerance_absolute=D("-1")))
    assert [(e["code"], e["field"], e["message"]) for e in caught.value.errors] == [
        ("matching.duplicate_line", "lines[1].id", "Bank line 10 is given twice."),
        (
            "matching.duplicate_item",
            "items[1].id",
            "Open item 1 (INV/2026-00043) is given twice.",
        ),
        (
            "matching.invalid_amount",
            "items[1].open_amount",
            "Open item INV/2026-00043 has open amount Decimal('0.00'): "
            "a Decimal above zero is needed.",
        ),
        (
            "matching.invalid_direction",
            "items[1].direction",
            "Open item INV/2026-00043 has direction 0: use 1 (money in) or -1 (money out).",
        ),
        (
            "matching.invalid_setting",
            "settings.tolerance_absolute",
            "Matching setting tolerance_absolute is Decimal('-1'): "
            "a Decimal of zero or more is needed.",
        ),
    ]


def test_a_float_amount_is_refused():
    bad = BankLine(10, MARCH_2, 121.0, "EUR", "", "", "", "")
    with pytest.raises(ValidationErrors) as caught:
        suggest([bad], [])
    assert caught.value.errors[0]["code"] == "matching.invalid_amount"


# --- determinism and invariants -----------------------------------------------------------


def mixed_case() -> tuple[list[BankLine], list[OpenItem]]:
    items = [
        invoice(1, "INV/2026-00042", "121.00", due_date=dt.date(2026, 3, 1)),
        invoice(2, "INV/2026-00043", "121.00", due_date=dt.date(2026, 3, 1)),
        invoice(3, "INV/2026-00044", "80.00"),
        bill(
            4,
            "BILL/2026-00007",
            "500.00",
            partner_id=9,
            partner_name="Cargo Lines NV",
            partner_reference="F-118",
        ),
        bill(5, "BILL/2026-00008", "42.00"),
    ]
    lines = [
        line(10, "121.00", name="Acme Retail"),
        line(11, "121.00", name="Acme Retail"),
        line(12, "121.00", name="Acme Retail"),
        line(13, "201.00", reference="INV/2026-00042 INV/2026-00044"),
        line(14, "-500.00", description="F-118"),
        line(15, "-41.50", name="Bolt Supplies"),
        line(16, "-41.50", name="Bolt Supplies", booking_date=dt.date(2026, 3, 1)),
    ]
    return lines, items


def test_mixed_statement_resolves_conflicts_greedily():
    lines, items = mixed_case()
    result = suggest(lines, items)
    assert [(s.line_id, s.rule, s.confidence, s.allocations) for s in result] == [
        (10, "partner_amount", 60, ((2, D("121.00")),)),
        (13, "reference_amount", 100, ((1, D("121.00")), (3, D("80.00")))),
        (14, "reference_amount", 100, ((4, D("500.00")),)),
        (16, "tolerance", 50, ((5, D("42.00")),)),
    ]


def test_same_output_for_shuffled_input():
    lines, items = mixed_case()
    expected = suggest(lines, items)
    shuffler = random.Random(20260302)
    for _ in range(20):
        shuffler.shuffle(lines)
        shuffler.shuffle(items)
        assert suggest(lines, items) == expected


NUMBERS = [f"INV/2026-{n:05d}" for n in range(1, 9)]
AMOUNTS = [D("10.00"), D("10.50"), D("25.00"), D("99.99"), D("100.00"), D("250.00")]
NAMES = {1: "Acme Retail BV", 2: "Bolt Supplies GmbH", 3: "Cargo Lines NV"}

items_strategy = st.lists(
    st.tuples(
        st.sampled_from([1, 2, 3]),
        st.sampled_from(AMOUNTS),
        st.sampled_from([1, -1]),
        st.sampled_from(["EUR", "USD"]),
        st.integers(0, 60),
    ),
    max_size=len(NUMBERS),
)
lines_strategy = st.lists(
    st.tuples(
        st.lists(st.sampled_from(NUMBERS), max_size=3),
        st.sampled_from([*AMOUNTS, D("0.40"), D("35.00"), D("100.40"), D("110.50")]),
        st.sampled_from([1, -1]),
        st.sampled_from(["EUR", "USD"]),
        st.sampled_from(["", *NAMES.values(), "Unknown Ltd"]),
        st.integers(0, 10),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(items_strategy, lines_strategy, st.randoms(use_true_random=False))
def test_allocations_never_exceed_open_amounts_and_items_are_used_once(
    raw_items, raw_lines, shuffler
):
    items = [
        invoice(
            index + 1,
            NUMBERS[index],
            str(amount),
            partner_id=partner,
            partner_name=NAMES[partner],
            direction=direction,
            currency=currency,
            due_date=dt.date(2026, 3, 1) + dt.timedelta(days=days),
        )
        for index, (partner, amount, direction, currency, days) in enumerate(raw_items)
    ]
    lines = [
        line(
            100 + index,
            str(amount * sign),
            reference=" ".join(numbers),
            name=name,
            currency=currency,
            booking_date=MARCH_2 + dt.timedelta(days=days),
        )
        for index, (numbers, amount, sign, currency, name, days) in enumerate(raw_lines)
    ]
    result = suggest(lines, items)

    by_item = {item.id: item for item in items}
    by_line = {bank_line.id: bank_line for bank_line in lines}
    used = Counter(item_id for s in result for item_id, _ in s.allocations)
    assert all(count == 1 for count in used.values())
    assert len({s.line_id for s in result}) == len(result)
    assert [s.line_id for s in result] == sorted(s.line_id for s in result)
    for s in result:
        bank_line = by_line[s.line_id]
        allocated = sum((amount for _, amount in s.allocations), D(0))
        for item_id, amount in s.allocations:
            item = by_item[item_id]
            assert D(0) < amount <= item.open_amount
            assert item.direction * bank_line.amount > 0
            assert item.currency == bank_line.currency
            assert item.partner_id == s.partner_id
        direction = by_item[s.allocations[0][0]].direction
        assert s.writeoff == bank_line.amount - direction * allocated
        if s.rule != "tolerance":
            assert s.writeoff == 0

    shuffler.shuffle(lines)
    shuffler.shuffle(items)
    assert suggest(lines, items) == result


# --- volume -------------------------------------------------------------------------------


def test_ten_thousand_lines_against_twenty_thousand_items():
    """Half the lines pay by reference, a quarter are known partners, a quarter nothing."""
    base = dt.date(2026, 1, 1)
    items = [
        invoice(
            n,
            f"INV/2026-{n:05d}",
            str(D(10000 + 7 * n).scaleb(-2)),  # every amount distinct
            partner_id=n % 2000,
            partner_name=f"Customer {n % 2000:04d} NV",
            payment_reference=f"RF{n:012d}" if n % 3 == 0 else "",
            due_date=base + dt.timedelta(days=n % 365),
        )
        for n in range(20000)
    ]
    hints = [PartnerHint(p, (f"Customer {p:04d}",), (f"BE{p:014d}",)) for p in range(2000)]
    lines = [
        line(
            n,
            str(items[n].open_amount),
            reference=items[n].payment_reference or items[n].number,
            description=f"Payment {n} thank you",
            name=items[n].partner_name.upper(),
            booking_date=base + dt.timedelta(days=n % 90),
        )
        for n in range(5000)
    ]
    for n in range(2500):
        item = items[10000 + n]
        lines.append(
            line(
                5000 + n,
                str(item.open_amount),
                description="March delivery",
                name="" if n % 2 else f"CUSTOMER {item.partner_id:04d} N.V.",
                account=f"BE{item.partner_id:014d}" if n % 2 else "",
            )
        )
    for n in range(2500):
        lines.append(
            line(
                7500 + n,
                "-12.34" if n % 2 else "5.55",
                description=f"card payment {n}",
                name=f"Corner Shop {n}",
                account=f"NL{n:016d}",
            )
        )
    random.Random(7).shuffle(lines)

    result = suggest(lines, items, partners=hints)

    assert Counter(s.rule for s in result) == {"reference_amount": 5000, "partner_amount": 2500}
    assert all(
        s.allocations == ((s.line_id, items[s.line_id].open_amount),)
        for s in result
        if s.rule == "reference_amount"
    )
    assert all(
        s.allocations[0][0] == 5000 + s.line_id for s in result if s.rule == "partner_amount"
    )
