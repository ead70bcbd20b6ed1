"""On PostgreSQL, compare transaction and charge references byte by byte (collation "C").

References are codes, not words: no one sorts them alphabetically by language rules. Under the
database's default collation PostgreSQL compares each pair through the C library and cannot use
abbreviated sort keys, so the unique (source, source_ref) index that every import checks and a
first load rebuilds costs about half as much again to build (measured in docs/performance.md).
Equality, and so uniqueness, is unchanged. SQLite already compares bytes (BINARY).
"""

from django.db import migrations

COLUMNS = [
    ("ledger_transaction", "source", 30),
    ("ledger_transaction", "source_ref", 80),
    ("ledger_chargeline", "source", 30),
    ("ledger_chargeline", "source_ref", 80),
]


def to_c(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, length in COLUMNS:
        schema_editor.execute(
            f'ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar({length}) COLLATE "C"'
        )


def to_default(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, length in COLUMNS:
        schema_editor.execute(
            f"ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar({length}) COLLATE \"default\""
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_transaction_account_index")]

    operations = [migrations.RunPython(to_c, to_default)]
