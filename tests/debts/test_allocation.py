"""A combination arrangement's payment allocated across a customer's debts: never more than
received, never more than a debt owes (no negative debt), ongoing liabilities before arrears,
priority debts before the rest, and the same payment allocated the same way when re-run."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rentbook.debts.allocation import DEFAULT_PRIORITY, Owed, allocate

pence = st.integers(min_value=0, max_value=5_000_00)


@st.composite
def debts(draw) -> list[Owed]:
    n = draw(st.integers(min_value=0, max_value=6))
    return [
        Owed(f"D{k}", draw(st.sampled_from(DEFAULT_PRIORITY)), draw(st.integers(2015, 2026)),
             draw(pence), draw(pence))
        for k in range(n)
    ]  # fmt: skip


@given(pence, debts())
def test_every_penny_is_allocated_once_and_no_debt_goes_below_nothing(amount, owed):
    out = allocate(amount, owed)
    assert sum(out.to.values()) + out.unallocated == amount
    assert all(v > 0 for v in out.to.values())
    by_key = {o.key: o for o in owed}
    for key, v in out.to.items():
        assert v <= by_key[key].ongoing + by_key[key].arrears
    # something is left over only when everything due has been paid
    if out.unallocated:
        assert sum(out.to.values()) == sum(o.ongoing + o.arrears for o in owed)


@given(pence, debts())
def test_ongoing_liabilities_are_paid_before_any_arrears(amount, owed):
    out = allocate(amount, owed)
    ongoing = sum(o.ongoing for o in owed)
    to_arrears = sum(max(0, out.to.get(o.key, 0) - o.ongoing) for o in owed)
    if to_arrears:
        assert sum(min(out.to.get(o.key, 0), o.ongoing) for o in owed) == ongoing


@given(pence, debts())
def test_a_priority_debt_is_paid_before_a_lower_one_gets_anything(amount, owed):
    """In each part (ongoing, then arrears) debts are filled in order of stream priority, then
    oldest first: none is given anything while one before it is still short."""
    out = allocate(amount, owed)
    rank = {s: i for i, s in enumerate(DEFAULT_PRIORITY)}
    ordered = sorted(owed, key=lambda o: (rank[o.stream], o.year, o.key))
    ongoing = [min(out.to.get(o.key, 0), o.ongoing) for o in ordered]
    arrears = [out.to.get(o.key, 0) - g for o, g in zip(ordered, ongoing, strict=True)]
    for given_part, due in ((ongoing, [o.ongoing for o in ordered]),
                            (arrears, [o.arrears for o in ordered])):  # fmt: skip
        for j, g in enumerate(given_part):
            if g:
                assert given_part[:j] == due[:j], (ordered, out)


@given(pence, debts())
def test_the_same_payment_is_allocated_the_same_way_in_any_order(amount, owed):
    assert allocate(amount, owed) == allocate(amount, list(reversed(owed)))


def test_rent_and_council_tax_first_and_the_oldest_debt_first():
    owed = [
        Owed("SUNDRY-1", "sundry", 2025, 0, 200_00),
        Owed("CT-2024", "council_tax", 2024, 0, 300_00),
        Owed("CT-2026", "council_tax", 2026, 120_00, 0),
        Owed("RENT", "rent", 2026, 95_00, 400_00),
    ]
    out = allocate(500_00, owed)
    # this week's rent and this month's council tax, then rent arrears, then the oldest
    # council tax; nothing left for the sundry debt
    assert out.to == {"RENT": 95_00 + 285_00, "CT-2026": 120_00}
    more = allocate(1_400_00, owed)
    assert more.to == {"RENT": 495_00, "CT-2026": 120_00, "CT-2024": 300_00, "SUNDRY-1": 200_00}
    assert more.unallocated == 1_400_00 - 1_115_00


def test_a_stream_without_a_priority_or_a_negative_amount_is_refused():
    with pytest.raises(ValueError, match="no priority given for: parking"):
        allocate(100, [Owed("P1", "parking", 2026, 0, 100)])
    with pytest.raises(ValueError, match="£0 or more"):
        allocate(-1, [])
    with pytest.raises(ValueError, match="£0 or more"):
        Owed("X", "rent", 2026, -1, 0)
