"""A combination arrangement agreed across rent, council tax and a sundry debt: what each owes
and owes next, the rent part as an ordinary arrangement, breach per stream from each debt's
own ledger, and the debt run holding the debts whose part is kept."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rentbook.arrangements.models import Arrangement
from rentbook.arrangements.schedules import Frequency, Rule
from rentbook.audit.models import AuditEvent
from rentbook.debts import arrangements as service
from rentbook.debts.combined import CombinedError
from rentbook.debts.models import CombinedArrangement, Customer, DebtRecommendation
from rentbook.debts.run import run_debts
from rentbook.ledger.models import Kind
from tests.debts.conftest import load
from tests.factories import make_account, post

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 7)
FIRST = date(2026, 12, 14)  # a Monday
WEEKLY = Rule(Frequency.WEEKLY, weekday=0)


@pytest.fixture
def customer(tmp_path) -> Customer:
    """Rent £100 a week with £520 owed; council tax 2026/27 £1,500 with five instalments paid
    (£600 fallen due and unpaid, £150 still to come on 1 January); an overdue £45 invoice."""
    account = make_account(weekly_rent=10_000, start=date(2024, 4, 1))
    post(account, TODAY - timedelta(days=10), 52_000, kind=Kind.CHARGE)
    assert load(tmp_path, "customers", [
        {"customer_ref": "C1", "name": "Ola Nwosu", "tenancy_ref": account.reference,
         "address": "1 High Street", "postcode": "AB1 2CD"},
    ]).ok  # fmt: skip
    assert load(tmp_path, "debts", [
        {"debt_ref": "CT-1", "customer_ref": "C1", "stream": "council_tax",
         "financial_year": "2026", "raised_on": "2026-03-10", "due_on": "2026-04-01"},
        {"debt_ref": "INV-1", "customer_ref": "C1", "stream": "sundry",
         "financial_year": "2026", "raised_on": "2026-06-01", "due_on": "2026-07-01",
         "department": "Bulky waste"},
    ]).ok  # fmt: skip
    entries = [{"entry_ref": "E0", "debt_ref": "CT-1", "posted_on": "2026-04-01",
                "kind": "charge", "amount": "1500.00"},
               {"entry_ref": "I0", "debt_ref": "INV-1", "posted_on": "2026-06-01",
                "kind": "invoice", "amount": "45.00"}]  # fmt: skip
    entries += [
        {"entry_ref": f"E{m}", "debt_ref": "CT-1", "posted_on": f"2026-{m:02d}-01",
         "kind": "payment", "amount": "-150.00"}
        for m in range(4, 9)
    ]  # fmt: skip
    assert load(tmp_path, "debt_entries", entries).ok
    return Customer.objects.get(import_ref="C1")


def test_what_each_debt_owes_and_owes_next(customer):
    owing = {o.part.key: o.part for o in service.owing(customer, TODAY, WEEKLY, FIRST)}
    assert owing["rent"].arrears == 52_000 and owing["rent"].ongoing_each == 10_000
    ct = owing["CT-1"]
    # nine instalments fell due by 6 December, five were paid; one is to come, on 1 January,
    # spread over the three Mondays before it
    assert (ct.arrears, ct.ongoing_total, ct.ongoing_until) == (60_000, 15_000, date(2027, 1, 1))
    assert ct.ongoing_each == 5_000
    assert owing["INV-1"].arrears == 4_500 and owing["INV-1"].ongoing_each == 0


def test_agreeing_sets_up_the_rent_part_and_is_audited(customer):
    ca = service.agree(customer, rule=WEEKLY, payment=20_000, start=TODAY,
                       first_payment=FIRST, payment_method="card")  # fmt: skip
    assert {p.key: p.starting_arrears for p in ca.parts.all()} == {
        "rent": 52_000, "CT-1": 60_000, "INV-1": 4_500,
    }  # fmt: skip
    rent = Arrangement.objects.get(account=customer.account)
    # £200: £100 rent and £50 council tax due now, then £50 to the rent arrears
    assert (rent.instalment, rent.ongoing_charge, rent.starting_balance) == (5_000, 10_000, 52_000)
    assert ca.rent_arrangement == rent
    assert AuditEvent.objects.filter(action="debts.arrangement_agreed").count() == 1
    plan = service.plan_of(ca, list(ca.parts.all()))
    assert plan.payments[0].arrears == {"rent": 5_000}
    assert sum(p.arrears.get("INV-1", 0) for p in plan.payments) == 4_500
    # a second arrangement replaces the first, and its rent part
    again = service.agree(customer, rule=WEEKLY, payment=25_000, start=TODAY,
                          first_payment=FIRST, payment_method="card")  # fmt: skip
    ca.refresh_from_db()
    rent.refresh_from_db()
    assert ca.cancelled_on == TODAY and rent.cancelled_on == TODAY
    assert again.cancelled_on is None


def test_a_payment_below_the_ongoing_charges_is_refused(customer):
    with pytest.raises(CombinedError, match="does not cover the ongoing charges"):
        service.agree(customer, rule=WEEKLY, payment=15_000, start=TODAY,
                      first_payment=FIRST, payment_method="card")  # fmt: skip
    assert not CombinedArrangement.objects.exists()
    assert not Arrangement.objects.exists()


def test_breach_is_per_stream_and_the_debt_run_resumes_only_the_broken_one(customer, tmp_path):
    ca = service.agree(customer, rule=WEEKLY, payment=20_000, start=TODAY,
                       first_payment=FIRST, payment_method="card")  # fmt: skip
    account = customer.account
    # the rent and its part are paid each Monday; council tax is not paid at all
    for k in range(3):
        day = FIRST + timedelta(weeks=k)
        post(account, day, 10_000, kind=Kind.CHARGE)
        post(account, day, -15_000)
    as_of = FIRST + timedelta(weeks=2, days=6)
    parts = {v.part.key: v for v in service.assess(ca, as_of)}
    assert parts["rent"].part.state == "live"
    assert parts["CT-1"].part.state == "breached" and parts["CT-1"].part.breaches == 1
    assert parts["INV-1"].part.state == "live"
    ca.refresh_from_db()
    assert ca.state == "breached"

    run = run_debts(as_of)
    actions = {
        r.debt.import_ref: r.action
        for r in DebtRecommendation.objects.filter(run=run).select_related("debt")
    }
    assert actions["INV-1"] == "keep_arrangement"
    assert actions["CT-1"] != "keep_arrangement"  # its recovery resumes

    # had council tax been paid with each payment, its part would be kept too
    for k in range(3):
        load(tmp_path, "debt_entries", [
            {"entry_ref": f"P{k}", "debt_ref": "CT-1",
             "posted_on": (FIRST + timedelta(weeks=k)).isoformat(), "kind": "payment",
             "amount": "-50.00"},
        ])  # fmt: skip
    parts = {v.part.key: v for v in service.assess(ca, as_of)}
    assert parts["CT-1"].part.state == "live" and parts["CT-1"].part.breaches == 0
