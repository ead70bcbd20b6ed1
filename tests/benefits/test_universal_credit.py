"""The DWP's schedule of Universal Credit managed payments: a payment later than its usual
cycle but on the day the schedule gives is money on its way, so its claimants' arrears stay
technical and no true-arrears action is taken; once the expected day and the grace period
pass, the arrears are true again. Paid lines post once, also when a later schedule pays them."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest

from rentbook.benefits.facts import expected_for
from rentbook.engine.features import build_features
from rentbook.engine.models import Recommendation
from rentbook.engine.services import run_arrears
from rentbook.imports.services import import_file
from rentbook.ledger.balances import GRACE_DAYS, account_position
from rentbook.ledger.models import Transaction
from tests.factories import make_account, post

pytestmark = pytest.mark.django_db

HEADER = ["line_ref", "tenancy_ref", "claimant_ref", "period_start", "period_end",
          "expected_on", "paid_on", "amount", "deduction"]  # fmt: skip
AS_OF = date(2026, 11, 30)


def schedule(path, rows):
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=HEADER)
        w.writeheader()
        for r in rows:
            w.writerow(dict.fromkeys(HEADER, "") | r)
    return path


@pytest.fixture
def claimant():
    """A managed payment of £400 for 11 September to 10 October, paid 15 October; the rent
    charged weekly since; the next payment (for October to November) is late on its cycle."""
    a = make_account(start=date(2025, 4, 7), weekly_rent=10_000, benefit="universal_credit_managed")
    monday = date(2025, 4, 7)
    while monday <= AS_OF:
        post(a, monday, 10_000, "charge")
        monday += timedelta(weeks=1)
    paid = date(2026, 10, 15)
    # the tenant paid everything up to the managed payment's cover
    owed = sum(t.amount for t in Transaction.objects.filter(account=a, posted_on__lte=paid))
    post(a, paid, -(owed - 40_000), "payment", "card")
    post(a, paid, -40_000, "payment", "universal_credit",
         period_start=date(2026, 9, 11), period_end=date(2026, 10, 10))  # fmt: skip
    # and paid its own share of the weeks since; what is left is the managed payment's
    post(a, date(2026, 11, 29), -30_000, "payment", "card")
    return a


def line(a, **more):
    return {"line_ref": "UC-2", "tenancy_ref": a.reference, "claimant_ref": "C123",
            "period_start": "2026-10-11", "period_end": "2026-11-10",
            "expected_on": "2026-11-27", "amount": "400.00"} | more  # fmt: skip


def technical(a, as_of):
    frame = build_features(as_of)
    return (
        frame.filter(frame["account_id"] == a.id).select("technical_arrears", "true_arrears").row(0)
    )


def test_without_the_schedule_the_late_payment_makes_true_arrears(claimant):
    # 15 October + 30-day cycle + grace: overdue by 30 November
    assert (AS_OF - date(2026, 10, 15)).days > 30 + GRACE_DAYS
    tech, true = technical(claimant, AS_OF)
    assert tech == 0 and true > 0
    assert account_position(claimant, AS_OF).technical_arrears == 0


def test_a_late_schedule_keeps_the_arrears_technical_and_takes_no_true_arrears_action(
    claimant, tmp_path
):
    assert import_file("uc_schedule", schedule(tmp_path / "uc.csv", [line(claimant)]),
                       source="dwp").ok  # fmt: skip
    tech, true = technical(claimant, AS_OF)
    assert true == 0 and tech > 0
    # the account page reads it the same way
    position = account_position(claimant, AS_OF, expected_for(claimant.pk, AS_OF))
    assert (position.technical_arrears, position.true_arrears) == (tech, true)
    for policy in ("england", "scotland", "hackney"):
        run = run_arrears(AS_OF, policy)
        rec = Recommendation.objects.filter(run=run, account=claimant).first()
        assert rec is None or rec.action == "no_action", (policy, rec and rec.action)


def test_once_the_expected_day_and_grace_pass_the_arrears_are_true(claimant, tmp_path):
    import_file("uc_schedule", schedule(tmp_path / "uc.csv", [line(claimant)]), source="dwp")
    later = date(2026, 11, 27) + timedelta(days=GRACE_DAYS + 1)
    assert technical(claimant, later)[0] == 0


def test_a_later_schedule_reporting_the_line_paid_posts_it_once(claimant, tmp_path):
    import_file("uc_schedule", schedule(tmp_path / "a.csv", [line(claimant)]), source="dwp")
    assert not Transaction.objects.filter(source="dwp").exists()
    paid = schedule(tmp_path / "b.csv", [line(claimant, paid_on="2026-11-28")])
    import_file("uc_schedule", paid, source="dwp")
    import_file("uc_schedule", paid, source="dwp")
    t = Transaction.objects.get(source="dwp")
    assert (t.amount, t.posted_on, t.method) == (-40_000, date(2026, 11, 28), "universal_credit")
    assert expected_for(claimant.pk, AS_OF) == {}


def test_a_line_paid_after_the_day_was_still_coming_on_it(claimant, tmp_path):
    """A past day's snapshot (the backtest's, the risk model's training) reads the schedule as
    it stood that day: a line paid later was expected and unpaid then, so its arrears were
    technical; from the day it was paid, it is not expected."""
    paid = schedule(tmp_path / "b.csv", [line(claimant, paid_on="2026-12-03")])
    import_file("uc_schedule", paid, source="dwp")
    assert expected_for(claimant.pk, AS_OF)["universal_credit"].amount == 40_000
    tech, true = technical(claimant, AS_OF)
    assert true == 0 and tech > 0
    assert expected_for(claimant.pk, date(2026, 12, 3)) == {}
