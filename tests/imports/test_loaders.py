"""The bulk writers store every value exactly as given, whatever its characters."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rentbook.imports.loaders import copy_text, loader
from rentbook.ledger.models import Transaction
from tests.factories import make_account

TABLE = Transaction._meta.db_table
COLUMNS = ("account_id", "posted_on", "kind", "amount", "period_start", "description")
COLUMNS += ("method", "charge_code", "reverses_ref", "source", "source_ref")

#: Text that COPY's formats treat specially: separators, quotes, escapes, the NULL marker.
AWKWARD = st.lists(
    st.sampled_from(["a", "\\", "\t", "\n", "\r", '"', ",", "N", " ", "é", "£", "\\N"]),
    max_size=12,
).map("".join)


def _write(account_id: int, descriptions: list[str], starts: list[date | None]) -> None:
    n = len(descriptions)
    frame = pl.DataFrame(
        {
            "account_id": [account_id] * n,
            "posted_on": [date(2025, 4, 7)] * n,
            "kind": ["adjustment"] * n,
            "amount": list(range(1, n + 1)),
            "period_start": pl.Series(starts, dtype=pl.Date),
            "description": descriptions,
            "method": [""] * n,
            "charge_code": [""] * n,
            "reverses_ref": [""] * n,
            "source": ["t"] * n,
            "source_ref": [f"r{i}" for i in range(n)],
        }
    )
    with loader(TABLE, COLUMNS, ("source", "source_ref")) as out:
        assert out.insert(frame) == n


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    descriptions=st.lists(AWKWARD, min_size=1, max_size=8),
    dated=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_text_and_nulls_come_back_exactly_as_written(account, descriptions, dated):
    Transaction.objects.all().delete()
    starts = [date(2025, 4, 7) if d else None for d in dated[: len(descriptions)]]
    _write(account.pk, descriptions, starts)
    stored = list(Transaction.objects.order_by("amount").values_list("description", "period_start"))
    assert stored == list(zip(descriptions, starts, strict=True))


def test_copy_text_escapes_only_what_the_text_format_reads_as_escapes():
    frame = pl.DataFrame({"a": ["x\ty", "back\\slash", "line\nbreak\r", 'plain, "quoted"']})
    assert copy_text(frame).get_column("a").to_list() == [
        "x\\ty",
        "back\\\\slash",
        "line\\nbreak\\r",
        'plain, "quoted"',
    ]


def test_copy_text_leaves_a_frame_with_nothing_to_escape_alone():
    frame = pl.DataFrame({"a": ["plain", ""], "n": [1, 2]})
    assert copy_text(frame) is frame


@pytest.fixture
def account(db):
    return make_account()
