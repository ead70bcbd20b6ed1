"""One account from first arrears to write-off, the ledger checked at every step.

Rent £100 a week. The tenant stops paying in full, the pre-action steps are recorded, a
NOSP is served, the court makes a suspended order (£5 a week off the arrears, £355 costs),
the terms are broken, a warrant is applied for and issued, the eviction is authorised and
carried out, the debt moves to a former tenant account, goes to an agency which advises it
is uneconomic, and a manager approves the write-off an officer proposed.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db.models import Sum

from rentbook.arrangements.facts import run_facts as arrangement_facts
from rentbook.arrangements.models import Arrangement
from rentbook.ledger.models import Kind, Transaction
from rentbook.ledger.statements import account_statement
from rentbook.legal import services as legal
from rentbook.legal.facts import run_facts as legal_facts
from rentbook.recovery import services as recovery
from tests.factories import make_account, post
from tests.legal.conftest import ENGLAND_STEPS, record_steps

pytestmark = pytest.mark.django_db
RENT = 10_000


class Book:
    """What the test itself knows was charged and received, to check the ledger against."""

    def __init__(self, account):
        self.account = account
        self.owed = 0

    def week(self, monday: date, paid: int) -> None:
        post(self.account, monday, RENT, kind=Kind.CHARGE)
        self.owed += RENT
        if paid:
            post(self.account, monday + timedelta(days=2), -paid)
            self.owed -= paid

    def check(self, *accounts) -> None:
        """The ledger balances: each account's statement ends on its balance, transfers net
        to nothing, and all the accounts together hold exactly what the test expects."""
        total = 0
        for acc in accounts:
            s = account_statement(acc)
            bal = Transaction.objects.filter(account=acc).aggregate(b=Sum("amount"))["b"] or 0
            assert s.closing_balance == bal
            total += bal
        transfers = Transaction.objects.filter(source="transfer").aggregate(t=Sum("amount"))["t"]
        assert (transfers or 0) == 0
        assert total == self.owed


def test_first_arrears_to_write_off(people):
    officer, manager = (
        people["officer"],
        people["officer"],
    )
    officer, manager = people["officer"], people["manager"]
    start = date(2025, 9, 1)
    acc = make_account(start=start, weekly_rent=RENT)
    book = Book(acc)
    monday = start
    # first arrears: 10 weeks paying £40 of £100
    for _ in range(10):
        book.week(monday, 4_000)
        monday += timedelta(days=7)
    book.check(acc)
    assert book.owed == 60_000
    record_steps(acc, officer, ENGLAND_STEPS, monday - timedelta(days=14))
    notice = legal.record_notice(acc, "nosp", monday, by=officer, today=monday)
    book.check(acc)
    for _ in range(5):
        book.week(monday, 4_000)
        monday += timedelta(days=7)
    case = legal.apply_to_court(acc, notice.earliest_court_on + timedelta(days=1), by=officer)
    for _ in range(4):
        book.week(monday, 4_000)
        monday += timedelta(days=7)
    # court: a suspended possession order, £5 a week off the arrears, £355 costs
    order_on = monday
    legal.record_outcome(case, "SOT", order_on, by=officer, terms_weekly=500, costs=35_500)
    book.owed += 35_500
    book.check(acc)
    assert not legal.terms_breached(case, order_on + timedelta(days=7))
    # the terms kept for 4 weeks (£105 a week), then broken (£40 a week)
    for paid in (10_500,) * 4 + (4_000,) * 4:
        book.week(monday, paid)
        monday += timedelta(days=7)
        if paid == 10_500:
            assert not legal.terms_breached(case, monday)
    assert legal.terms_breached(case, monday)
    # the order is monitored as a court-ordered arrangement, which the run sees as breached
    arrangement = Arrangement.objects.get(pk=case.arrangement_id)
    assert (arrangement.kind, arrangement.instalment) == ("court_ordered", 500)
    open_sql = f"SELECT {acc.pk}"
    facts = arrangement_facts(monday, open_sql).to_dicts()[0]
    assert (facts["arrangement_type"], facts["arrangement_state"]) == ("formal", "breached")
    court = legal_facts(monday, open_sql).to_dicts()[0]
    assert (court["court_outcome"], court["court_terms"]) == ("SOT", True)
    book.check(acc)
    legal.warrant_applied(case, monday, by=officer)
    ev = legal.warrant_issued(
        case, monday + timedelta(days=7), monday + timedelta(days=42), by=officer
    )
    for key in legal.required_consultations():
        legal.record_consultation(ev, key, monday + timedelta(days=8), by=officer)
    legal.notify_eviction(ev, ["Tenant", "Social work"], monday + timedelta(days=9), by=officer)
    with pytest.raises(legal.LegalError):
        legal.authorise_eviction(ev, monday + timedelta(days=10), by=officer)
    legal.authorise_eviction(ev, monday + timedelta(days=10), by=manager)
    for _ in range(6):
        book.week(monday, 0)
        monday += timedelta(days=7)
    legal.record_eviction_outcome(ev, "evicted", ev.eviction_on, by=manager)
    book.check(acc)
    # the tenancy ends on the eviction: its balance moves to a former tenant account
    acc.tenancy.end_date = ev.eviction_on
    acc.tenancy.save()
    fta = recovery.open_former_tenant_account(acc, by=officer)
    book.check(acc, fta.account)
    assert recovery.balance(acc) == 0 and fta.transferred == book.owed
    recovery.record_letter(fta, ev.eviction_on, by=officer)
    recovery.update_contact(fta, by=officer, tracing="tracing", on=ev.eviction_on)
    ref = recovery.refer_to_agency(fta, "Acme Recoveries", monday + timedelta(days=30), by=officer)
    recovery.import_agency_outcomes(
        "referral_ref,status,outcome_on\n"
        f"{ref.reference},uneconomic,{monday + timedelta(days=90)}\n",
        by=manager,
    )
    book.check(acc, fta.account)
    w = recovery.propose_write_off(
        fta.account,
        recovery.balance(fta.account),
        "uneconomic",
        monday + timedelta(days=95),
        by=officer,
    )
    with pytest.raises(recovery.RecoveryError):
        recovery.approve_write_off(w, monday + timedelta(days=96), by=officer)
    recovery.approve_write_off(w, monday + timedelta(days=96), by=manager)
    book.owed -= w.amount
    book.check(acc, fta.account)
    assert book.owed == 0
    assert recovery.balance(fta.account) == 0
