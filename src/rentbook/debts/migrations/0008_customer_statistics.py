"""No planner statistics for a customer's free-text columns on PostgreSQL: nothing filters or
joins on them (a name search is a substring match the statistics cannot help, and a reference
is found by its unique index), and gathering them was two thirds of the statistics a first
load of 105,000 customers waits for (90 ms of ANALYZE against 30 ms)."""

from django.db import migrations

COLUMNS = ("name", "address", "nino", "postcode", "date_of_birth", "import_ref")


def _sql(target: int) -> str:
    sets = ", ".join(f"ALTER COLUMN {c} SET STATISTICS {target}" for c in COLUMNS)
    return f"ALTER TABLE debts_customer {sets}"


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_sql(0))


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_sql(-1))  # back to the default target


class Migration(migrations.Migration):
    dependencies = [("debts", "0007_joint_liability")]

    operations = [migrations.RunPython(forwards, backwards)]
