import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ordo.core.audit import record_audit
from ordo.core.chain import seal_pending, verify_chain
from ordo.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed_entries(company_be):
    """Five audit rows (the company's creation and four edits), all sealed."""
    for n in range(4):
        record_audit(
            actor=None,
            action="core.company.updated",
            target=company_be,
            company=company_be,
            before={"city": f"City {n}"},
            after={"city": f"City {n + 1}"},
            reason=f"move {n}",
        )
    assert seal_pending() == 5
    return list(AuditEntry.objects.order_by("seal_number"))


def test_audit_rows_are_written_unsealed_then_sealed_in_order(company_be):
    entry = AuditEntry.objects.get(action="core.company.created")
    assert entry.seal_number is None
    assert entry.changes["code"] == [None, "ORDO-BE"]

    assert seal_pending() == 1
    entry.refresh_from_db()
    assert entry.seal_number == 1
    assert entry.previous_hash == ""
    assert len(entry.entry_hash) == 64
    assert seal_pending() == 0


def test_an_intact_chain_verifies(sealed_entries):
    record_audit(actor=None, action="core.test.late", target=sealed_entries[0].company)

    report = verify_chain()

    assert report.is_intact
    assert (report.checked, report.unsealed) == (5, 1)
    assert report.describe() == "Audit chain intact: 5 sealed entries verified; 1 not sealed yet."
    assert [e.seal_number for e in sealed_entries] == [1, 2, 3, 4, 5]
    assert sealed_entries[3].previous_hash == sealed_entries[2].entry_hash


def drop_append_only_guard(cursor):
    """What someone with the database owner's rights could do before tampering."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off
    else:
        cursor.execute("DROP TRIGGER ordo_audit_content_frozen")
        cursor.execute("DROP TRIGGER ordo_audit_seal_frozen")


def test_the_database_refuses_to_alter_a_written_entry(sealed_entries):
    from django.db import DatabaseError, transaction

    target = sealed_entries[2]
    for statement in (
        "UPDATE core_auditentry SET reason='x' WHERE id=%s",
        "UPDATE core_auditentry SET entry_hash='0' WHERE id=%s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [target.pk])
    target.refresh_from_db()
    assert target.reason == "move 1"
    assert verify_chain().is_intact


@pytest.mark.postgres_only
def test_postgresql_refuses_to_delete_an_entry(sealed_entries):
    from django.db import DatabaseError, transaction

    with (
        pytest.raises(DatabaseError, match="cannot be deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditentry WHERE id=%s", [sealed_entries[0].pk])


def test_an_altered_row_is_named(sealed_entries):
    target = sealed_entries[2]
    with connection.cursor() as cursor:
        drop_append_only_guard(cursor)
        cursor.execute("UPDATE core_auditentry SET reason='x' WHERE id=%s", [target.pk])

    report = verify_chain()

    assert not report.is_intact
    assert report.first_broken_id == target.pk
    assert report.first_broken_seal == 3
    assert report.checked == 2
    assert report.describe() == (
        f"Audit chain BROKEN at entry {target.pk} (seal #3): its content was altered after it "
        "was sealed. 2 entries verified before it; 0 not sealed yet."
    )


def test_a_deleted_row_is_reported(sealed_entries):
    with connection.cursor() as cursor:
        drop_append_only_guard(cursor)
        cursor.execute("DELETE FROM core_auditentry WHERE id=%s", [sealed_entries[1].pk])

    report = verify_chain()

    assert not report.is_intact
    assert report.first_broken_id == sealed_entries[2].pk
    assert report.first_broken_seal == 3
    assert report.problem == "seal #2 is missing (a row was deleted or renumbered)"


def test_a_deleted_last_row_is_reported_through_the_chain_head(sealed_entries):
    with connection.cursor() as cursor:
        drop_append_only_guard(cursor)
        cursor.execute("DELETE FROM core_auditentry WHERE id=%s", [sealed_entries[-1].pk])

    report = verify_chain()

    assert not report.is_intact
    assert report.first_broken_seal == 5
    assert "the chain head says 5 entries were sealed, but 4 remain" in report.problem


def test_ordo_audit_verify_names_the_altered_row(sealed_entries):
    target = sealed_entries[1]
    with connection.cursor() as cursor:
        drop_append_only_guard(cursor)
        cursor.execute("UPDATE core_auditentry SET reason='x' WHERE id=%s", [target.pk])

    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")

    assert f"Audit chain BROKEN at entry {target.pk} (seal #2)" in str(exc.value)


def test_ordo_audit_verify_seals_then_reports_an_intact_chain(company_be, capsys):
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", stdout=out)

    assert (
        out.getvalue().strip() == "Audit chain intact: 1 sealed entries verified; 0 not sealed yet."
    )
