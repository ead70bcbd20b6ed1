"""The ledger's unique (source, source_ref) becomes a unique index on (source_ref, source).

Same uniqueness, a different build. As an index of its own (declared by expressions, see
Transaction.Meta) SQLite can drop it for a first load and build it by one sort at the end, as
PostgreSQL already did; with the reference first, the sort tells keys apart by their first
bytes instead of comparing the same source on every row. Large ledgers take a while to migrate:
the index is built once, and on SQLite the table is copied.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0009_account_credit"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="transaction",
            name="transaction_source_ref",
        ),
        migrations.AddConstraint(
            model_name="transaction",
            constraint=models.UniqueConstraint(
                models.F("source_ref"), models.F("source"), name="transaction_source_ref"
            ),
        ),
    ]
