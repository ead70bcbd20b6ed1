"""A returned Direct Debit reaches the worktray the day Bacs reports it: the run's facts carry
the return, and every shipped policy recommends contacting the tenant, until someone has."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from rentbook.banking.facts import run_facts
from rentbook.cases.models import DiaryEntry
from rentbook.engine.models import Recommendation
from rentbook.engine.services import run_arrears
from rentbook.imports.services import import_file
from rentbook.ledger.models import Account
from tests.banking.conftest import arudd_xml
from tests.factories import post

pytestmark = pytest.mark.django_db

REPORTED = date(2026, 11, 6)


@pytest.fixture
def returned(mandated, tmp_path):
    account, _ = mandated
    for monday in (date(2026, 10, 26), date(2026, 11, 2)):
        post(account, monday, 10_000, "charge")
    (tmp_path / "arudd.xml").write_text(arudd_xml([{"code": "0"}], processing="2026-11-06"))
    assert import_file("bacs_arudd", tmp_path / "arudd.xml").ok
    return account


def test_the_runs_facts_carry_the_latest_return(returned):
    open_sql = f"SELECT id FROM {Account._meta.db_table}"
    facts = run_facts(REPORTED, open_sql).to_dicts()
    assert facts == [
        {"account_id": returned.id, "dd_returned": REPORTED, "dd_return_reason": "refer to payer"}
    ]
    assert run_facts(date(2026, 11, 5), open_sql).height == 0  # not reported yet


@pytest.mark.parametrize("policy", ["england", "scotland", "hackney"])
def test_every_policy_calls_the_tenant_the_day_it_came_back(returned, policy):
    run = run_arrears(REPORTED, policy)
    rec = Recommendation.objects.get(run=run, account=returned)
    assert (rec.action, rec.rule) == ("call_returned_direct_debit", "call_returned_direct_debit")
    assert any("refer to payer" in str(r) for r in rec.reasons), rec.reasons


@pytest.mark.parametrize("policy", ["england", "scotland", "hackney"])
def test_once_someone_has_called_the_return_no_longer_leads(returned, policy):
    DiaryEntry.objects.create(
        account=returned, code="CALL", category="contact", outcome="spoke to tenant",
        at=datetime(2026, 11, 6, 11, tzinfo=ZoneInfo("Europe/London")),
    )  # fmt: skip
    run = run_arrears(date(2026, 11, 9), policy)
    rec = Recommendation.objects.filter(run=run, account=returned).first()
    assert rec is None or rec.action != "call_returned_direct_debit"
