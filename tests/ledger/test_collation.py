import pytest
from django.db import connection


@pytest.mark.django_db
def test_references_compare_byte_by_byte_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite compares text byte by byte already")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT table_name, column_name, collation_name FROM information_schema.columns"
            " WHERE table_name IN ('ledger_transaction', 'ledger_chargeline')"
            " AND column_name IN ('source', 'source_ref')"
        )
        rows = cur.fetchall()
    assert len(rows) == 4
    assert {r[2] for r in rows} == {"C"}
