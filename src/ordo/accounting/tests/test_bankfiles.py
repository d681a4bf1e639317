"""Bank statement files: camt.053, MT940 and OFX read into statements and lines (pure).

The public samples under ../shared are GPL/AGPL test files of other projects: they are
read from there, never copied; their tests skip when ../shared is absent. The inline
files below are our own.
"""

from __future__ import annotations

import ast
import base64
import datetime as dt
import hashlib
import re
from decimal import Decimal
from pathlib import Path

import pytest
from ofxtools.models.base import OFXSpecError

from ordo.accounting.bankfiles import (
    ParsedStatement,
    compute_line_hash,
    detect_format,
    parse_camt053,
    parse_mt940,
    parse_ofx,
    parse_statement_file,
)
from ordo.accounting.bankfiles import ofx as ofx_module
from ordo.accounting.bankfiles.model import build_line
from ordo.core.errors import InvalidInput

REPO_ROOT = Path(__file__).resolve().parents[4]
SAMPLES = REPO_ROOT / ".." / "shared" / "standards-samples" / "bank"


def sample(name: str) -> bytes:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"sample {name} is not available (../shared is absent)")
    return path.read_bytes()


def _d(value: float | str) -> Decimal:
    return Decimal(str(value))


# --- our own inline files -----------------------------------------------------------

OWN_CAMT = b"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>ORDO-TEST-1</MsgId><CreDtTm>2026-03-04T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>ORDO-2026-03-03</Id>
      <Acct><Id><IBAN>BE68539007547034</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal>
        <Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>2026-03-01</Dt></Dt>
      </Bal>
      <Bal>
        <Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">857.25</Amt><CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>2026-03-03</Dt></Dt>
      </Bal>
      <Ntry>
        <Amt Ccy="EUR">242.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-03-02</Dt></BookgDt>
        <ValDt><Dt>2026-03-02</Dt></ValDt>
        <AcctSvcrRef>BANKREF-0001</AcctSvcrRef>
        <NtryDtls>
          <TxDtls>
            <Refs><EndToEndId>E2E-PO-0042</EndToEndId></Refs>
            <RltdPties>
              <Cdtr><Pty><Nm>Office Supplies SA</Nm></Pty></Cdtr>
              <CdtrAcct><Id><IBAN>BE71096123456769</IBAN></Id></CdtrAcct>
            </RltdPties>
            <RmtInf>
              <Ustrd>Invoice 2026-117</Ustrd>
              <Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd>
            </RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">99.25</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><DtTm>2026-03-03T10:15:00+01:00</DtTm></BookgDt>
        <AcctSvcrRef>BANKREF-0002</AcctSvcrRef>
        <AddtlNtryInf>Interest March</AddtlNtryInf>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">5000.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>PDNG</Cd></Sts>
        <BookgDt><Dt>2026-03-03</Dt></BookgDt>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""

OWN_MT940 = b""":20:ORDO0303
:25:BE68539007547034
:28C:62/1
:60F:C260302EUR1000,00
:61:2603030303D242,00NTRFE2E-PO-0042//BANKREF-0001
:86:/TRTP/SEPA OVERBOEKING/IBAN/BE71096123456769/BIC/GEBABEBB/NAME/Of
fice Supplies SA/REMI/USTD//Invoice 2026-117/EREF/E2E-PO-0042
:61:2603030303C99,25NMSCNONREF
:86:Interest March
:62F:C260303EUR857,25
-
"""

OWN_OFX = b"""OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX>
<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>
<DTSERVER>20260331120000<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>EUR
<BANKACCTFROM><BANKID>GKCCBEBB<ACCTID>BE68539007547034<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20260301<DTEND>20260331
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260305<DTAVAIL>20260306<TRNAMT>1210.00<FITID>F-0001
<REFNUM>+++090/9337/55493+++<NAME>ACME TRADING<MEMO>Invoice INV-2026-0042</STMTTRN>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260310<TRNAMT>-45.50<FITID>F-0002<NAME>Office Supplies SA
<BANKACCTTO><BANKID>GEBABEBB<ACCTID>BE71096123456769<ACCTTYPE>CHECKING</BANKACCTTO>
<MEMO>Paper</STMTTRN>
</BANKTRANLIST>
<LEDGERBAL><BALAMT>2164.50<DTASOF>20260331</LEDGERBAL>
</STMTRS></STMTTRNRS></BANKMSGSRSV1>
</OFX>
"""


