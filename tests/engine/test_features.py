"""Each base fact the run computes, on small hand-built ledgers, read both from the whole
history and from a checkpoint (they must agree)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from rentbook.cases.models import DiaryEntry, Flag, Pause
from rentbook.engine.features import Source, build_features, now_of
from rentbook.ledger.balances import account_position
from rentbook.ledger.models import Kind
from rentbook.ledger.positions import refresh_checkpoints
from rentbook.policy.facts import SCHEMA
from tests.factories import make_account, post

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 6, 18)  # a Wednesday
MONDAY = date(2025, 6, 16)
LONDON = ZoneInfo("Europe/London")


def weeks_back(n: int) -> date:
    return MONDAY - timedelta(weeks=n)


def at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, time(hour), tzinfo=LONDON)


@pytest.fixture(params=["history", "checkpoint"])
def facts(request):
    """Build the facts frame as of a day, from the whole history or from a checkpoint made
    at the end of the week before (so the run reads only this week's rows)."""

    def build(as_of: date = AS_OF) -> dict[int, dict]:
        source = Source()
        if request.param == "checkpoint":
            source = Source(refresh_checkpoints(MONDAY - timedelta(days=1)))
        frame = build_features(as_of, source)
        return {row["account_id"]: row for row in frame.to_dicts()}

    return build


def weekly_rent(account, weeks: int, amount: int = 10_000) -> None:
    for k in range(weeks, -1, -1):
        post(account, weeks_back(k), amount, kind=Kind.CHARGE)


def test_the_frame_has_every_base_fact_typed_by_the_schema():
    make_account()
    frame = build_features(AS_OF)
    for name, dtype in SCHEMA.items():
        assert frame.schema[name] == dtype, name
    assert {"account_id", "patch_id", "reference"} <= set(frame.columns)


def test_only_tenancies_current_on_the_day_are_decided(facts):
    current = make_account(start=date(2024, 4, 1))
    ended = make_account(start=date(2024, 4, 1), end=date(2025, 5, 1))
    ends_today = make_account(start=date(2024, 4, 1), end=AS_OF)
    future = make_account(start=date(2025, 7, 1))
    post(ended, date(2025, 4, 7), 50_000, kind=Kind.CHARGE)
    rows = facts()
    assert current.pk in rows and ends_today.pk in rows
    assert ended.pk not in rows and future.pk not in rows
    assert rows[ends_today.pk]["tenancy_end"] == AS_OF
    assert rows[current.pk]["tenancy_start"] == date(2024, 4, 1)
    assert rows[current.pk]["tenancy_end"] is None


def test_balance_weekly_charge_paid_this_week_and_last_payment(facts):
    account = make_account(weekly_rent=10_000)
    weekly_rent(account, 2)  # three weeks charged, the last on this Monday
    post(account, weeks_back(1) + timedelta(days=2), -4_000, method="card")
    post(account, MONDAY + timedelta(days=1), -3_000, method="card")
    post(account, AS_OF + timedelta(days=1), -9_999, method="card")  # after the as-of day
    row = facts()[account.pk]
    assert row["arrears"] == 30_000 - 7_000
    assert row["weekly_charge"] == 10_000
    assert row["paid_this_week"] == 3_000
    assert row["days_since_last_payment"] == 1
    assert row["now"] == now_of(AS_OF)


def test_an_account_never_paid_has_no_days_since_payment(facts):
    account = make_account()
    weekly_rent(account, 1)
    assert facts()[account.pk]["days_since_last_payment"] is None


def test_arrears_trend_is_now_less_four_weeks_ago(facts):
    account = make_account(weekly_rent=10_000)
    weekly_rent(account, 8)
    post(account, AS_OF - timedelta(days=40), -50_000, method="card")
    post(account, AS_OF - timedelta(days=28), -1_000, method="card")  # on the edge: before
    post(account, AS_OF - timedelta(days=27), -2_000, method="card")
    row = facts()[account.pk]
    # charged since the edge: the Mondays after 21 May, up to 18 June: 26 May .. 16 June
    assert row["arrears_trend"] == 4 * 10_000 - 2_000


def test_technical_arrears_follow_the_ledgers_rule(facts):
    account = make_account(benefit="housing_benefit", weekly_rent=10_000)
    weekly_rent(account, 7)
    post(
        account,
        weeks_back(3),
        -40_000,
        method="housing_benefit",
        period_start=weeks_back(7),
        period_end=weeks_back(3) - timedelta(days=1),
    )
    row = facts()[account.pk]
    position = account_position(account, AS_OF)
    assert row["arrears"] == position.balance == 40_000
    assert row["technical_arrears"] == position.technical_arrears == 40_000
    assert row["true_arrears"] == 0
    assert row["benefit"] == "hb"


def test_a_stopped_direct_debit_is_true_arrears(facts):
    account = make_account(payment_method="direct_debit", weekly_rent=10_000)
    weekly_rent(account, 12)
    post(account, weeks_back(12) + timedelta(days=3), -10_000, method="direct_debit")
    row = facts()[account.pk]
    assert row["technical_arrears"] == account_position(account, AS_OF).technical_arrears == 0
    assert row["true_arrears"] == row["arrears"] == 120_000


def test_missed_payments_count_weeks_whose_share_was_not_paid(facts):
    account = make_account(weekly_rent=10_000)
    weekly_rent(account, 17)
    for k in range(17, 3, -1):  # paid every week until three weeks ago
        post(account, weeks_back(k) + timedelta(days=4), -10_000, method="card")
    row = facts()[account.pk]
    assert row["missed_payments_consecutive"] == 3
    assert row["missed_payments_4_weeks"] == 3
    assert row["missed_payments_13_weeks"] == 3


def test_a_monthly_payer_paying_ahead_misses_nothing(facts):
    account = make_account(weekly_rent=10_000)
    weekly_rent(account, 17)
    for k in (17, 13, 9, 5, 1):  # four weeks' rent at the start of every four weeks
        post(account, weeks_back(k), -40_000, method="standing_order")
    row = facts()[account.pk]
    assert row["missed_payments_13_weeks"] == 0
    assert row["missed_payments_consecutive"] == 0


def test_a_credit_balance_covers_the_weeks_it_pays_for(facts):
    account = make_account(weekly_rent=10_000)
    post(account, weeks_back(30), -60_000, method="card")  # £600 in credit
    weekly_rent(account, 17)
    row = facts()[account.pk]
    # 6 weeks covered by the credit (weeks 17..12 ago), then 11 missed in a row
    assert row["missed_payments_consecutive"] == 11
    assert row["missed_payments_13_weeks"] == 11


def test_full_housing_benefit_leaves_no_share_to_miss(facts):
    account = make_account(benefit="housing_benefit", weekly_rent=10_000)
    weekly_rent(account, 17)
    for k in (16, 12, 8, 4):
        post(
            account,
            weeks_back(k),
            -40_000,
            method="housing_benefit",
            period_start=weeks_back(k + 4),
            period_end=weeks_back(k) - timedelta(days=1),
        )
    assert facts()[account.pk]["missed_payments_13_weeks"] == 0


def test_a_broken_promise_to_pay_is_a_missed_payment(facts):
    account = make_account(weekly_rent=10_000)
    weekly_rent(account, 17)
    for k in range(17, 0, -1):
        post(account, weeks_back(k) + timedelta(days=1), -10_000, method="card")
    DiaryEntry.objects.create(
        account=account,
        at=at(weeks_back(3)),
        code="PTP",
        category="arrangement",
        promise_amount=5_000,
        promise_date=weeks_back(2) + timedelta(days=4),
    )
    row = facts()[account.pk]
    assert row["missed_payments_13_weeks"] == 1
    assert row["missed_payments_4_weeks"] == 1
    # rent paid last week after the broken promise: the run of misses is over
    assert row["missed_payments_consecutive"] == 0


def test_diary_gives_last_action_history_and_notice(facts):
    account = make_account()
    DiaryEntry.objects.create(account=account, at=at(weeks_back(10)), code="IC1", category="letter")
    DiaryEntry.objects.create(account=account, at=at(weeks_back(6)), code="NOSP", category="notice")
    DiaryEntry.objects.create(
        account=account, at=at(weeks_back(2)), code="CALL", category="contact"
    )
    DiaryEntry.objects.create(account=account, at=at(AS_OF, 23), code="SMS", category="contact")
    DiaryEntry.objects.create(
        account=account, at=at(AS_OF + timedelta(days=1)), code="IC2", category="letter"
    )  # after now: not seen
    row = facts()[account.pk]
    assert row["last_action_code"] == "SMS"
    assert row["last_action_at"] == datetime.combine(AS_OF, time(23))
    assert [a["code"] for a in row["actions"]] == ["IC1", "NOSP", "CALL", "SMS"]
    assert row["notice_type"] == "nosp"
    assert row["notice_served"] == datetime.combine(weeks_back(6), time(10))


def test_a_persons_review_is_history_but_not_the_last_action(facts):
    account = make_account()
    DiaryEntry.objects.create(account=account, at=at(weeks_back(3)), code="IC4", category="letter")
    DiaryEntry.objects.create(account=account, at=at(weeks_back(1)), code="VRV", category="review")
    DiaryEntry.objects.create(account=account, at=at(AS_OF, 9), code="CHK", category="review")
    row = facts()[account.pk]
    assert row["last_action_code"] == "IC4"
    assert row["last_action_at"] == datetime.combine(weeks_back(3), time(10))
    assert [a["code"] for a in row["actions"]] == ["IC4", "VRV", "CHK"]
    # an account whose only entries are reviews has no last action
    other = make_account()
    DiaryEntry.objects.create(account=other, at=at(weeks_back(1)), code="VRV", category="review")
    assert facts()[other.pk]["last_action_code"] is None


def test_an_account_with_no_diary_has_empty_history(facts):
    account = make_account()
    row = facts()[account.pk]
    assert row["actions"] == [] and row["flags"] == []
    assert row["last_action_code"] is None and row["notice_type"] is None


def test_active_pause_and_flags(facts):
    account = make_account()
    Pause.objects.create(
        account=account, reason="promise", starts_at=at(weeks_back(1)), until=AS_OF + timedelta(5)
    )
    Pause.objects.create(
        account=account,
        reason="hospital",
        starts_at=at(weeks_back(3)),
        until=AS_OF + timedelta(days=30),
        lifted_at=at(weeks_back(2)),
    )
    Flag.objects.create(account=account, type="vulnerable", starts_on=weeks_back(5))
    Flag.objects.create(
        account=account, type="breathing_space", starts_on=weeks_back(9), ends_on=weeks_back(1)
    )
    Flag.objects.create(account=account, type="dispute", starts_on=AS_OF + timedelta(days=1))
    row = facts()[account.pk]
    # paused through its last day: until the instant that day ends
    assert row["pause_until"] == datetime.combine(AS_OF + timedelta(days=6), time(0))
    assert row["pause_reason"] == "promise"
    assert row["flags"] == ["vulnerable"]


def test_facts_of_later_issues_stay_missing(facts):
    account = make_account()
    row = facts()[account.pk]
    for name in ("court_date", "arrangement_state", "latest_letter_status", "eviction_date"):
        assert row[name] is None


def test_an_arrangement_instalment_is_one_more_expected_payment(facts):
    from rentbook.arrangements.schedules import Frequency, Rule
    from rentbook.arrangements.services import create_arrangement

    def owing(name: str):
        account = make_account(weekly_rent=10_000, last_name=name)
        post(account, weeks_back(20), 50_000, kind=Kind.CHARGE)  # £500 of old arrears
        weekly_rent(account, 17)
        start = weeks_back(6)
        create_arrangement(
            account,
            kind="informal",
            rule=Rule(Frequency.WEEKLY),
            instalment=1_000,
            start=start,
            first_payment=start + timedelta(days=4),
            payment_method="card",
            starting_balance=50_000,
        )
        return account

    rent_only, with_instalments = owing("Rent"), owing("Both")
    for k in range(17, 0, -1):
        post(rent_only, weeks_back(k) + timedelta(days=4), -10_000, method="card")
        extra = 1_000 if k <= 6 else 0
        post(with_instalments, weeks_back(k) + timedelta(days=4), -10_000 - extra, method="card")
    rows = facts()
    # the six instalments (6 to 1 weeks ago) were missed although the rent was paid
    assert rows[rent_only.pk]["missed_payments_13_weeks"] == 6
    # the run of consecutive misses counts weeks in which nothing expected was paid, as for a
    # broken promise: the rent was paid each week, so there is none
    assert rows[rent_only.pk]["missed_payments_consecutive"] == 0
    assert rows[rent_only.pk]["missed_payments_4_weeks"] == 4
    assert rows[with_instalments.pk]["missed_payments_13_weeks"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tenure", "assured"),
    [
        ("assured", True),
        ("assured_shorthold", True),
        ("starter", True),
        ("secure", False),
        ("introductory", False),
        ("flexible", False),
        ("scottish_secure", False),
    ],
)
def test_a_housing_act_1988_tenure_carries_the_assured_tenancy_flag(tenure, assured):
    from rentbook.portfolio.models import Tenancy
    from tests.web.conftest import build_account

    account = build_account()
    Tenancy.objects.filter(pk=account.tenancy_id).update(tenure=tenure)
    frame = build_features(date(2025, 6, 16))
    flags = frame.filter(pl.col("account_id") == account.id)["flags"].to_list()[0]
    assert ("assured_tenancy" in flags) is assured
