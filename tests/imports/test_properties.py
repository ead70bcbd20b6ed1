"""Properties: any valid file imported twice changes nothing; the vectorised money parser
agrees with rentbook.money.parse_pounds on every input."""

from __future__ import annotations

import itertools

import polars as pl
import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rentbook.imports import parsing
from rentbook.imports.services import import_file
from rentbook.ledger.models import KIND_SIGN, Account, Transaction
from rentbook.money import MoneyError, format_plain, parse_pounds

from .conftest import TX_HEADER, tx_row, write_csv

_sources = itertools.count()


@st.composite
def ledger_rows(draw):
    n = draw(st.integers(1, 25))
    rows = []
    for i in range(n):
        kind = draw(st.sampled_from(sorted(k for k in KIND_SIGN if k != "reversal")))
        sign = KIND_SIGN[kind] or draw(st.sampled_from([1, -1]))
        pence = sign * draw(st.integers(1, 10_000_000))
        rows.append(
            tx_row(
                f"R{i}",
                tenancy=draw(st.sampled_from(["T1", "T2"])),
                kind=kind,
                amount=format_plain(pence),
            )
        )
    # Reverse some of them, each at most once.
    for j, target in enumerate(draw(st.sets(st.integers(0, n - 1), max_size=3))):
        t = rows[target]
        amount = format_plain(-parse_pounds(t["amount"]))
        rows.append(
            tx_row(
                f"V{j}",
                tenancy=t["tenancy_ref"],
                kind="reversal",
                amount=amount,
                reverses=t["transaction_ref"],
            )
        )
    return draw(st.permutations(rows))


def balances(source):
    return dict(
        Account.objects.filter(transactions__source=source)
        .annotate(b=Sum("transactions__amount"))
        .values_list("reference", "b")
    )


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=ledger_rows(), batch_rows=st.integers(1, 30))
def test_importing_any_valid_file_twice_changes_nothing(tenancies, tmp_path, rows, batch_rows):
    source = f"p{next(_sources)}"
    path = write_csv(tmp_path / f"{source}.csv", list(rows), TX_HEADER)
    first = import_file("transactions", path, source=source, batch_rows=batch_rows)
    assert first.ok, first.problems
    assert first.rows_posted == len(rows)
    posted = balances(source)
    expected: dict[str, int] = {}
    for r in rows:
        expected[r["tenancy_ref"]] = expected.get(r["tenancy_ref"], 0) + parse_pounds(r["amount"])
    # The balance is the sum of the file's transactions, to the penny.
    assert posted == expected

    count = Transaction.objects.filter(source=source).count()
    # the same bytes (known by their hash), and the same rows in other bytes (read again)
    copy = tmp_path / f"{source}-lf.csv"
    copy.write_bytes(path.read_bytes().replace(b"\r\n", b"\n"))
    for again_path in (path, copy):
        again = import_file("transactions", again_path, source=source, batch_rows=batch_rows)
        assert (again.rows_posted, again.rows_present, again.rows_rejected) == (0, len(rows), 0)
        assert Transaction.objects.filter(source=source).count() == count
        assert balances(source) == posted


money_text = st.one_of(
    st.from_regex(r"\A\(?[-+]?£?-?[0-9,]{0,9}(\.[0-9]{0,4})?\)?\Z", fullmatch=True),
    st.integers(-(10**12), 10**12).map(format_plain),
    st.text(alphabet="0123456789.,-£() ", max_size=10),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(money_text, min_size=1, max_size=20))
def test_the_vectorised_money_parser_agrees_with_parse_pounds(texts):
    cleaned = parsing.clean(pl.Series("amount", texts))
    pence, reasons = parsing.money(cleaned)
    for text, value, reason in zip(texts, pence.to_list(), reasons.to_list(), strict=True):
        try:
            want = parse_pounds(text)
        except MoneyError:
            want = None
        if not text.strip():
            assert value is None and reason is None
        else:
            assert value == want, text
            assert (reason is None) == (want is not None), text