# --- the statement model ------------------------------------------------------------


def _statement(opening: str, closing: str, amounts: list[str]) -> ParsedStatement:
    lines = tuple(
        build_line(
            account="BE68539007547034",
            position=position,
            booking_date=dt.date(2026, 3, 2),
            value_date=None,
            amount=Decimal(amount),
            currency="EUR",
        )
        for position, amount in enumerate(amounts)
    )
    return ParsedStatement(
        format="camt053",
        statement_id="S-1",
        account="BE68539007547034",
        currency="EUR",
        opening_balance=Decimal(opening),
        closing_balance=Decimal(closing),
        opening_date=None,
        closing_date=None,
        lines=lines,
        file_hash="",
    )


def test_a_statement_that_does_not_add_up_says_by_how_much():
    statement = _statement("100", "130", ["25"])
    assert statement.movements_total == Decimal("25")
    assert statement.balance_problem() == (
        "Statement S-1 does not add up: opening 100.00 + movements 25.00 = 125.00, "
        "but the closing balance is 130.00 (difference 5.00 EUR)."
    )


def test_a_statement_that_adds_up_has_no_balance_problem():
    assert _statement("100.00", "80.50", ["-30.00", "10.50"]).balance_problem() is None


def test_line_hash_ignores_how_the_amount_is_written_but_not_the_position():
    fields = {
        "account": "BE68539007547034",
        "booking_date": dt.date(2026, 3, 2),
        "value_date": None,
        "currency": "EUR",
        "reference": "R",
        "counterparty_name": "",
        "counterparty_account": "",
        "description": "",
        "bank_reference": "",
    }
    first = compute_line_hash(position=0, amount=Decimal("9"), **fields)
    assert first == compute_line_hash(position=0, amount=Decimal("9.00"), **fields)
    assert first != compute_line_hash(position=1, amount=Decimal("9"), **fields)
    assert first != compute_line_hash(position=0, amount=Decimal("-9"), **fields)


# --- camt.053 -----------------------------------------------------------------------


def test_own_camt_debit_entry_is_negative_and_carries_the_structured_reference():
    [statement] = parse_statement_file(OWN_CAMT, "statement.xml")
    assert (statement.format, statement.statement_id, statement.account, statement.currency) == (
        "camt053",
        "ORDO-2026-03-03",
        "BE68539007547034",
        "EUR",
    )
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("1000.00"),
        Decimal("857.25"),
    )
    assert (statement.opening_date, statement.closing_date) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 3),
    )
    debit, interest = statement.lines  # the pending entry is not booked
    assert debit.amount == Decimal("-242.00")
    assert debit.reference == "RF18539007547034"
    assert (debit.counterparty_name, debit.counterparty_account) == (
        "Office Supplies SA",
        "BE71096123456769",
    )
    assert (debit.description, debit.bank_reference) == ("Invoice 2026-117", "BANKREF-0001")
    assert (debit.booking_date, debit.value_date) == (dt.date(2026, 3, 2), dt.date(2026, 3, 2))
    assert interest.amount == Decimal("99.25")
    assert (interest.booking_date, interest.value_date) == (dt.date(2026, 3, 3), None)
    assert (interest.reference, interest.description) == ("BANKREF-0002", "Interest March")
    assert statement.balance_problem() is None


def test_same_file_gives_same_hashes_and_each_line_its_own():
    first = parse_camt053(OWN_CAMT)[0]
    again = parse_camt053(OWN_CAMT)[0]
    assert [line.line_hash for line in first.lines] == [line.line_hash for line in again.lines]
    assert len({line.line_hash for line in first.lines}) == 2
    assert first.file_hash == hashlib.sha256(OWN_CAMT).hexdigest()


