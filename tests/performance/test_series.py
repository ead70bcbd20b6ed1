"""Weekly arrears series and the year-on-year profile, on the hand-built landlord."""

from __future__ import annotations

from datetime import date

import pytest

from rentbook.ledger.calendar import RentFreeRule
from rentbook.performance.indicators import Scope, ScopeKind
from rentbook.performance.series import weekly_arrears, year_profile
from rentbook.portfolio.models import Patch
from tests.performance.ledger import build

pytestmark = pytest.mark.django_db


def test_weekly_arrears_sum_the_positive_balances_of_current_tenancies():
    build()
    s = weekly_arrears(date(2024, 4, 1), date(2024, 4, 14), Scope.landlord())
    # 7 April: A £50 (100 + 100 - 150), B £3,000, D £120, E nothing; C ended 31 March
    # 14 April: A's charge of 8 April makes £150
    assert s["week_end"].to_list() == [date(2024, 4, 7), date(2024, 4, 14)]
    assert s["arrears"].to_list() == [317_000, 327_000]
    p2 = Scope(ScopeKind.PATCH, Patch.objects.get(code="P2").pk)
    assert weekly_arrears(date(2024, 3, 25), date(2024, 3, 31), p2)["arrears"].to_list() == [40_000]


def test_year_profile_marks_rent_free_weeks_and_christmas():
    build()
    rule = RentFreeRule(christmas=2, year_end=2)
    profile = year_profile([2024], Scope.landlord(), rule, as_of=date(2024, 6, 30))[2024]
    assert len(profile) == 53  # 1 April 2024 to 6 April 2025
    assert profile[0].arrears == 317_000
    xmas = [p.week for p in profile if p.christmas]
    assert xmas == [39]  # the week of Monday 23 December 2024
    assert [p.week for p in profile if p.rent_free] == [39, 40, 52, 53]
    # week 13 ends on 30 June: the same £3,250 as the current arrears indicator for Q1
    assert (profile[12].week, profile[12].arrears) == (13, 325_000)
    assert profile[13].arrears is None  # week 14 ends 7 July: not yet reached
