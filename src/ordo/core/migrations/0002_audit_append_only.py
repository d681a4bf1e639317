"""The database itself refuses to change or delete a written audit entry.

Only the sealer's first write of ``seal_number``, ``previous_hash`` and ``entry_hash`` on
an unsealed row is allowed. PostgreSQL also refuses DELETE (TRUNCATE, used by test
databases' flush, is a different trigger event). SQLite gets the UPDATE guard only:
Django's test flush deletes rows there. The hash chain still names any row removed or
altered by someone who drops these guards.
"""

from django.db import migrations

CONTENT = (
    "occurred_at, actor_id, actor_name, company_id, action, target_type, target_id, "
    "target_label, changes, reason"
)

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION ordo_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit entries are append-only: entry % cannot be deleted', OLD.id;
    END IF;
    IF ({", ".join("NEW." + c.strip() for c in CONTENT.split(","))})
       IS DISTINCT FROM ({", ".join("OLD." + c.strip() for c in CONTENT.split(","))})
       OR OLD.seal_number IS NOT NULL THEN
        RAISE EXCEPTION 'audit entries are append-only: entry % cannot be changed', OLD.id;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER ordo_audit_append_only BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION ordo_audit_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS ordo_audit_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS ordo_audit_append_only();
"""
SQLITE_FORWARD = [
    f"""CREATE TRIGGER ordo_audit_content_frozen BEFORE UPDATE OF {CONTENT} ON core_auditentry
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    """CREATE TRIGGER ordo_audit_seal_frozen BEFORE UPDATE OF seal_number, previous_hash, entry_hash
    ON core_auditentry WHEN OLD.seal_number IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS ordo_audit_content_frozen",
    "DROP TRIGGER IF EXISTS ordo_audit_seal_frozen",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
