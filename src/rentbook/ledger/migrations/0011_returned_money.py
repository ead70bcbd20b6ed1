"""Money that came back is not collected: each reversal of a payment or a refund takes the
method of the entry it reverses (the import door does so from now on), and the summary sums
those reversals per account and rent month as ``returned``.

Filling ``method`` on a reversal names what it reversed; no amount or balance changes, so the
ledger's entries still say what they said. Reversals are few (a returned direct debit is about
one payment in a few hundred), and each is matched through the unique (source_ref, source)
index."""

from django.db import migrations, models

TXN = "ledger_transaction"
MONTHS = "ledger_accountmonth"


def fill(apps, schema_editor):
    pg = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cur:
        # twice: the second pass gives a reversal of a reversal the method its target took
        for targets in ("('payment', 'refund')", "('reversal')"):
            cur.execute(
                f"UPDATE {TXN} SET method = (SELECT t.method FROM {TXN} t"
                f" WHERE t.source_ref = {TXN}.reverses_ref AND t.source = {TXN}.source"
                f" AND t.kind IN {targets} AND t.method <> '')"
                f" WHERE kind = 'reversal' AND method = '' AND EXISTS (SELECT 1 FROM {TXN} t"
                f" WHERE t.source_ref = {TXN}.reverses_ref AND t.source = {TXN}.source"
                f" AND t.kind IN {targets} AND t.method <> '')"
            )
        if pg:
            monday = "r.posted_on - (CAST(EXTRACT(ISODOW FROM r.posted_on) AS integer) - 1)"
            month = f"CAST(date_trunc('month', {monday}) AS date)"
        else:
            month = "date(r.posted_on, '-6 days', 'weekday 1', 'start of month')"
        cur.execute("SELECT COALESCE(MAX(through_id), 0) FROM ledger_ledgersummary")
        through = cur.fetchone()[0]
        cur.execute(
            f"UPDATE {MONTHS} SET returned = s.amount FROM (SELECT r.account_id,"
            f" {month} AS month, SUM(r.amount) AS amount FROM {TXN} r"
            " WHERE r.kind = 'reversal' AND r.method <> '' AND r.id <= %s"
            f" GROUP BY r.account_id, {month}) s"
            f" WHERE {MONTHS}.account_id = s.account_id AND {MONTHS}.month = s.month",
            [through],
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0010_transaction_ref_index")]

    operations = [
        migrations.AddField(
            model_name="accountmonth",
            name="returned",
            field=models.BigIntegerField(
                default=0,
                help_text="reversals of payments and refunds (those with a method): a returned"
                " direct debit is positive",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
