"""The run's arrangement facts: vectorised, and the same answer as the per-arrangement rule."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from rentbook.arrangements import services
from rentbook.arrangements.breach import Tolerance
from rentbook.arrangements.facts import run_facts
from rentbook.arrangements.schedules import LAST, Frequency, Rule
from rentbook.engine.features import open_accounts_sql
from rentbook.ledger.models import Kind
from rentbook.ledger.positions import refresh_checkpoints
from tests.factories import make_account, post

pytestmark = pytest.mark.django_db

START = date(2025, 1, 6)


def _rule(rng: random.Random) -> Rule:
    f = rng.choice(list(Frequency))
    if f == Frequency.MONTHLY:
        if rng.random() < 0.5:
            return Rule(f, day_of_month=rng.randint(1, 31))
        return Rule(f, weekday=rng.randint(0, 6), nth=rng.choice([1, 2, 3, 4, LAST]))
    return Rule(f)


def make_arrangements(rng: random.Random, n: int = 40) -> list:
    """``n`` arrangements of every frequency on accounts in arrears, paid on time, a little
    short, late or at random, some charged more and some cancelled."""
    made = []
    for _ in range(n):
        acc = make_account(weekly_rent=10_000)
        arrears = rng.randint(5_000, 200_000)
        post(acc, START - timedelta(days=3), arrears, kind=Kind.CHARGE)
        start = START + timedelta(days=rng.randint(0, 60))
        rule = _rule(rng)
        lump = rng.choice([0, 0, arrears // 4])
        a = services.create_arrangement(
            acc,
            kind=rng.choice(["informal", "court_ordered"]),
            rule=rule,
            instalment=rng.randint(max(500, arrears // 100), arrears),
            start=start,
            first_payment=start + timedelta(days=rng.randint(0, 10)),
            payment_method="card",
            lump_sum=lump,
            lump_sum_on=start if lump else None,
            tolerance=Tolerance(rng.randint(0, 7), rng.choice([0, 500])),
        )
        if rng.random() < 0.4:
            # nearly on schedule: each payment a little short, or a few days late
            for p in services.payments_of(a)[:20]:
                day = p.due + timedelta(days=rng.randint(0, 7))
                post(acc, day, -max(1, p.amount - rng.randint(0, 600)), method="card")
        else:
            for _ in range(rng.randint(0, 12)):
                day = start + timedelta(days=rng.randint(-5, 200))
                post(acc, day, -rng.randint(100, arrears // 2 + 200), method="card")
        if rng.random() < 0.3:
            post(acc, start + timedelta(days=rng.randint(0, 100)), 10_000, kind=Kind.CHARGE)
        if rng.random() < 0.15:
            services.cancel(a, start + timedelta(days=rng.randint(0, 120)), "test")
        made.append(a)
    return made


@pytest.mark.parametrize("checkpoint", [False, True])
def test_the_vectorised_facts_agree_with_the_rule_for_each_arrangement(checkpoint):
    rng = random.Random(20251123)
    made = make_arrangements(rng)
    if checkpoint:  # the balance on the day from a checkpoint and the rows after it
        refresh_checkpoints(START + timedelta(days=20))
        post(made[0].account, START + timedelta(days=2), -100, method="card")  # a late row
    seen = set()
    for as_of in (START + timedelta(days=40), START + timedelta(days=150), date(2026, 2, 1)):
        frame = run_facts(as_of, open_accounts_sql(as_of))
        got = {r["account_id"]: r for r in frame.to_dicts()}
        for a in made:
            if a.start > as_of:
                assert a.account_id not in got
                continue
            want = services.assessment(a, as_of)
            row = got[a.account_id]
            seen.add((row["arrangement_state"], min(row["arrangement_breaches"], 2)))
            assert (row["arrangement_state"], row["arrangement_breaches"]) == (
                want.state.value,
                want.breaches,
            ), (a.pk, as_of)
            assert row["arrangement_start"] == a.start
            assert row["arrangement_type"] == (
                "formal" if a.kind == "court_ordered" else "informal"
            )
            assert row["arrangement_review"] == a.review_on
    # the generated cases reach every state, and more than one breach
    assert {s for s, _ in seen} == {"live", "breached", "completed", "cancelled"}
    assert any(b == 2 for _, b in seen)  # broken more than once


def test_the_latest_arrangement_is_the_one_reported():
    acc = make_account()
    post(acc, START, 50_000, kind=Kind.CHARGE)
    services.create_arrangement(
        acc,
        kind="informal",
        rule=Rule(Frequency.WEEKLY),
        instalment=1_000,
        start=START + timedelta(days=1),
        first_payment=START + timedelta(days=1),
        payment_method="card",
    )
    second = services.create_arrangement(
        acc,
        kind="court_ordered",
        rule=Rule(Frequency.MONTHLY),
        instalment=5_000,
        start=START + timedelta(days=30),
        first_payment=START + timedelta(days=30),
        payment_method="card",
    )
    as_of = START + timedelta(days=31)
    row = run_facts(as_of, open_accounts_sql(as_of)).row(0, named=True)
    assert row["arrangement_start"] == second.start
    assert row["arrangement_type"] == "formal"
    assert row["arrangement_state"] == "live"
    assert row["arrangement_breaches"] == 1  # the one it replaced was broken once
    # a day earlier, the first (not yet replaced) arrangement, broken: nothing paid
    earlier = START + timedelta(days=29)
    row = run_facts(earlier, open_accounts_sql(earlier)).row(0, named=True)
    assert row["arrangement_type"] == "informal"
    assert row["arrangement_state"] == "breached" and row["arrangement_breaches"] == 1


def test_could_pay_more_when_payments_run_ahead_or_the_statement_is_stale():
    ahead = make_account()
    post(ahead, START, 50_000, kind=Kind.CHARGE)
    services.create_arrangement(
        ahead,
        kind="informal",
        rule=Rule(Frequency.WEEKLY),
        instalment=1_000,
        start=START + timedelta(days=1),
        first_payment=START + timedelta(days=1),
        payment_method="card",
    )
    post(ahead, START + timedelta(days=2), -10_000, method="card")
    stale = make_account()
    post(stale, START, 50_000, kind=Kind.CHARGE)
    st = services.record_statement(stale, START - timedelta(days=400), {"earnings": 100_000})
    services.create_arrangement(
        stale,
        kind="informal",
        rule=Rule(Frequency.WEEKLY),
        instalment=1_000,
        start=START + timedelta(days=1),
        first_payment=START + timedelta(days=1),
        payment_method="card",
        statement=st,
    )
    post(stale, START + timedelta(days=2), -2_000, method="card")
    as_of = START + timedelta(days=10)
    rows = {r["account_id"]: r for r in run_facts(as_of, open_accounts_sql(as_of)).to_dicts()}
    assert rows[ahead.pk]["arrangement_could_pay_more"] is True
    assert rows[stale.pk]["arrangement_could_pay_more"] is True
    assert rows[ahead.pk]["arrangement_state"] == "live"
