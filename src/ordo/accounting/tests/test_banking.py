"""Bank statements imported and reconciled: suggestions, bulk accept, manual, undo."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Sum

from ordo.accounting import banking, invoicing
from ordo.accounting.invoicing import InvoiceLineInput
from ordo.accounting.models import BankStatement, BankStatementLine, JournalLine, Reconciliation
from ordo.accounting.payments import AllocationInput
from ordo.core.errors import DomainError
from ordo.core.models import AuditEntry

pytestmark = pytest.mark.django_db

D = Decimal
BANK = Path(__file__).resolve().parents[4] / ".." / "shared" / "standards-samples" / "bank"


def _error(call):
    with pytest.raises(DomainError) as exc:
        call()
    return exc.value


def camt053(entries, *, opening="1000.00", statement_id="STMT-2026-04-01", iban="BE71096123456769"):
    """A small camt.053.001.02 of our own: entries are (amount, text, counterparty)."""
    closing = D(opening) + sum(D(amount) for amount, _, _ in entries)
    rows = []
    for i, (amount, text, name) in enumerate(entries):
        value = D(amount)
        side = "CRDT" if value > 0 else "DBIT"
        party = "Dbtr" if value > 0 else "Cdtr"
        rows.append(
            f"""<Ntry><Amt Ccy="EUR">{abs(value)}</Amt><CdtDbtInd>{side}</CdtDbtInd>
