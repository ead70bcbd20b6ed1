"""Customers, debts and debt entries at the door: bad rows named with their column and reason
while the good ones load; a customer who may be a tenant queued for a person, never merged;
an overpayment with no cause and a payment to a closed debt refused; nothing posted twice."""

from __future__ import annotations

from datetime import date

import pytest

from rentbook.audit.models import AuditEvent
from rentbook.debts.matching import MatchError, decide
from rentbook.debts.models import Customer, CustomerMatch, Debt, DebtEntry
from rentbook.portfolio.models import Tenant
from tests.debts.conftest import load
from tests.factories import make_account

pytestmark = pytest.mark.django_db


def problems(result) -> set[tuple[str, str]]:
    return {(p.column, p.reason) for p in result.problems}


@pytest.fixture
def tenant():
    account = make_account(start=date(2020, 4, 6), last_name="Okafor")
    Tenant.objects.filter(tenancy=account.tenancy).update(date_of_birth=date(1980, 2, 14))
    return account


def test_customers_link_by_tenancy_or_wait_for_a_person(tenant, tmp_path, django_user_model):
    result = load(tmp_path, "customers", [
        {"customer_ref": "C1", "name": "Sam Okafor", "tenancy_ref": tenant.reference},
        {"customer_ref": "C2", "name": "S Okafor", "date_of_birth": "1980-02-14",
         "postcode": "ab1 2cd", "nino": "ab 12 34 56 c"},
        {"customer_ref": "C3", "name": "Jo Bloggs", "nino": "XX123456Z"},
    ])  # fmt: skip
    assert problems(result) == {
        ("nino", "not a National Insurance number (two letters, six digits, A to D: AB123456C)")
    }
    assert Customer.objects.get(import_ref="C1").account_id == tenant.pk
    c2 = Customer.objects.get(import_ref="C2")
    assert (c2.account_id, c2.nino, c2.postcode) == (None, "AB123456C", "AB1 2CD")
    match = CustomerMatch.objects.get()
    assert (match.customer_id, match.account_id, match.status) == (c2.pk, tenant.pk, "pending")
    assert match.evidence == "date of birth and surname, postcode"
    assert any("possible match" in n for n in result.notes)
    # the same file again: nothing new, no second suggestion
    again = load(tmp_path, "customers", [
        {"customer_ref": "C2", "name": "S Okafor", "date_of_birth": "1980-02-14",
         "postcode": "ab1 2cd", "nino": "ab 12 34 56 c"},
    ])  # fmt: skip
    assert again.rows_posted == 0 and CustomerMatch.objects.count() == 1
    officer = django_user_model.objects.create_user("reviewer")
    decide(match, True, by=officer)
    c2.refresh_from_db()
    assert c2.account_id == tenant.pk
    assert AuditEvent.objects.filter(action="debts.match_confirmed").count() == 1
    with pytest.raises(MatchError, match="decided already"):
        decide(match, False, by=officer)


@pytest.fixture
def customer(tmp_path):
    assert load(tmp_path, "customers", [{"customer_ref": "C1", "name": "Pat Payer"}]).ok
    return Customer.objects.get()


def test_a_debt_names_its_customer_and_an_overpayment_its_cause(customer, tmp_path):
    result = load(tmp_path, "debts", [
        {"debt_ref": "CT1", "customer_ref": "C1", "stream": "Council Tax",
         "financial_year": "2026", "raised_on": "2026-03-10"},
        {"debt_ref": "X1", "customer_ref": "NOBODY", "stream": "sundry",
         "financial_year": "2026", "raised_on": "2026-05-01", "department": "Parks"},
        {"debt_ref": "HBO1", "customer_ref": "C1", "stream": "hbo", "financial_year": "2025",
         "raised_on": "2026-01-05"},
        {"debt_ref": "S1", "customer_ref": "C1", "stream": "sundry", "financial_year": "2026",
         "raised_on": "2026-05-01"},
        {"debt_ref": "HBO2", "customer_ref": "C1", "stream": "hbo", "financial_year": "2025",
         "raised_on": "2026-01-05", "cause": "Fraud", "recoverable": "yes"},
    ])  # fmt: skip
    assert problems(result) == {
        ("customer_ref", "no customer 'NOBODY'"),
        ("cause", "an overpayment needs its cause: claimant_error, official_error or fraud"),
        ("department", "a sundry debt needs the service department that raised it"),
    }
    assert set(Debt.objects.values_list("import_ref", "stream")) == {
        ("CT1", "council_tax"),
        ("HBO2", "hbo"),
    }
    assert Debt.objects.get(import_ref="HBO2").cause == "fraud"
    # recoverable unless the file says not
    assert Debt.objects.get(import_ref="CT1").recoverable is True
    load(tmp_path, "debts", [
        {"debt_ref": "HBO3", "customer_ref": "C1", "stream": "hbo", "financial_year": "2025",
         "raised_on": "2026-01-05", "cause": "official_error", "recoverable": "no"}])  # fmt: skip
    assert Debt.objects.get(import_ref="HBO3").recoverable is False


def test_entries_post_once_and_a_closed_debt_takes_no_payment(customer, tmp_path):
    assert load(tmp_path, "debts", [
        {"debt_ref": "CT1", "customer_ref": "C1", "stream": "council_tax",
         "financial_year": "2026", "raised_on": "2026-03-10"},
        {"debt_ref": "CT0", "customer_ref": "C1", "stream": "council_tax",
         "financial_year": "2025", "raised_on": "2025-03-10", "status": "closed"},
    ]).ok  # fmt: skip
    rows = [
        {"entry_ref": "E1", "debt_ref": "CT1", "posted_on": "2026-04-01", "kind": "bill",
         "amount": "1800.00"},
        {"entry_ref": "E2", "debt_ref": "CT1", "posted_on": "2026-04-15", "kind": "payment",
         "amount": "-150.00"},
        {"entry_ref": "E3", "debt_ref": "CT0", "posted_on": "2026-04-15", "kind": "payment",
         "amount": "-20.00"},
        {"entry_ref": "E4", "debt_ref": "CT1", "posted_on": "2026-04-15", "kind": "payment",
         "amount": "20.00"},
        {"entry_ref": "E5", "debt_ref": "CT1", "posted_on": "2026-04-20", "kind": "write_off",
         "amount": "-5.00"},
        {"entry_ref": "E6", "debt_ref": "NOPE", "posted_on": "2026-04-20", "kind": "payment",
         "amount": "-5.00"},
    ]  # fmt: skip
    result = load(tmp_path, "debt_entries", rows)
    assert problems(result) == {
        ("debt_ref", "the debt 'CT0' is closed: a payment to it is not posted (reopen the debt,"
         " or post the money where it belongs)"),
        ("amount", "a payment is less than £0 (paid or taken off)"),
        ("write_off_reason", "a write-off needs its reason"),
        ("debt_ref", "no debt 'NOPE'"),
    }  # fmt: skip
    assert dict(DebtEntry.objects.values_list("import_ref", "amount")) == {
        "E1": 180_000, "E2": -15_000
    }  # fmt: skip
    again = load(tmp_path, "debt_entries", rows[:2])
    assert (again.rows_posted, again.rows_updated) == (0, 0)
    assert DebtEntry.objects.count() == 2