def test_oca_camt053_matches_its_golden_data():
    golden_currency, golden_account, [golden] = ast.literal_eval(
        sample("oca-golden-camt053.pydata").decode()
    )
    [statement] = parse_camt053(sample("oca-test-camt053.xml"))
    assert (statement.currency, statement.account, statement.statement_id) == (
        golden_currency,
        golden_account,
        golden["name"],
    )
    assert statement.opening_balance == _d(golden["balance_start"])
    assert statement.closing_balance == _d(golden["balance_end_real"])
    assert statement.closing_date == dt.date.fromisoformat(golden["date"])
    assert len(statement.lines) == len(golden["transactions"]) == 4
    for line, expected in zip(statement.lines, golden["transactions"], strict=True):
        assert line.booking_date == dt.date.fromisoformat(expected["date"])
        assert line.amount == _d(expected["amount"])
        assert line.reference == expected["ref"]
        assert line.counterparty_name == expected["partner_name"]
        assert line.counterparty_account == expected["account_number"]
        assert line.description.splitlines()[-1] == expected["payment_ref"]
    # The batch entry of 664.05 is split into its two transactions.
    assert [line.amount for line in statement.lines] == [
        Decimal("-754.25"),
        Decimal("-564.05"),
        Decimal("-100.00"),
        Decimal("1405.31"),
    ]
    assert statement.lines[0].description == (
        "Insurance policy 857239PERIOD 01.01.2014 - 31.12.2014\n"
        "MKB Insurance 859239PERIOD 01.01.2014 - 31.12.2014"
    )


def test_oca_camt053_sample_does_not_add_up_and_says_so():
    [statement] = parse_camt053(sample("oca-test-camt053.xml"))
    assert statement.balance_problem() == (
        "Statement 1234Test/1 does not add up: opening 15568.27 + movements -12.99 = 15555.28, "
        "but the closing balance is 15121.12 (difference -434.16 EUR)."
    )


def test_oca_camt053_v04_chf_batch_splits_per_transaction_and_adds_up():
    [statement] = parse_statement_file(sample("oca-test-camt053-txdtls.xml"))
    assert (statement.statement_id, statement.account, statement.currency) == (
        "20170323123456789012345",
        "CH1111000000123456789",
        "CHF",
    )
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("75960.15"),
        Decimal("79443.15"),
    )
    assert [line.amount for line in statement.lines] == [Decimal("2187.00"), Decimal("1296.00")]
    assert [line.reference for line in statement.lines] == [
        "302388292000011111111111111",
        "302388292000022222222222222",
    ]
    assert [line.counterparty_account for line in statement.lines] == [
        "CH2222000000123456789",
        "CH3333000000123456789",
    ]
    assert statement.lines[0].counterparty_name == "Banque Cantonale Vaudoise"
    assert statement.lines[0].bank_reference == "123456CHCAFEBABE"
    assert (statement.lines[0].booking_date, statement.lines[0].value_date) == (
        dt.date(2017, 3, 22),
        dt.date(2017, 3, 23),
    )
    assert statement.balance_problem() is None


def test_truncated_camt_xml_is_a_parse_error_naming_the_line():
    with pytest.raises(InvalidInput) as caught:
        parse_statement_file(OWN_CAMT[: OWN_CAMT.index(b"</Stmt>")], "statement.xml")
    assert caught.value.code == "bank.parse_error"
    assert caught.value.message == (
        "The camt.053 file is not well-formed XML at line 53, column 5: "
        "Premature end of data in tag Stmt line 5."
    )
    assert caught.value.details["line"] == 53


def test_camt_amount_that_is_not_a_number_names_the_element_and_value():
    broken = OWN_CAMT.replace(b">99.25<", b">99,25<")
    with pytest.raises(InvalidInput) as caught:
        parse_camt053(broken)
    assert caught.value.code == "bank.parse_error"
    assert caught.value.message == (
        "camt.053 line 40: Stmt[1]/Ntry[2]/Amt is not a valid amount: '99,25'."
    )
    assert caught.value.details == {
        "field": "file",
        "line": 40,
        "element": "Stmt[1]/Ntry[2]/Amt",
        "value": "99,25",
    }


def test_camt_entry_without_debit_credit_mark_names_the_missing_element():
    broken = OWN_CAMT.replace(b"<CdtDbtInd>DBIT</CdtDbtInd>", b"", 1)
    with pytest.raises(InvalidInput) as caught:
        parse_camt053(broken)
    assert caught.value.message == (
        "camt.053 line 18: the mandatory element Stmt[1]/Ntry[1]/CdtDbtInd is missing."
    )


