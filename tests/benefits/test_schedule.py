"""Housing Benefit schedules through the door: a paid line is a ledger credit for the period it
covers, posted once; a suspended or ended claim and its shortfalls reach the run as facts."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from rentbook.benefits.facts import run_facts
from rentbook.benefits.models import HousingBenefitLine
from rentbook.imports.services import import_file
from rentbook.ledger.models import Account, Transaction
from tests.factories import make_account

pytestmark = pytest.mark.django_db

HEADER = [
    "line_ref", "tenancy_ref", "claim_ref", "scheme", "period_start", "period_end", "paid_on",
    "amount", "status", "reason", "under_occupancy", "benefit_cap",
]  # fmt: skip


def schedule(path, rows):
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=HEADER)
        w.writeheader()
        for r in rows:
            w.writerow(dict.fromkeys(HEADER, "") | r)
    return path


def line(ref, tenancy, **more):
    return {"line_ref": ref, "tenancy_ref": tenancy, "claim_ref": "HB1001", "scheme": "allowance",
            "period_start": "2026-10-12", "period_end": "2026-11-08", "paid_on": "2026-11-12",
            "amount": "480.00", "status": "paid"} | more  # fmt: skip


def test_a_paid_line_is_a_ledger_credit_for_its_period_posted_once(tmp_path):
    a = make_account(benefit="housing_benefit")
    path = schedule(tmp_path / "hb.csv", [line("L1", a.reference, under_occupancy="14.00")])
    assert import_file("hb_schedule", path, source="hb").ok
    again = import_file("hb_schedule", path, source="hb")
    assert again.rows_posted == 0
    t = Transaction.objects.get(account=a)
    assert (t.kind, t.method, t.amount) == ("payment", "housing_benefit", -48_000)
    assert (t.posted_on, t.period_start, t.period_end) == (
        date(2026, 11, 12), date(2026, 10, 12), date(2026, 11, 8)
    )  # fmt: skip


def test_a_suspended_claim_and_its_shortfall_are_the_runs_facts(tmp_path):
    a = make_account(benefit="housing_benefit")
    path = schedule(tmp_path / "hb.csv", [
        line("L1", a.reference, under_occupancy="14.00", benefit_cap="5.50"),
        line("L2", a.reference, period_start="2026-11-09", period_end="2026-12-06",
             paid_on="", amount="0.00", status="suspended", reason="change of circumstances",
             under_occupancy="14.00", benefit_cap="5.50"),
    ])  # fmt: skip
    assert import_file("hb_schedule", path, source="hb").ok
    open_sql = f"SELECT id FROM {Account._meta.db_table}"
    facts = run_facts(date(2026, 11, 20), open_sql).to_dicts()
    assert facts == [
        {"account_id": a.id, "hb_status": "suspended", "hb_shortfall": 1_950, "dhp_ends": None}
    ]
    assert Transaction.objects.filter(account=a).count() == 1  # the suspended line paid nothing


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        ({"amount": "0.00"}, "amount", "a paid line needs the amount paid"),
        ({"status": "ended"}, "amount", "a suspended or ended claim pays nothing"),
        ({"period_end": "2026-10-01"}, "period_end", "the period ends before it starts"),
        ({"under_occupancy": "-1.00"}, "under_occupancy", "a shortfall is £0 or more a week"),
    ],
)
def test_a_bad_line_is_rejected_by_column_and_the_rest_kept(tmp_path, change, column, reason):
    a = make_account(benefit="housing_benefit")
    rows = [line("L1", a.reference, **change), line("L2", a.reference)]
    path = schedule(tmp_path / "hb.csv", rows)
    result = import_file("hb_schedule", path, source="hb")
    assert [(p.line, p.column, p.reason) for p in result.problems] == [(2, column, reason)]
    assert HousingBenefitLine.objects.get().import_ref == "L2"


@pytest.mark.parametrize("policy", ["england", "scotland", "hackney"])
def test_every_policy_acts_when_housing_benefit_stops_and_rent_is_owed(tmp_path, policy):
    from rentbook.engine.models import Recommendation
    from rentbook.engine.services import run_arrears
    from tests.factories import post

    a = make_account(start=date(2025, 4, 7), benefit="housing_benefit")
    post(a, date(2026, 11, 9), 10_000, "charge")
    post(a, date(2026, 11, 16), 10_000, "charge")
    path = schedule(tmp_path / "hb.csv", [
        line("L1", a.reference, period_start="2026-11-09", period_end="2026-11-22",
             paid_on="", amount="0.00", status="suspended", reason="claim under review"),
    ])  # fmt: skip
    assert import_file("hb_schedule", path, source="hb").ok
    rec = Recommendation.objects.get(run=run_arrears(date(2026, 11, 22), policy), account=a)
    assert rec.action == "check_housing_benefit"
