"""Combination arrangements' arithmetic: every payment allocated to the penny, ongoing
liabilities first, and breach decided per stream."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rentbook.arrangements.breach import Balances, State, Tolerance
from rentbook.arrangements.schedules import Frequency, Rule
from rentbook.debts.combined import CombinedError, Part, overall, part_state, plan

WEEKLY = Rule(Frequency.WEEKLY, weekday=0)
FIRST = date(2026, 12, 14)  # a Monday

streams = st.sampled_from(["rent", "council_tax", "ndr", "hbo", "sundry"])


@st.composite
def parts(draw: st.DrawFn) -> list[Part]:
    n = draw(st.integers(1, 5))
    out = []
    for i in range(n):
        capped = draw(st.booleans())
        out.append(
            Part(
                f"d{i}",
                draw(streams),
                draw(st.integers(2015, 2026)),
                draw(st.integers(0, 300_000)),
                draw(st.integers(0, 5_000)),
                draw(st.none() | st.dates(date(2026, 12, 1), date(2027, 6, 1))),
                draw(st.integers(0, 40_000)) if capped else None,
            )
        )
    return out


@settings(max_examples=200, deadline=None)
@given(parts(), st.integers(1, 50_000))
def test_every_payment_is_allocated_to_the_penny(owed: list[Part], extra: int) -> None:
    ongoing = sum(p.ongoing_each for p in owed)
    if not any(p.arrears for p in owed):
        with pytest.raises(CombinedError):
            plan(ongoing + extra, owed, WEEKLY, FIRST)
        return
    payment = ongoing + extra
    try:
        result = plan(payment, owed, WEEKLY, FIRST)
    except CombinedError as e:
        assert "payments would be needed" in str(e)
        return
    paid = dict.fromkeys((p.key for p in owed), 0)
    ongoing_paid = dict.fromkeys((p.key for p in owed), 0)
    by_key = {p.key: p for p in owed}
    for pay in result.payments:
        # never more than received; a whole payment until the last
        assert sum(pay.ongoing.values()) + sum(pay.arrears.values()) == pay.amount <= payment
        if pay is not result.payments[-1]:
            assert pay.amount == payment
        for key, pence in pay.ongoing.items():
            assert 0 < pence <= by_key[key].ongoing_each
            ongoing_paid[key] += pence
        for key, pence in pay.arrears.items():
            assert pence > 0
            paid[key] += pence
    # every penny of arrears cleared exactly: never a negative debt
    assert paid == {p.key: p.arrears for p in owed}
    for p in owed:
        if p.ongoing_total is not None:
            assert ongoing_paid[p.key] <= p.ongoing_total
    # the same terms give the same plan, whatever order the debts come in
    assert plan(payment, list(reversed(owed)), WEEKLY, FIRST) == result


def test_ongoing_first_then_priority_debts() -> None:
    owed = [
        Part("inv", "sundry", 2025, 10_000),
        Part("ct25", "council_tax", 2025, 20_000),
        Part("rent", "rent", 0, 5_000, 9_000),
        Part("ct26", "council_tax", 2026, 0, 3_000, date(2027, 1, 1), 9_000),
    ]
    p = plan(20_000, owed, WEEKLY, FIRST)
    first = p.payments[0]
    assert first.ongoing == {"rent": 9_000, "ct26": 3_000}
    # £80 left: rent's £50 arrears first, then last year's council tax
    assert first.arrears == {"rent": 5_000, "ct25": 3_000}
    # this year's instalments stop once they are paid: three payments of £30 by 1 January
    assert [x.ongoing.get("ct26", 0) for x in p.payments[:4]] == [3_000, 3_000, 3_000, 0]
    assert p.clears("inv") == p.clears_on


def test_a_payment_that_does_not_cover_the_ongoing_charges_is_refused() -> None:
    owed = [Part("rent", "rent", 0, 5_000, 9_000)]
    with pytest.raises(CombinedError, match="does not cover the ongoing charges"):
        plan(9_000, owed, WEEKLY, FIRST)


def _paid_as_planned(opening: int, shares: list[tuple[date, int]], skip: set[date]) -> Balances:
    return Balances.from_movements(opening, [(d, -a) for d, a in shares if d not in skip])


def test_breach_is_per_stream() -> None:
    owed = [Part("rent", "rent", 0, 10_000, 0), Part("ct", "council_tax", 2025, 10_000)]
    p = plan(4_000, owed, WEEKLY, FIRST)
    start = FIRST - timedelta(days=3)
    tol = Tolerance(5, 0)
    as_of = FIRST + timedelta(weeks=6)
    rent = _paid_as_planned(10_000, [(i.due, i.amount) for i in p.instalments("rent")], set())
    # the council tax share is missed from the fourth payment
    ct_shares = [(i.due, i.amount) for i in p.instalments("ct")]
    missed = {d for d, _ in ct_shares[1:]}
    ct = _paid_as_planned(10_000, ct_shares, missed)
    r = part_state(owed[0], p, rent, as_of, tol, start=start)
    c = part_state(owed[1], p, ct, as_of, tol, start=start)
    assert r.state == State.COMPLETED
    assert c.state == State.BREACHED and c.breaches == 1
    assert overall([(True, r.state), (True, c.state)]) == State.BREACHED
    kept = part_state(
        owed[1], p, _paid_as_planned(10_000, ct_shares, set()), as_of, tol, start=start
    )
    assert kept.state == State.COMPLETED
    assert overall([(True, r.state), (True, kept.state)]) == State.COMPLETED


def test_an_ongoing_only_part_is_broken_when_it_falls_behind() -> None:
    owed = [Part("rent", "rent", 0, 10_000), Part("ct26", "council_tax", 2026, 0, 2_000)]
    p = plan(5_000, owed, WEEKLY, FIRST)
    start = FIRST - timedelta(days=1)
    tol = Tolerance(5, 0)
    behind = Balances.from_movements(0, [(FIRST + timedelta(days=1), 2_000)])
    up_to_date = Balances.from_movements(0, [])
    as_of = FIRST + timedelta(weeks=2)
    assert part_state(owed[1], p, behind, as_of, tol, start=start).state == State.BREACHED
    assert part_state(owed[1], p, up_to_date, as_of, tol, start=start).state == State.LIVE
    # an ongoing-only part never completes an arrangement on its own
    assert overall([(True, State.LIVE), (False, State.LIVE)]) == State.LIVE
    assert overall([(True, State.COMPLETED), (False, State.LIVE)]) == State.COMPLETED
