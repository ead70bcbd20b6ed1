"""Income and expenditure, proposals, setting up, cancelling, and the kept history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rentbook.arrangements import services, statements
from rentbook.arrangements.breach import State, Status
from rentbook.arrangements.models import ArrangementEvent
from rentbook.arrangements.schedules import Frequency, Rule
from rentbook.audit.models import AuditEvent
from rentbook.ledger.models import Kind
from tests.factories import make_account, post

pytestmark = pytest.mark.django_db

START = date(2025, 3, 3)  # a Monday


def test_the_surplus_and_spending_above_the_guidelines():
    amounts = {
        "earnings": 150_000,
        "rent": 45_000,
        "food": 50_000,
        "priority_debts": 5_000,
        "other_debts": 10_000,
    }
    s = statements.summarise(amounts, adults=1, children=0)
    assert s.surplus == 150_000 - 45_000 - 50_000 - 5_000
    assert s.above_guideline == {"food": (50_000, statements.DEFAULT_GUIDELINES["food"][0])}
    # a larger household has a larger guideline: flagged, never changed
    assert statements.summarise(amounts, adults=2, children=1).above_guideline == {}


def test_proposals_cover_the_charge_and_clear_over_each_term():
    options = services.proposals(
        arrears=52_000,
        weekly_charge=10_000,
        surplus_monthly=9_000,
        rule=Rule(Frequency.WEEKLY, weekday=0),
        first_payment=START,
    )
    by_term = {p.months: p for p in options}
    assert set(by_term) == {3, 6, 12, 24, None}
    assert by_term[12].payments == 52 and by_term[12].instalment == 1_000
    assert by_term[12].ongoing_charge == 10_000 and by_term[12].total == 11_000
    assert by_term[12].clears_on == START + timedelta(weeks=51)
    assert by_term[12].affordable and not by_term[3].affordable
    assert by_term[None].instalment == 9_000 * 12 // 52


def test_an_arrangement_keeps_its_history_and_replaces_the_last(django_user_model):
    acc = make_account()
    post(acc, START - timedelta(days=7), 10_000, kind=Kind.CHARGE)
    a = services.create_arrangement(
        acc,
        kind="informal",
        rule=Rule(Frequency.WEEKLY),
        instalment=2_000,
        start=START,
        first_payment=START,
        payment_method="card",
    )
    assert a.starting_balance == 10_000 and a.review_on == date(2025, 6, 3)
    assert AuditEvent.objects.filter(object_type="arrangements.Arrangement").exists()
    post(acc, START + timedelta(days=1), -2_000, method="card")  # week 1 paid
    # week 2 missed: broken on its date + 5 days
    result = services.record_changes(a, START + timedelta(days=13))
    assert result.state == State.BREACHED and result.breaches == 1
    a.refresh_from_db()
    assert a.state == State.BREACHED and a.breaches == 1
    events = list(ArrangementEvent.objects.filter(arrangement=a).values_list("on", "state"))
    assert events == [(START, "live"), (START + timedelta(days=12), "breached")]
    services.record_changes(a, START + timedelta(days=13))  # idempotent
    assert ArrangementEvent.objects.filter(arrangement=a).count() == 2
    marks = [s.status for s in services.statuses(a, START + timedelta(days=13))]
    assert marks == [Status.PAID, Status.MISSED, Status.DUE, Status.DUE, Status.DUE]
    b = services.create_arrangement(
        acc,
        kind="informal",
        rule=Rule(Frequency.MONTHLY),
        instalment=4_000,
        start=START + timedelta(days=14),
        first_payment=START + timedelta(days=14),
        payment_method="card",
    )
    a.refresh_from_db()
    assert a.state == State.CANCELLED and a.cancelled_on == b.start
    assert services.current(acc, START + timedelta(days=14)) == b


def test_no_arrangement_without_arrears():
    acc = make_account()
    with pytest.raises(services.ArrangementError):
        services.create_arrangement(
            acc,
            kind="informal",
            rule=Rule(Frequency.WEEKLY),
            instalment=2_000,
            start=START,
            first_payment=START,
            payment_method="card",
        )
