from datetime import date

import pytest

from rentbook.cases.models import DiaryEntry, Flag
from rentbook.cases.services import add_flag
from rentbook.ledger.models import Transaction
from rentbook.legal import services
from rentbook.legal.models import Notice
from rentbook.legal.services import LegalError
from rentbook.portfolio.models import Tenure

from .conftest import ENGLAND_STEPS, SCOTLAND_STEPS, record_steps

pytestmark = pytest.mark.django_db
SERVED = date(2026, 3, 2)


def test_a_notice_cannot_be_recorded_with_a_pre_action_step_missing(account, people):
    record_steps(account, people["officer"], ("CALL", "IC1", "MAR", "ARO"), date(2026, 2, 1))
    with pytest.raises(LegalError) as e:
        services.record_notice(account, "nosp", SERVED, by=people["officer"], today=SERVED)
    assert "benefit entitlement" in e.value.errors["steps"]
    assert not Notice.objects.exists()
    assert not DiaryEntry.objects.filter(code="NOSP").exists()


def test_a_notice_is_recorded_with_its_dates_steps_and_diary_entry(account, people):
    record_steps(account, people["officer"], ENGLAND_STEPS, date(2026, 2, 1))
    n = services.record_notice(account, "nosp", SERVED, by=people["officer"], today=SERVED)
    assert (n.earliest_court_on, n.expires_on) == (date(2026, 3, 30), date(2027, 3, 30))
    assert len(n.steps) == 5
    assert DiaryEntry.objects.filter(account=account, code="NOSP").count() == 1


def test_no_notice_during_a_breathing_space(account, people):
    record_steps(account, people["officer"], ENGLAND_STEPS, date(2026, 2, 1))
    add_flag(account, Flag.Type.BREATHING_SPACE, date(2026, 2, 20), by=people["officer"])
    with pytest.raises(LegalError) as e:
        services.record_notice(account, "nosp", SERVED, by=people["officer"], today=SERVED)
    assert "breathing space" in e.value.errors["served_on"]


@pytest.mark.parametrize(
    ("flag", "says"),
    [
        (Flag.Type.DECEASED, "has died"),
        (Flag.Type.DISPUTE, "disputes the arrears"),
        (Flag.Type.MENTAL_HEALTH_CRISIS, "mental health crisis"),
    ],
)
def test_no_notice_court_or_warrant_while_a_flag_forbids_it(account, people, flag, says):
    case = _case(account, people)
    services.record_outcome(case, "SOT", date(2026, 5, 11), by=people["officer"], terms_weekly=500)
    add_flag(account, flag, date(2026, 6, 1), by=people["officer"])
    with pytest.raises(LegalError) as e:
        services.warrant_applied(case, date(2026, 7, 1), by=people["officer"])
    assert says in e.value.errors["warrant"]
    with pytest.raises(LegalError) as e:
        services.apply_to_court(account, date(2026, 7, 1), by=people["officer"])
    assert says in e.value.errors["applied_on"]
    assert not DiaryEntry.objects.filter(code="WPA").exists()


def test_a_vulnerable_tenants_notice_needs_a_persons_review_in_the_28_days_before(account, people):
    officer = people["officer"]
    record_steps(account, officer, ENGLAND_STEPS, date(2026, 2, 1))
    add_flag(account, Flag.Type.VULNERABLE, date(2026, 1, 1), by=officer)
    with pytest.raises(LegalError) as e:
        services.record_notice(account, "nosp", SERVED, by=officer, today=SERVED)
    assert "flagged vulnerable" in e.value.errors["served_on"]
    record_steps(account, officer, ("VRV",), date(2026, 2, 1))  # 29 days before: too old
    with pytest.raises(LegalError):
        services.record_notice(account, "nosp", SERVED, by=officer, today=SERVED)
    record_steps(account, officer, ("VRV",), date(2026, 2, 2))  # 28 days before
    assert services.record_notice(account, "nosp", SERVED, by=officer, today=SERVED)
    # court is another step: the review was 35 days before it
    with pytest.raises(LegalError) as e:
        services.apply_to_court(account, date(2026, 4, 6), by=officer)
    assert "flagged vulnerable" in e.value.errors["applied_on"]
    record_steps(account, officer, ("VRV",), date(2026, 4, 1))
    assert services.apply_to_court(account, date(2026, 4, 6), by=officer)


def test_scotland_takes_a_notice_of_proceedings_after_its_own_steps(account, people):
    account.tenancy.tenure = Tenure.SCOTTISH_SECURE
    account.tenancy.save()
    with pytest.raises(LegalError) as e:
        services.record_notice(account, "nosp", SERVED, by=people["officer"], today=SERVED)
    assert "notice of proceedings" in e.value.errors["type"]
    record_steps(account, people["officer"], ("CALL", "IC1", "MAR", "ARO"), date(2026, 2, 1))
    with pytest.raises(LegalError) as e:
        services.record_notice(account, "nop", SERVED, by=people["officer"], today=SERVED)
    assert "housing costs" in e.value.errors["steps"]
    record_steps(account, people["officer"], SCOTLAND_STEPS, date(2026, 2, 1))
    assert services.record_notice(account, "nop", SERVED, by=people["officer"], today=SERVED)


def _case(account, people):
    record_steps(account, people["officer"], ENGLAND_STEPS, date(2026, 2, 1))
    services.record_notice(account, "nosp", SERVED, by=people["officer"], today=SERVED)
    return services.apply_to_court(
        account, date(2026, 4, 6), by=people["officer"], hearing_on=date(2026, 5, 11)
    )


