"""Joint and several liability: a council tax bill two people owe, each for the whole of it.
Through the door with named errors; on both customers' pages; held by a hold on either one's
tenancy; and in a combination arrangement of either."""

from __future__ import annotations

from datetime import date

import pytest

from rentbook.arrangements.schedules import Frequency, Rule
from rentbook.cases.models import Flag
from rentbook.debts import arrangements
from rentbook.debts.models import Customer, DebtParty, DebtRecommendation
from rentbook.debts.run import run_debts
from rentbook.portfolio.models import Role
from tests.debts.conftest import load
from tests.factories import make_account
from tests.web.conftest import client_for, make_user  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 12, 7)


@pytest.fixture
def couple(tmp_path):
    """Ali is billed 2026/27's council tax, unpaid since April; Bea, a tenant elsewhere, is
    jointly liable."""
    bea_home = make_account(last_name="Bell")
    assert load(tmp_path, "customers", [
        {"customer_ref": "ALI", "name": "Ali Khan"},
        {"customer_ref": "BEA", "name": "Bea Bell", "tenancy_ref": bea_home.reference},
    ]).ok  # fmt: skip
    assert load(tmp_path, "debts", [
        {"debt_ref": "CT-J", "customer_ref": "ALI", "stream": "council_tax",
         "financial_year": "2026", "raised_on": "2026-03-10"},
    ]).ok  # fmt: skip
    assert load(tmp_path, "debt_entries", [
        {"entry_ref": "J1", "debt_ref": "CT-J", "posted_on": "2026-04-01", "kind": "charge",
         "amount": "1200.00"},
    ]).ok  # fmt: skip
    return bea_home


def test_the_door_names_each_bad_row_and_posts_once(couple, tmp_path):
    result = load(tmp_path, "joint_liability", [
        {"liability_ref": "L1", "debt_ref": "CT-J", "customer_ref": "BEA"},
        {"liability_ref": "L2", "debt_ref": "CT-J", "customer_ref": "NOBODY"},
        {"liability_ref": "L3", "debt_ref": "CT-J", "customer_ref": "ALI"},
        {"liability_ref": "L4", "debt_ref": "CT-NONE", "customer_ref": "BEA"},
    ])  # fmt: skip
    assert result.rows_posted == 1
    reasons = {(p.line, p.column): p.reason for p in result.problems}
    assert reasons[(3, "customer_ref")] == "no customer 'NOBODY' (import customers first)"
    assert "is the customer the debt is billed to" in reasons[(4, "customer_ref")]
    assert "no debt 'CT-NONE'" in reasons[(5, "debt_ref")]
    party = DebtParty.objects.get()
    assert (party.debt.import_ref, party.customer.import_ref) == ("CT-J", "BEA")
    again = load(tmp_path, "joint_liability", [
        {"liability_ref": "L1", "debt_ref": "CT-J", "customer_ref": "BEA"},
    ])  # fmt: skip
    assert again.rows_posted == 0 and DebtParty.objects.count() == 1


def test_both_pages_show_the_debt_and_a_hold_on_either_holds_it(
    couple,
    tmp_path,
    client_for,  # noqa: F811
):
    assert load(tmp_path, "joint_liability", [
        {"liability_ref": "L1", "debt_ref": "CT-J", "customer_ref": "BEA"},
    ]).ok  # fmt: skip
    officer = client_for(Role.INCOME_OFFICER)
    bea = officer.get("/customers/BEA/").content.decode()
    assert "CT-J" in bea and "jointly and severally liable with Ali Khan" in bea
    ali = officer.get("/customers/ALI/").content.decode()
    assert "jointly and severally liable with Bea Bell" in ali

    def decided() -> str:
        return DebtRecommendation.objects.get(debt__import_ref="CT-J").action

    run_debts(AS_OF)
    assert decided() == "send_reminder"
    # Bea's breathing space, recorded on her tenancy, holds the bill Ali is sent too
    Flag.objects.create(account=couple, type="breathing_space", starts_on=date(2026, 12, 1))
    run_debts(AS_OF)
    assert decided() == "hold_breathing_space"


def test_either_may_agree_to_pay_it(couple, tmp_path):
    assert load(tmp_path, "joint_liability", [
        {"liability_ref": "L1", "debt_ref": "CT-J", "customer_ref": "BEA"},
    ]).ok  # fmt: skip
    rule = Rule(Frequency.WEEKLY, weekday=0)
    bea = Customer.objects.get(import_ref="BEA")
    keys = {o.part.key for o in arrangements.owing(bea, AS_OF, rule, date(2026, 12, 14))}
    assert "CT-J" in keys