<Sts>BOOK</Sts><BookgDt><Dt>2026-04-0{i % 9 + 1}</Dt></BookgDt><ValDt><Dt>2026-04-0{i % 9 + 1}</Dt></ValDt>
<AcctSvcrRef>BANKREF-{i + 1}</AcctSvcrRef><BkTxCd/>
<NtryDtls><TxDtls><RltdPties><{party}><Nm>{name}</Nm></{party}></RltdPties>
<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>2026-04-10T08:00:00</CreDtTm></GrpHdr>
<Stmt><Id>{statement_id}</Id><CreDtTm>2026-04-10T08:00:00</CreDtTm>
<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{opening}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-31</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-04-09</Dt></Dt></Bal>
{"".join(rows)}
</Stmt></BkToCstmrStmt></Document>""".encode()


def _invoice(books, price):
    return invoicing.create_and_post_invoice(
        actor=books.accountant,
        company=books.company,
        kind="customer_invoice",
        partner_id=books.customer.pk,
        invoice_date=dt.date(2026, 3, 10),
        lines=[InvoiceLineInput("Goods", D("1"), D(price), "VAT0")],
    )


def _import(books, entries, **kwargs):
    (statement,) = banking.import_bank_statement(
        actor=books.accountant,
        company=books.company,
        data=camt053(entries, **kwargs),
        filename="april.xml",
    )
    return statement


def _balance(company, code):
    totals = JournalLine.objects.filter(
        entry__company=company, entry__state="posted", account__code=code
    ).aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (totals["debit"] or 0) - (totals["credit"] or 0)


@pytest.fixture
def april(books):
    """Two open invoices (121.00 and 50.00) and a statement paying both, plus a fee."""
    first, second = _invoice(books, "121.00"), _invoice(books, "50.00")
    statement = _import(
        books,
        [
            ("121.00", "Payment INV/2026-00001 thank you", "ACME RETAIL B.V."),
            ("50.00", "March goods", "Acme Retail BV"),
            ("-2.50", "Account fee March", "Our bank"),
        ],
    )
    return books, statement, first, second


def test_a_statement_imports_with_its_lines_and_is_refused_twice(april):
    books, statement, _, _ = april
    assert (statement.statement_id, statement.opening_balance, statement.closing_balance) == (
        "STMT-2026-04-01",
        D("1000.00"),
        D("1168.50"),
    )
    assert [(line.amount, line.counterparty_name) for line in statement.lines.all()] == [
        (D("121.00"), "ACME RETAIL B.V."),
        (D("50.00"), "Acme Retail BV"),
        (D("-2.50"), "Our bank"),
    ]
    assert AuditEntry.objects.filter(action="bank.statement.imported").count() == 1
    error = _error(
        lambda: banking.import_bank_statement(
            actor=books.accountant,
            company=books.company,
            data=camt053(
                [
                    ("121.00", "Payment INV/2026-00001 thank you", "ACME RETAIL B.V."),
                    ("50.00", "March goods", "Acme Retail BV"),
                    ("-2.50", "Account fee March", "Our bank"),
                ]
            ),
        )
    )
    assert (error.status, error.code) == (409, "bank.duplicate_file")
    error = _error(lambda: _import(books, [("5.00", "x", "y")]))
    assert (error.status, error.code) == (409, "bank.duplicate_statement")
    assert error.message.startswith("Statement STMT-2026-04-01 was already imported into BNK1 on ")


def test_the_oca_camt_sample_does_not_add_up_and_nothing_is_written(books):
    path = BANK / "oca-test-camt053.xml"
    if not path.exists():
        pytest.skip("../shared is not beside the repository")
    error = _error(
        lambda: banking.import_bank_statement(
            actor=books.accountant, company=books.company, data=path.read_bytes()
        )
    )
    assert (error.status, error.code) == (422, "bank.balance_mismatch")
    assert error.message == (
        "Statement 1234Test/1 does not add up: opening 15568.27 + movements -12.99 = "
        "15555.28, but the closing balance is 15121.12 (difference -434.16 EUR)."
    )
    assert error.details["opening"] == "15568.27" and error.details["closing"] == "15121.12"
    assert not BankStatement.objects.exists()


def test_a_file_that_does_not_parse_names_the_line(books):
    error = _error(
        lambda: banking.import_bank_statement(
            actor=books.accountant, company=books.company, data=camt053([])[:-40]
        )
    )
    assert (error.status, error.code) == (422, "bank.parse_error")
    assert "line" in error.message


def test_suggestions_explain_their_rule(april):
    books, statement, first, second = april
    found = banking.suggestions_for(books.accountant, statement.pk)
    assert [(s.line.sequence, s.suggestion.rule, s.suggestion.allocations) for s in found] == [
        (1, "reference_amount", ((first.pk, D("121.00")),)),
        (2, "partner_amount", ((second.pk, D("50.00")),)),
    ]
    assert found[0].suggestion.explanation == (
        "Reference 'INV/2026-00001' found in the payment text and the amount 121.00 equals "
        "its open amount."
    )


def test_bulk_accept_pays_the_invoices_and_the_fee_is_booked_by_hand(april):
    books, statement, first, second = april
    result = banking.accept_suggestions(actor=books.accountant, statement_id=statement.pk)
    assert (len(result.reconciled), result.failed) == (2, [])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("paid", "paid")
    fee = statement.lines.get(sequence=3)
    banking.reconcile_with_account(
        actor=books.accountant, line_id=fee.pk, account_code="6510", label="Bank fee"
    )
    assert set(statement.lines.values_list("state", flat=True)) == {"reconciled"}
    # The bank account moved exactly as the statement: 171.00 in, 2.50 out.
    assert _balance(books.company, "5500") == D("168.50")
    assert _balance(books.company, "4000") == 0
    assert _balance(books.company, "6510") == D("2.50")
    assert Reconciliation.objects.filter(rule="reference_amount").get().payment.number == (
        "RCPT/2026-00001"
    )


def test_undo_reopens_the_invoice_and_line_and_keeps_the_record(april):
    books, statement, first, _ = april
    result = banking.accept_suggestions(
        actor=books.accountant,
        statement_id=statement.pk,
        line_ids=[statement.lines.get(sequence=1).pk],
    )
    (reconciliation,) = result.reconciled
    banking.undo_reconciliation(
        actor=books.accountant, reconciliation_id=reconciliation.pk, reason="Wrong invoice"
    )
    first.refresh_from_db()
    reconciliation.refresh_from_db()
    line = BankStatementLine.objects.get(pk=reconciliation.statement_line_id)
    assert (first.state, first.amount_residual, line.state) == ("posted", D("121.00"), "open")
    assert reconciliation.undone_reason == "Wrong invoice"
    assert reconciliation.payment.state == "cancelled"
    assert _balance(books.company, "5500") == 0
    assert _balance(books.company, "4000") == D("171.00")
    error = _error(
        lambda: banking.undo_reconciliation(
            actor=books.accountant, reconciliation_id=reconciliation.pk, reason="again"
        )
    )
    assert (error.status, error.code) == (409, "bank.reconciliation_undone")
    # The line can be reconciled again.
    again = banking.accept_suggestions(actor=books.accountant, statement_id=statement.pk)
    assert len(again.reconciled) == 2


def test_a_small_difference_within_tolerance_is_written_off(books):
    invoice = _invoice(books, "121.00")
    statement = _import(books, [("120.50", "INV/2026-00001", "Acme")], statement_id="S-2")
    (found,) = banking.suggestions_for(books.accountant, statement.pk)
    assert (found.suggestion.rule, found.suggestion.writeoff) == ("tolerance", D("-0.50"))
    banking.accept_suggestions(actor=books.accountant, statement_id=statement.pk)
    invoice.refresh_from_db()
    assert invoice.state == "paid"
    assert _balance(books.company, "5500") == D("120.50")
    assert _balance(books.company, "6560") == D("0.50")
    assert _balance(books.company, "4000") == 0


def test_a_manual_match_and_a_reconciled_line_twice(april):
    books, statement, first, second = april
    line = statement.lines.get(sequence=2)
    banking.reconcile_with_documents(
        actor=books.accountant,
        line_id=line.pk,
        allocations=[AllocationInput(first.pk, D("50.00"))],
    )
    first.refresh_from_db()
    assert (first.state, first.amount_residual) == ("partially_paid", D("71.00"))
    error = _error(
        lambda: banking.reconcile_with_account(
            actor=books.accountant, line_id=line.pk, account_code="6510"
        )
    )
    assert (error.status, error.code) == (409, "bank.line_already_reconciled")
    error = _error(
        lambda: banking.reconcile_with_documents(
            actor=books.accountant,
            line_id=statement.lines.get(sequence=3).pk,
            allocations=[AllocationInput(second.pk, D("2.50"))],
        )
    )
    assert (error.status, error.code) == (422, "bank.direction_mismatch")
    assert error.message == ("The line is money out of 2.50 EUR; the documents are to be received.")


def test_only_the_accountant_imports_statements(books, personas):
    error = _error(
        lambda: banking.import_bank_statement(
            actor=personas["manager"], company=books.company, data=camt053([])
        )
    )
    assert error.status == 403


def test_the_statement_and_reconciliation_api(books, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    invoice = _invoice(books, "121.00")
    client = client_for(books.accountant)
    upload = SimpleUploadedFile(
        "april.xml", camt053([("121.00", "INV/2026-00001", "Acme Retail BV")])
    )
    response = client.post("/api/v1/bank-statements", {"company": "ORDO-BE", "file": upload})
    assert response.status_code == 201, response.json()
    (statement,) = response.json()
    assert (statement["lines_total"], statement["lines_open"]) == (1, 1)
    suggestions = client.get(f"/api/v1/bank-statements/{statement['id']}/suggestions").json()
    assert suggestions[0]["rule"] == "reference_amount"
    assert suggestions[0]["allocations"] == [
        {"invoice_id": invoice.pk, "number": "INV/2026-00001", "amount": "121.00"}
    ]
    response = client.post(
        "/api/v1/reconciliations",
        {"statement_id": statement["id"], "suggestions": []},
        "application/json",
    )
    assert response.status_code == 201, response.json()
    (done,) = response.json()["reconciled"]
    assert (done["rule"], done["payment"]) == ("reference_amount", "RCPT/2026-00001")
    response = client.delete(f"/api/v1/reconciliations/{done['id']}?reason=Mistake")
    assert response.status_code == 200 and response.json()["undone"] is True
    bad = SimpleUploadedFile("bad.xml", b"<Document>")
    response = client.post("/api/v1/bank-statements", {"company": "ORDO-BE", "file": bad})
    assert response.status_code == 422


def test_a_large_difference_needs_a_write_off_account(april):
    books, statement, first, _ = april
    line = statement.lines.get(sequence=2)  # 50.00
    error = _error(
        lambda: banking.reconcile_with_documents(
            actor=books.accountant,
            line_id=line.pk,
            allocations=[AllocationInput(first.pk, D("57.00"))],
        )
    )
    assert (error.status, error.code) == (422, "bank.difference_above_tolerance")
    assert error.message == (
        "The line is 50.00 EUR and the allocations 57.00 EUR: the difference 7.00 is above "
        "the write-off tolerance of 1.00. Allocate the line's amount, or choose a write-off "
        "account."
    )
    banking.reconcile_with_documents(
        actor=books.accountant,
        line_id=line.pk,
        allocations=[AllocationInput(first.pk, D("57.00"))],
        writeoff_account_code="6570",
    )
    assert _balance(books.company, "6570") == D("7.00")
