"""The arrangement checks kept at a checkpoint and folded on: the same facts as working every
arrangement out from its start, through late rows, changed terms and new arrangements."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from rentbook.arrangements import services
from rentbook.arrangements.facts import run_facts
from rentbook.arrangements.models import ArrangementProgress, ProgressPoint
from rentbook.arrangements.schedules import Frequency, Rule
from rentbook.engine.features import open_accounts_sql
from rentbook.ledger.models import Kind
from rentbook.ledger.positions import refresh_checkpoints
from tests.arrangements.test_facts import START, make_arrangements
from tests.factories import post

pytestmark = pytest.mark.django_db


def sunday(weeks: int) -> date:
    return START + timedelta(days=6 + 7 * weeks)


def facts(as_of: date, checkpoint=None) -> dict[int, dict]:
    frame = run_facts(as_of, open_accounts_sql(as_of), checkpoint=checkpoint)
    return {r["account_id"]: r for r in frame.to_dicts()}


def agree(as_of: date, checkpoint, arrangements) -> set:
    """Folded on from the checkpoint's point, each fact is the one worked out from the start
    (run_facts with no checkpoint) and the per-arrangement rule's."""
    got, scratch = facts(as_of, checkpoint), facts(as_of)
    assert got == scratch
    seen = set()
    for a in arrangements:
        a.refresh_from_db()
        latest = a.account.arrangements.filter(start__lte=as_of).order_by("start", "id").last()
        if latest is None:
            assert a.account_id not in got
            continue
        want = services.assessment(latest, as_of)
        row = got[a.account_id]
        assert (row["arrangement_state"], row["arrangement_breaches"]) == (
            want.state.value,
            want.breaches + latest.prior_breaches,
        ), (latest.pk, as_of)
        seen.add(row["arrangement_state"])
    return seen


def test_folding_on_from_each_point_gives_the_facts_worked_out_from_the_start():
    rng = random.Random(20261208)
    made = make_arrangements(rng, 50)
    seen: set = set()
    for weeks in (3, 5, 9, 14, 22, 30):
        checkpoint = refresh_checkpoints(sunday(weeks))
        for days in (1, 4, 6):
            seen |= agree(sunday(weeks) + timedelta(days=days), checkpoint, made)
        point = ProgressPoint.objects.get(as_at=sunday(weeks), through_id=checkpoint.through_id)
        assert point.arrangements == ArrangementProgress.objects.filter(point=point).count() > 0
        # between runs: what a week at a real landlord brings
        *late, b, c, d = rng.sample(made, 8)
        for a in late:  # charged late, dated before the point
            post(a.account, sunday(weeks) - timedelta(days=10), 20_000, kind=Kind.CHARGE)
        post(b.account, sunday(weeks) + timedelta(days=2), -rng.randint(100, 5_000))
        if c.cancelled_on is None:  # a cancellation recorded late, dated before the point
            services.cancel(c, max(c.start, sunday(weeks) - timedelta(days=3)), "test")
        d.instalment += 100  # terms changed since the point was made
        d.save()
    assert seen >= {"live", "breached", "completed", "cancelled"}
    assert ProgressPoint.objects.count() == 2  # the newest and the one before


def test_a_point_is_used_and_late_rows_or_new_terms_are_worked_out_again():
    made = make_arrangements(random.Random(7), 12)
    checkpoint = refresh_checkpoints(sunday(12))
    as_of = sunday(12) + timedelta(days=3)
    assert facts(as_of, checkpoint) == facts(as_of)  # the point made, and right
    # the kept progress is what the run reads: altered, the facts follow it
    kept = ArrangementProgress.objects.filter(arrangement__in=made, settled=False)
    kept.update(breaches=40)
    changed = facts(as_of, checkpoint)
    altered = {r.account_id for r in kept}
    assert altered
    for account in altered:
        assert changed[account]["arrangement_breaches"] >= 40
    # ...unless the ledger holds rows the point did not see, before its day
    account = sorted(altered)[0]
    post_account = next(a.account for a in made if a.account_id == account)
    post(post_account, sunday(12) - timedelta(days=30), -1, method="card")
    again = facts(as_of, checkpoint)
    assert again[account]["arrangement_breaches"] < 40
    assert again[account] == facts(as_of)[account]
    # ...or the arrangement's terms changed since
    other = sorted(altered)[-1]
    if other != account:
        arrangement = next(a for a in made if a.account_id == other)
        arrangement.tolerance_pence += 1
        arrangement.save()
        assert facts(as_of, checkpoint)[other] == facts(as_of)[other]


def test_an_arrangement_begun_after_the_point_is_worked_out_from_its_start():
    made = make_arrangements(random.Random(11), 6)
    checkpoint = refresh_checkpoints(sunday(10))
    facts(sunday(10) + timedelta(days=1), checkpoint)  # the point made
    acc = made[0].account
    post(acc, sunday(10) + timedelta(days=1), 30_000, kind=Kind.CHARGE)
    services.create_arrangement(
        acc,
        kind="informal",
        rule=Rule(Frequency.WEEKLY),
        instalment=1_000,
        start=sunday(10) + timedelta(days=2),
        first_payment=sunday(10) + timedelta(days=2),
        payment_method="card",
    )
    agree(sunday(10) + timedelta(days=6), checkpoint, made)


def test_cancelled_the_day_after_the_point_its_last_check_is_the_points_day():
    """The point checks only the payments' days; the day before a cancellation is checked
    when the facts are read, even when that day is the point's own."""
    from tests.factories import make_account

    acc = make_account(weekly_rent=10_000)
    post(acc, START - timedelta(days=3), 50_000, kind=Kind.CHARGE)
    a = services.create_arrangement(
        acc,
        kind="informal",
        rule=Rule(Frequency.WEEKLY),
        instalment=1_000,
        start=START,
        first_payment=START,  # Mondays: the point's day, a Sunday, is no payment's
        payment_method="card",
        tolerance=services.Tolerance(0, 0),
    )
    for week in range(5):
        post(acc, START + timedelta(days=7 * week), -1_000, method="card")
    post(acc, sunday(4) - timedelta(days=1), 10_000, kind=Kind.CHARGE)  # after the last due
    services.cancel(a, sunday(4) + timedelta(days=1), "test")
    checkpoint = refresh_checkpoints(sunday(4))
    row = facts(sunday(4) + timedelta(days=3), checkpoint)[acc.pk]
    assert (row["arrangement_state"], row["arrangement_breaches"]) == ("cancelled", 1)
    assert row == facts(sunday(4) + timedelta(days=3))[acc.pk]