# --- MT940 --------------------------------------------------------------------------


def _yaml_date(encoded: str) -> dt.date:
    """A pickled ``datetime.date`` as PyYAML dumps it: two bytes year, month, day."""
    raw = base64.b64decode(encoded)
    return dt.date(int.from_bytes(raw[:2], "big"), raw[2], raw[3])


def _golden_mt940(text: str) -> tuple[dict[str, Decimal], list[dict]]:
    """The few fields we need from the YAML dump, without PyYAML."""
    header, _, transactions = text.partition("\ntransactions:\n")
    balances = {
        name: Decimal(amount)
        for name, amount in re.findall(
            r"  (\w+_balance): !!python/object:mt940\.models\.Balance\n"
            r"    amount: !!python/object:mt940\.models\.Amount\n"
            r"      amount: !!python/object/apply:decimal\.Decimal\n"
            r"      - '([-\d.]+)'",
            header,
        )
    }
    lines = []
    for chunk in transactions.split("- !!python/object:mt940.models.Transaction")[1:]:
        amount = re.search(r"decimal\.Decimal\n\s+- '([-\d.]+)'", chunk).group(1)
        dates = dict(
            re.findall(
                r"\n    (date|entry_date): !!python/object/apply:mt940\.models\.Date\n"
                r"\s+- !!binary \|\n\s+(\S+)",
                chunk,
            )
        )
        lines.append(
            {
                "amount": Decimal(amount),
                "date": _yaml_date(dates["date"]),
                "entry_date": _yaml_date(dates["entry_date"]),
                "customer_reference": re.search(r"customer_reference: (\S+)", chunk).group(1),
            }
        )
    return balances, lines


def test_abnamro_mt940_matches_its_golden_dump():
    balances, golden_lines = _golden_mt940(sample("mt940-jejik-abnamro.yml").decode())
    first, second = parse_statement_file(sample("mt940-jejik-abnamro.sta"), "abnamro.sta")
    assert (first.format, first.statement_id, first.account, first.currency) == (
        "mt940",
        "ABN AMRO BANK NV 19321/1",
        "517852257",
        "EUR",
    )
    assert second.statement_id == "ABN AMRO BANK NV 19322/1"
    # The dump merged both statements: final balances are the first's, intermediate the second's.
    assert (first.opening_balance, first.closing_balance) == (
        balances["final_opening_balance"],
        balances["final_closing_balance"],
    )
    assert (second.opening_balance, second.closing_balance) == (
        balances["intermediate_opening_balance"],
        balances["intermediate_closing_balance"],
    )
    assert (first.opening_balance, first.closing_balance) == (
        Decimal("3236.28"),
        Decimal("876.84"),
    )
    assert (first.opening_date, first.closing_date) == (dt.date(2011, 5, 22), dt.date(2011, 5, 23))
    lines = first.lines + second.lines
    assert (len(first.lines), len(second.lines), len(golden_lines)) == (8, 2, 10)
    for line, expected in zip(lines, golden_lines, strict=True):
        assert line.amount == expected["amount"]
        assert line.value_date == expected["date"]
        assert line.booking_date == expected["entry_date"]
        assert expected["customer_reference"] == "NONREF"
        assert line.reference == ""  # NONREF and nothing else identifies these payments
    assert lines[1].amount == Decimal("-11.59")
    assert (lines[1].booking_date, lines[1].value_date) == (
        dt.date(2011, 5, 23),
        dt.date(2011, 5, 21),
    )
    assert lines[0].description == (
        "GIRO   428428 KPN - DIGITENNE    BETALINGSKENM.  000000042188659\n"
        "5314606715                       BETREFT FACTUUR D.D. 20-05-2011\n"
        "INCL. 1,44 BTW"
    )
    assert lines[9].description == "52.89.39.882                    MYCOM DEN HAAG"
    assert first.balance_problem() == (
        "Statement ABN AMRO BANK NV 19321/1 does not add up: opening 3236.28 + movements "
        "-321.44 = 2914.84, but the closing balance is 876.84 (difference -2038.00 EUR)."
    )


