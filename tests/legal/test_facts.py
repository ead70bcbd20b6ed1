from datetime import date, datetime

import pytest

from rentbook.ledger.models import Account
from rentbook.legal import services
from rentbook.legal.facts import run_facts
from rentbook.policy.facts import SCHEMA

from .conftest import ENGLAND_STEPS, record_steps

pytestmark = pytest.mark.django_db
OPEN = f"SELECT id FROM {Account._meta.db_table}"


def test_no_legal_record_gives_an_empty_typed_frame(account):
    df = run_facts(date(2026, 6, 1), OPEN)
    assert df.height == 0
    assert df.schema["court_date"] == SCHEMA["court_date"]


def test_the_latest_notice_court_case_and_eviction_as_the_policies_read_them(account, people):
    record_steps(account, people["officer"], ENGLAND_STEPS, date(2026, 2, 1))
    services.record_notice(
        account, "nosp", date(2026, 3, 2), by=people["officer"], today=date(2026, 3, 2)
    )
    case = services.apply_to_court(
        account, date(2026, 4, 6), by=people["officer"], hearing_on=date(2026, 5, 11)
    )
    before = run_facts(date(2026, 5, 1), OPEN).to_dicts()[0]
    assert before["notice_expires"] == datetime(2027, 3, 30)
    assert before["court_date"] == datetime(2026, 5, 11)
    assert before["court_outcome"] is None and before["court_terms"] is False
    services.record_outcome(case, "SOT", date(2026, 5, 11), by=people["officer"], terms_weekly=500)
    services.warrant_applied(case, date(2026, 7, 1), by=people["officer"])
    ev = services.warrant_issued(case, date(2026, 7, 15), date(2026, 8, 20), by=people["officer"])
    row = run_facts(date(2026, 7, 20), OPEN).to_dicts()[0]
    assert (row["court_outcome"], row["court_terms"]) == ("SOT", True)
    assert row["eviction_date"] == datetime(2026, 8, 20)
    assert row["court_struck_out"] is None
    services.record_eviction_outcome(ev, "stayed", date(2026, 8, 1), by=people["manager"])
    assert run_facts(date(2026, 8, 2), OPEN).to_dicts()[0]["eviction_date"] is None


def test_serial_decrees_after_three_orders_within_ten_years(account, people):
    # account's tenancy started 6 April 2020
    for year in (2021, 2023, 2031):
        services.CourtCase.objects.create(
            account=account,
            applied_on=date(year, 1, 1),
            outcome="DEC",
            outcome_on=date(year, 2, 1),
            created_at=services._noon(date(year, 1, 1)),
        )
    assert run_facts(date(2032, 1, 1), OPEN).to_dicts()[0]["serial_decrees"] is False
    services.CourtCase.objects.create(
        account=account,
        applied_on=date(2025, 1, 1),
        outcome="OPD",
        outcome_on=date(2025, 2, 1),
        created_at=services._noon(date(2025, 1, 1)),
    )
    assert run_facts(date(2025, 1, 1), OPEN).to_dicts()[0]["serial_decrees"] is False
    assert run_facts(date(2025, 3, 1), OPEN).to_dicts()[0]["serial_decrees"] is True
