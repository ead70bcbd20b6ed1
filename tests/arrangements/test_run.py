"""The arrears run uses the arrangement facts: a due review reaches the worktray, the first
breach gets a call and the second the policy's next stage."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rentbook.arrangements import services
from rentbook.arrangements.schedules import Frequency, Rule
from rentbook.engine.models import Recommendation
from rentbook.engine.services import run_arrears
from rentbook.ledger.models import Kind
from tests.factories import make_account, post

pytestmark = pytest.mark.django_db

START = date(2025, 6, 2)  # a Monday
AS_OF = date(2025, 9, 8)


def _arranged(paid: list[tuple[int, int]], review_on: date | None = None):
    acc = make_account(weekly_rent=10_000, start=date(2024, 4, 1))
    post(acc, START - timedelta(days=5), 60_000, kind=Kind.CHARGE)
    services.create_arrangement(
        acc,
        kind="informal",
        rule=Rule(Frequency.WEEKLY),
        instalment=2_000,
        start=START,
        first_payment=START,
        payment_method="card",
        review_on=review_on,
    )
    for days, amount in paid:
        post(acc, START + timedelta(days=days), -amount, method="card")
    return acc


def test_the_run_reviews_chases_and_escalates_arrangements():
    on_time = [(7 * k, 2_000) for k in range(15)]
    kept = _arranged(on_time, review_on=AS_OF - timedelta(days=1))
    monitored = _arranged(on_time, review_on=AS_OF + timedelta(days=30))
    # paid 10 weeks, then stopped: broken once
    once = _arranged([(7 * k, 2_000) for k in range(12)])
    # missed week 2, caught up in week 4, then stopped: broken twice
    twice = _arranged([(0, 2_000), (22, 6_000), (28, 2_000), (35, 2_000)])
    run = run_arrears(AS_OF, "england")
    recs = {r.account_id: r for r in Recommendation.objects.filter(run=run)}
    assert recs[kept.pk].action == "review_arrangement"
    assert recs[kept.pk].category == "review"
    assert recs[monitored.pk].action == "monitor_arrangement"
    assert recs[once.pk].action == "call_about_broken_arrangement"
    assert recs[twice.pk].rule == "escalate_broken_arrangement"
    assert recs[twice.pk].action == "send_pre_action_letter"