def test_cmxl_mt940_holds_three_statements_that_add_up():
    statements = parse_mt940(sample("mt940-cmxl-mt940.sta"))
    assert [(s.statement_id, s.currency, len(s.lines)) for s in statements] == [
        ("131110 27/01", "DEM", 11),
        ("1234567 5/1", "EUR", 2),
        ("TELEWIZORY S.A. 00084/001", "PLN", 3),
    ]
    dem = statements[0]
    assert dem.account == "45050050/76198810"
    assert (dem.opening_balance, dem.closing_balance) == (
        Decimal("84349.74"),
        Decimal("84437.04"),
    )
    assert dem.movements_total == Decimal("87.30")
    assert [s.balance_problem() for s in statements] == [None, None, None]
    assert dem.lines[1].amount == Decimal("-620.3")
    # The German structured :86: gives name, account and purpose.
    rent = statements[1].lines[0]
    assert (rent.amount, rent.counterparty_name, rent.counterparty_account) == (
        Decimal("-800"),
        "MUELLER",
        "234567",
    )
    assert (rent.reference, rent.description, rent.bank_reference) == (
        "Miete November",
        "Miete November",
        "55555",
    )


def test_own_mt940_dutch_details_give_counterparty_and_reference():
    [statement] = parse_statement_file(OWN_MT940, "export.sta")
    assert (statement.statement_id, statement.account) == ("ORDO0303 62/1", "BE68539007547034")
    debit, interest = statement.lines
    assert debit.amount == Decimal("-242.00")
    assert (debit.counterparty_name, debit.counterparty_account) == (
        "Office Supplies SA",
        "BE71096123456769",
    )
    assert (debit.reference, debit.description, debit.bank_reference) == (
        "E2E-PO-0042",
        "Invoice 2026-117",
        "BANKREF-0001",
    )
    # NONREF and free text only: no reference, the text is the description.
    assert (interest.amount, interest.reference, interest.description) == (
        Decimal("99.25"),
        "",
        "Interest March",
    )
    assert statement.balance_problem() is None


def test_mt940_with_a_broken_statement_line_names_it():
    broken = OWN_MT940.replace(b":61:2603030303C99,25", b":61:26030X0303C99,25")
    with pytest.raises(InvalidInput) as caught:
        parse_statement_file(broken)
    assert caught.value.code == "bank.parse_error"
    assert caught.value.message == (
        "MT940 line 8: cannot read the :61: field ':61:26030X0303C99,25NMSCNONREF': "
        "it does not fit the SWIFT layout of that tag."
    )


def test_mt940_with_an_impossible_date_names_the_line():
    broken = OWN_MT940.replace(b":61:2603030303C99,25", b":61:2613030303C99,25")
    with pytest.raises(InvalidInput) as caught:
        parse_mt940(broken)
    assert caught.value.message == (
        "MT940 line 8: cannot read the :61: field ':61:2613030303C99,25NMSCNONREF': "
        "month must be in 1..12."
    )


def test_mt940_without_closing_balance_is_refused():
    broken = OWN_MT940.replace(b":62F:C260303EUR857,25\n", b"")
    with pytest.raises(InvalidInput) as caught:
        parse_mt940(broken)
    assert caught.value.message == (
        "MT940 line 1: statement 'ORDO0303' has no closing balance (:62F: or :62M:)."
    )


# --- OFX ----------------------------------------------------------------------------


def test_oca_ofx_is_read_by_the_lenient_reader():
    data = sample("oca-test_ofx.ofx")
    with pytest.raises(OFXSpecError):
        ofx_module._read_strict(data)  # several BANKTRANLIST: outside the spec
    bank, card = parse_statement_file(data, "oca.ofx")
    assert (bank.format, bank.statement_id, bank.account, bank.currency) == (
        "ofx",
        "123456 2013-08-01..2013-09-01",
        "123456",
        "USD",
    )
    assert [
        (line.booking_date, line.amount, line.counterparty_name, line.bank_reference)
        for line in bank.lines
    ] == [
        (dt.date(2013, 8, 24), Decimal("-80"), "Agrolait", "219378"),
        (dt.date(2013, 8, 24), Decimal("-90"), "China Export", "219379"),
        (dt.date(2013, 8, 24), Decimal("-100"), "Axelor Scuba", "219380"),
        (dt.date(2013, 8, 24), Decimal("-90"), "China Scuba", "219381"),
    ]
    assert (bank.opening_balance, bank.closing_balance) == (Decimal("2516.56"), Decimal("2156.56"))
    assert (bank.opening_date, bank.closing_date) == (dt.date(2013, 8, 1), dt.date(2013, 8, 31))
    assert bank.balance_problem() is None
    assert (card.account, card.lines, card.opening_balance, card.closing_balance) == (
        "123412341234",
        (),
        Decimal("-562.00"),
        Decimal("-562.00"),
    )