def test_court_not_before_the_notices_earliest_date(account, people):
    record_steps(account, people["officer"], ENGLAND_STEPS, date(2026, 2, 1))
    services.record_notice(account, "nosp", SERVED, by=people["officer"], today=SERVED)
    with pytest.raises(LegalError) as e:
        services.apply_to_court(account, date(2026, 3, 20), by=people["officer"])
    assert "may not begin before 30 March 2026" in e.value.errors["applied_on"]


def test_an_order_on_terms_needs_the_terms_and_posts_court_costs_once(account, people):
    case = _case(account, people)
    with pytest.raises(LegalError) as e:
        services.record_outcome(case, "SOT", date(2026, 5, 11), by=people["officer"])
    assert "terms_weekly" in e.value.errors
    services.record_outcome(
        case, "SOT", date(2026, 5, 11), by=people["officer"], terms_weekly=500, costs=35500
    )
    costs = Transaction.objects.get(account=account, kind="court_costs")
    assert (costs.amount, costs.source, costs.source_ref) == (35500, "court", f"CC-{case.pk}")
    assert services.court_terms(case)["weekly_amount"] == 500


def _eviction(account, people):
    case = _case(account, people)
    services.record_outcome(case, "SOT", date(2026, 5, 11), by=people["officer"], terms_weekly=500)
    services.warrant_applied(case, date(2026, 7, 1), by=people["officer"])
    return services.warrant_issued(case, date(2026, 7, 15), date(2026, 8, 20), by=people["officer"])


def test_an_officer_cannot_authorise_an_eviction(account, people):
    ev = _eviction(account, people)
    for key in services.required_consultations():
        services.record_consultation(ev, key, date(2026, 7, 20), by=people["officer"])
    with pytest.raises(LegalError) as e:
        services.authorise_eviction(ev, date(2026, 7, 21), by=people["officer"])
    assert "income manager" in e.value.errors["authorise"]


def test_authorisation_needs_the_consultations_first(account, people):
    ev = _eviction(account, people)
    with pytest.raises(LegalError) as e:
        services.authorise_eviction(ev, date(2026, 7, 21), by=people["manager"])
    assert "Social work" in e.value.errors["consultations"]


def test_an_eviction_cannot_proceed_without_authorisation(account, people):
    ev = _eviction(account, people)
    services.notify_eviction(ev, ["Tenant", "Social work"], date(2026, 7, 22), by=people["officer"])
    with pytest.raises(LegalError) as e:
        services.record_eviction_outcome(ev, "evicted", date(2026, 8, 20), by=people["manager"])
    assert "not been authorised" in e.value.errors["outcome"]


def test_an_eviction_cannot_proceed_inside_the_appeal_window(account, people):
    ev = _eviction(account, people)
    for key in services.required_consultations():
        services.record_consultation(ev, key, date(2026, 7, 20), by=people["officer"])
    services.notify_eviction(ev, ["Tenant", "Social work"], date(2026, 7, 22), by=people["officer"])
    services.authorise_eviction(ev, date(2026, 8, 15), by=people["manager"])
    with pytest.raises(LegalError) as e:
        services.record_eviction_outcome(ev, "evicted", date(2026, 8, 20), by=people["manager"])
    assert "appeal window" in e.value.errors["outcome"]
    ev.refresh_from_db()
    assert ev.outcome == ""
    services.record_eviction_outcome(ev, "evicted", date(2026, 8, 23), by=people["manager"])


def test_notification_must_go_14_days_before(account, people):
    ev = _eviction(account, people)
    with pytest.raises(LegalError) as e:
        services.notify_eviction(ev, ["Tenant"], date(2026, 8, 10), by=people["officer"])
    assert "14 days" in e.value.errors["notified_on"]


def test_serial_decree_after_three_orders(account, people):
    for year in (2021, 2023, 2025):
        services.CourtCase.objects.create(
            account=account,
            applied_on=date(year, 1, 1),
            outcome="DEC",
            outcome_on=date(year, 2, 1),
            created_at=services._noon(date(year, 1, 1)),
        )
    assert services.serial_decree(account, date(2026, 1, 1))
    assert not services.serial_decree(account, date(2024, 1, 1))


def test_post_court_review_lists_cases_over_the_threshold_without_a_plan_first(account, people):
    from tests.factories import make_account, post

    case = _case(account, people)
    services.record_outcome(case, "SOT", date(2026, 5, 11), by=people["officer"], terms_weekly=500)
    post(account, date(2026, 5, 1), 150_000, kind="charge")
    small = make_account()
    c2 = services.CourtCase.objects.create(
        account=small,
        applied_on=date(2026, 4, 1),
        outcome="OPD",
        outcome_on=date(2026, 5, 1),
        created_at=services._noon(date(2026, 4, 1)),
    )
    post(small, date(2026, 5, 1), 50_000, kind="charge")
    rows = services.post_court_review(date(2026, 6, 1))
    assert [(r.account, r.plan) for r in rows] == [(account, None)]
    assert c2.account not in [r.account for r in rows]
    services.record_review_plan(
        account, "Refer to money advice", date(2026, 6, 1), by=people["manager"]
    )
    assert services.post_court_review(date(2026, 6, 1))[0].plan.plan == "Refer to money advice"
    assert services.post_court_review(date(2026, 6, 1), threshold=200_000) == []
