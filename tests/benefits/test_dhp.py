"""Discretionary Housing Payments: applications and awards through the door, a lump sum on the
ledger once, the award's end on the worktray four weeks before it comes, and the fund's
committed spend against its budget as an indicator."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rentbook.benefits.models import DhpAward, DhpFund
from rentbook.benefits.spend import committed_pence
from rentbook.engine.models import Recommendation
from rentbook.engine.services import run_arrears
from rentbook.imports.services import import_file
from rentbook.ledger.models import Transaction
from rentbook.performance import indicators as ind
from tests.factories import make_account, post

HEADER = ["award_ref", "tenancy_ref", "reason", "applied_on", "decision", "decided_on",
          "starts_on", "ends_on", "weekly_amount", "lump_sum", "paid_on"]  # fmt: skip
QUARTER = ind.Period(date(2026, 10, 5), date(2027, 1, 3), "Q3 2026/27")


def awards(path, rows):
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=HEADER)
        w.writeheader()
        for r in rows:
            w.writerow(dict.fromkeys(HEADER, "") | r)
    return path


def award(ref, tenancy, **more):
    row = {"award_ref": ref, "tenancy_ref": tenancy, "reason": "bedroom_tax",
           "applied_on": "2026-09-01", "decision": "awarded", "decided_on": "2026-09-10",
           "starts_on": "2026-09-14", "ends_on": "2026-12-27",
           "weekly_amount": "14.00"}  # fmt: skip
    return row | more


@given(
    st.integers(min_value=1, max_value=50_000),
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=1, max_value=200),
)
def test_an_award_split_at_any_day_commits_no_more_than_its_whole(weekly, start, length, cut):
    base = date(2026, 1, 5)
    s = date.fromordinal(base.toordinal() + start)
    e = date.fromordinal(s.toordinal() + length)
    m = date.fromordinal(s.toordinal() + min(cut, length))
    whole = committed_pence(weekly, s, e, s, e)
    halves = committed_pence(weekly, s, e, s, m) + committed_pence(
        weekly, s, e, date.fromordinal(m.toordinal() + 1), e
    )
    assert whole == weekly * (length + 1) // 7
    assert whole - 1 <= halves <= whole  # each part rounds down by less than a penny


@pytest.mark.django_db
def test_a_lump_sum_is_posted_once_and_a_weekly_award_is_not(tmp_path):
    a = make_account()
    path = awards(tmp_path / "dhp.csv", [
        award("D1", a.reference),
        award("D2", a.reference, reason="arrears", weekly_amount="", starts_on="", ends_on="",
              lump_sum="250.00", paid_on="2026-10-20"),
    ])  # fmt: skip
    assert import_file("dhp_awards", path, source="dhp").ok
    assert import_file("dhp_awards", path, source="dhp").rows_posted == 0
    t = Transaction.objects.get(account=a)
    assert (t.amount, t.method, t.posted_on) == (-25_000, "dhp", date(2026, 10, 20))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        (
            {"weekly_amount": ""},
            "weekly_amount",
            "an award is a weekly amount, a lump sum, or both",
        ),
        ({"decision": "refused"}, "weekly_amount", "only an award has an amount"),
        ({"ends_on": "2026-09-01"}, "ends_on", "the award ends before it starts"),
        ({"decided_on": ""}, "decided_on", "a decision needs the day it was made"),
    ],
)
def test_a_bad_award_is_rejected_by_column(tmp_path, change, column, reason):
    a = make_account()
    result = import_file("dhp_awards", awards(tmp_path / "d.csv", [award("D1", a.reference,
                         **change)]), source="dhp")  # fmt: skip
    assert [(p.column, p.reason) for p in result.problems] == [(column, reason)]
    assert not DhpAward.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("policy", ["england", "scotland", "hackney"])
def test_the_awards_end_reaches_the_worktray_four_weeks_before(tmp_path, policy):
    a = make_account(start=date(2024, 4, 1), weekly_rent=10_000)
    post(a, date(2026, 11, 30), 10_000, "charge")
    post(a, date(2026, 11, 30), -10_000, "payment", "card")
    import_file("dhp_awards", awards(tmp_path / "d.csv", [award("D1", a.reference)]),
                source="dhp")  # fmt: skip
    early = Recommendation.objects.filter(run=run_arrears(date(2026, 11, 15), policy), account=a)
    assert not early.filter(action="review_dhp_ending").exists()  # six weeks before
    rec = Recommendation.objects.get(run=run_arrears(date(2026, 12, 6), policy), account=a)
    assert rec.action == "review_dhp_ending"


@pytest.mark.django_db
def test_the_funds_committed_spend_against_its_budget(tmp_path):
    a, b = make_account(), make_account()
    import_file("dhp_awards", awards(tmp_path / "d.csv", [
        award("D1", a.reference),  # 14 Sep to 27 Dec: 84 days of it in the quarter
        award("D2", b.reference, weekly_amount="", starts_on="", ends_on="",
              lump_sum="250.00", paid_on="2026-10-20"),
        award("D3", b.reference, decision="refused", weekly_amount=""),
    ]), source="dhp")  # fmt: skip
    DhpFund.objects.create(year_start=date(2026, 4, 6), budget=1_000_000)
    data = ind.load(QUARTER)
    landlord = ind.Scope.landlord()
    assert ind.dhp_committed(data, landlord).value == 1_400 * 84 // 7 + 25_000 == 41_800
    spent = ind.dhp_fund_spent_pct(data, landlord)
    assert (spent.value, spent.numerator, spent.denominator) == (4.18, 41_800, 1_000_000)