def test_own_ofx_is_read_by_the_strict_reader():
    [statement] = parse_ofx(OWN_OFX)
    assert (statement.statement_id, statement.account, statement.currency) == (
        "BE68539007547034 2026-03-01..2026-03-31",
        "BE68539007547034",
        "EUR",
    )
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("1000.00"),
        Decimal("2164.50"),
    )
    credit, debit = statement.lines
    assert (credit.amount, credit.reference, credit.counterparty_name, credit.description) == (
        Decimal("1210.00"),
        "+++090/9337/55493+++",
        "ACME TRADING",
        "Invoice INV-2026-0042",
    )
    assert (credit.booking_date, credit.value_date, credit.bank_reference) == (
        dt.date(2026, 3, 5),
        dt.date(2026, 3, 6),
        "F-0001",
    )
    # Only the strict reader sees BANKACCTTO.
    assert (debit.amount, debit.counterparty_account, debit.reference) == (
        Decimal("-45.50"),
        "BE71096123456769",
        "Paper",
    )


# --- format detection ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("oca-test-camt053.xml", "camt053"),
        ("oca-test-camt053-txdtls.xml", "camt053"),
        ("mt940-jejik-abnamro.sta", "mt940"),
        ("mt940-cmxl-mt940.sta", "mt940"),
        ("oca-test_ofx.ofx", "ofx"),
    ],
)
def test_samples_are_recognised_by_content(name, expected):
    assert detect_format(sample(name), "renamed.txt") == expected


def test_own_files_are_recognised_by_content():
    assert [detect_format(d) for d in (OWN_CAMT, OWN_MT940, OWN_OFX)] == [
        "camt053",
        "mt940",
        "ofx",
    ]
    assert detect_format(b"{1:F01ABNANL2AXXXX0000000000}{2:O940}{4:\n:20:X\n-}") == "mt940"


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02garbage\xff",
        b"date;amount\n2026-03-01;12.50\n",
        b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"/>',
    ],
)
def test_anything_else_is_an_unknown_format(data):
    with pytest.raises(InvalidInput) as caught:
        parse_statement_file(data, "upload.bin")
    assert caught.value.code == "bank.unknown_format"
    assert caught.value.message == (
        "The file 'upload.bin' is not a bank statement Ordo can read: "
        "expected a camt.053 XML, MT940 or OFX file."
    )


def test_mt940_in_a_swift_envelope_reads_the_text_block():
    wrapped = (
        b"{1:F01GEBABEBBAXXX0000000000}{2:O9401200260303GEBABEBBAXXX00000000002603031200N}{4:\n"
    )
    wrapped += OWN_MT940.replace(b"\n-\n", b"\n-}\n")
    [statement] = parse_statement_file(wrapped)
    assert (statement.statement_id, len(statement.lines)) == ("ORDO0303 62/1", 2)
    broken = wrapped.replace(b":61:2603030303C99,25", b":61:26030X0303C99,25")
    with pytest.raises(InvalidInput) as caught:
        parse_mt940(broken)
    assert caught.value.details["line"] == 9  # counted in the file, envelope included


def test_camt_file_with_two_statements_gives_two():
    stmt = OWN_CAMT[OWN_CAMT.index(b"    <Stmt>") : OWN_CAMT.index(b"  </BkToCstmrStmt>")]
    second = stmt.replace(b"<Id>ORDO-2026-03-03</Id>", b"<Id>ORDO-2026-03-04</Id>")
    data = OWN_CAMT.replace(b"  </BkToCstmrStmt>", second + b"  </BkToCstmrStmt>")
    first, other = parse_camt053(data)
    assert (first.statement_id, other.statement_id) == ("ORDO-2026-03-03", "ORDO-2026-03-04")
    assert [line.line_hash for line in first.lines] == [line.line_hash for line in other.lines]
