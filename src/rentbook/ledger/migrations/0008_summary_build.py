"""Build the ledger summary from every transaction already posted (one pass over the ledger;
at 100,000 tenancies x 5 years on PostgreSQL see docs/performance.md for its cost)."""

from django.db import migrations


def build(apps, schema_editor):
    from rentbook.ledger.summary import _fold

    LedgerSummary = apps.get_model("ledger", "LedgerSummary")
    with schema_editor.connection.cursor() as cur:
        if schema_editor.connection.vendor == "postgresql":
            cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("SELECT MAX(id) FROM ledger_transaction")
        upto = cur.fetchone()[0] or 0
        if upto:
            _fold(cur, 0, upto)
        if schema_editor.connection.vendor == "postgresql":
            # without statistics the planner reads the whole table for a few recent months
            cur.execute("ANALYZE ledger_accountmonth, ledger_accounttotal")
    LedgerSummary.objects.update_or_create(pk=1, defaults={"through_id": upto})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0007_summary")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
