from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from rentbook.audit.models import AuditEvent
from rentbook.cases.models import Category, DiaryEntry, Flag, Pause
from rentbook.cases.services import (
    CaseError,
    active_flags,
    active_pause,
    add_flag,
    end_flag,
    lift_pause,
    pause_case,
    record_action,
)
from rentbook.portfolio.models import Role
from tests.factories import make_account

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 18, 14, 37, tzinfo=UTC)


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user(
        username="olivia", password="x", role=Role.INCOME_OFFICER
    )


@pytest.fixture
def account(db):
    return make_account()


def test_recording_an_action_stores_its_category_and_officer_and_is_audited(account, officer):
    entry = record_action(
        account,
        "IC1",
        NOW - timedelta(hours=1),
        officer,
        outcome="Posted",
        note="1st class",
        recommendation_id=42,
        now=NOW,
    )
    entry.refresh_from_db()
    assert (entry.code, entry.category, entry.officer, entry.source) == (
        "IC1",
        Category.LETTER,
        officer,
        DiaryEntry.Source.OFFICER,
    )
    assert entry.recommendation_id == 42
    event = AuditEvent.objects.get(object_type="cases.DiaryEntry", object_id=str(entry.pk))
    assert event.action == "create"
    assert event.actor == officer
    assert event.after["code"] == "IC1"


def test_an_unknown_code_and_a_missing_date_are_named(account, officer):
    with pytest.raises(CaseError) as e:
        record_action(account, "NOPE", None, officer, now=NOW)
    assert set(e.value.errors) == {"code", "at"}
    assert not DiaryEntry.objects.exists()


def test_an_action_in_the_future_is_refused(account, officer):
    with pytest.raises(CaseError) as e:
        record_action(account, "CALL", NOW + timedelta(minutes=5), officer, now=NOW)
    assert e.value.errors == {"at": "The date and time done must be now or in the past"}


def test_a_promise_to_pay_needs_an_amount_and_a_date(account, officer):
    with pytest.raises(CaseError) as e:
        record_action(account, "PTP", NOW, officer, now=NOW)
    assert set(e.value.errors) == {"promise_amount", "promise_date"}
    with pytest.raises(CaseError) as e:
        record_action(
            account, "PTP", NOW, officer, promise_amount=0, promise_date=date(2025, 6, 1), now=NOW
        )
    assert set(e.value.errors) == {"promise_amount", "promise_date"}
    entry = record_action(
        account, "PTP", NOW, officer, promise_amount=5000, promise_date=date(2025, 6, 27), now=NOW
    )
    assert (entry.promise_amount, entry.promise_date) == (5000, date(2025, 6, 27))


def test_only_a_promise_to_pay_carries_promise_fields(account, officer):
    with pytest.raises(CaseError) as e:
        record_action(account, "CALL", NOW, officer, promise_amount=100, now=NOW)
    assert set(e.value.errors) == {"promise_amount"}


def test_a_long_outcome_is_refused(account, officer):
    with pytest.raises(CaseError) as e:
        record_action(account, "CALL", NOW, officer, outcome="x" * 61, now=NOW)
    assert "outcome" in e.value.errors


def test_a_naive_time_is_a_programming_error(account, officer):
    with pytest.raises(ValueError, match="aware"):
        record_action(account, "CALL", datetime(2025, 6, 1, 9), officer)


def test_pausing_needs_a_reason_and_a_future_date(account, officer):
    with pytest.raises(CaseError) as e:
        pause_case(account, "bored", NOW.date(), by=officer, now=NOW)
    assert set(e.value.errors) == {"reason", "until"}
    with pytest.raises(CaseError) as e:
        pause_case(account, Pause.Reason.OTHER, date(2025, 7, 1), by=officer, now=NOW)
    assert set(e.value.errors) == {"note"}
    pause = pause_case(
        account, Pause.Reason.HOSPITAL, date(2025, 7, 1), by=officer, now=NOW, note="Ward 4"
    )
    assert pause.starts_at == NOW and pause.created_by == officer
    assert active_pause(account, NOW.date()) == pause
    assert AuditEvent.objects.filter(object_type="cases.Pause", actor=officer).count() == 1


def test_a_case_has_one_pause_at_a_time_and_a_lifted_pause_frees_it(account, officer):
    pause = pause_case(account, Pause.Reason.HOSPITAL, date(2025, 7, 1), by=officer, now=NOW)
    with pytest.raises(CaseError) as e:
        pause_case(account, Pause.Reason.PROMISE, date(2025, 7, 2), by=officer, now=NOW)
    assert "already paused until 1 July 2025" in e.value.errors["reason"]
    later = NOW + timedelta(days=2)
    lift_pause(pause, by=officer, now=later)
    pause.refresh_from_db()
    assert pause.lifted_at == later
    assert active_pause(account, later.date()) is None
    with pytest.raises(CaseError, match="already been lifted"):
        lift_pause(pause, by=officer, now=later)
    change = AuditEvent.objects.filter(object_type="cases.Pause", action="change").get()
    assert change.after == {"lifted_at": later.isoformat()}
    pause_case(account, Pause.Reason.PROMISE, date(2025, 7, 2), by=officer, now=later)


def test_an_expired_pause_no_longer_holds_and_cannot_be_lifted(account, officer):
    pause = pause_case(account, Pause.Reason.HOSPITAL, date(2025, 6, 20), by=officer, now=NOW)
    after = NOW + timedelta(days=3)
    assert active_pause(account, after.date()) is None
    with pytest.raises(CaseError, match="already ended"):
        lift_pause(pause, by=officer, now=after)


def test_a_standard_breathing_space_lasts_60_days_unless_told(account, officer):
    flag = add_flag(account, Flag.Type.BREATHING_SPACE, date(2025, 6, 1), by=officer)
    assert flag.ends_on == date(2025, 7, 30)
    assert (flag.ends_on - flag.starts_on).days + 1 == 60
    crisis = add_flag(account, Flag.Type.MENTAL_HEALTH_CRISIS, date(2025, 6, 1), by=officer)
    assert crisis.ends_on is None
    assert {f.type for f in active_flags(account, date(2025, 7, 30))} == {
        "breathing_space",
        "mental_health_crisis",
    }
    assert {f.type for f in active_flags(account, date(2025, 7, 31))} == {"mental_health_crisis"}
    assert active_flags(account, date(2025, 5, 31)) == []
    assert AuditEvent.objects.filter(object_type="cases.Flag", actor=officer).count() == 2


def test_a_flag_needs_a_type_a_start_and_an_end_not_before_it(account, officer):
    with pytest.raises(CaseError) as e:
        add_flag(account, "grumpy", None, by=officer)
    assert set(e.value.errors) == {"type", "starts_on"}
    with pytest.raises(CaseError) as e:
        add_flag(account, Flag.Type.DISPUTE, date(2025, 6, 2), ends_on=date(2025, 6, 1), by=officer)
    assert set(e.value.errors) == {"ends_on"}


def test_ending_a_flag(account, officer):
    flag = add_flag(account, Flag.Type.DISPUTE, date(2025, 6, 2), by=officer)
    with pytest.raises(CaseError):
        end_flag(flag, date(2025, 6, 1), by=officer)
    end_flag(flag, date(2025, 6, 10), by=officer)
    flag.refresh_from_db()
    assert flag.ends_on == date(2025, 6, 10)
