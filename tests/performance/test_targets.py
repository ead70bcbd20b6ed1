"""Targets, red/amber/green status and custom indicators."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rentbook.performance.indicators import Period, Scope, ScopeKind
from rentbook.performance.models import CustomIndicator
from rentbook.performance.targets import (
    AMBER,
    GREEN,
    RED,
    TargetBook,
    custom_value,
    import_custom_values,
    rag,
    set_custom_value,
    set_target,
    status,
    target_for,
)
from rentbook.portfolio.models import Area, Patch

Q1 = Period.quarter(2024, 1)
YEAR = Period.year(2024)


def test_rag_when_lower_is_better_with_seed_000s_target_of_2_2_percent():
    assert rag(2.1, Decimal("2.2"), "lower") == GREEN
    assert rag(2.2, Decimal("2.2"), "lower") == GREEN
    assert rag(2.4, Decimal("2.2"), "lower") == AMBER  # within a tenth of 2.2 (0.22)
    assert rag(2.5, Decimal("2.2"), "lower") == RED
    assert rag(2.5, Decimal("2.2"), "lower", Decimal("0.5")) == AMBER
    assert rag(None, Decimal("2.2"), "lower") is None


def test_rag_when_higher_is_better():
    assert rag(99.5, 99, "higher") == GREEN
    assert rag(95, 99, "higher") == AMBER
    assert rag(80, 99, "higher") == RED


values = st.decimals(min_value=-1000, max_value=1000, places=2)


@given(values, values)
def test_rag_meeting_the_target_is_green_and_the_two_directions_mirror(v, t):
    assert (rag(v, t, "lower") == GREEN) == (v <= t)
    assert rag(v, t, "lower") == rag(-v, -t, "higher")


@pytest.mark.django_db
def test_a_patch_target_wins_over_the_landlord_s_and_the_year_s_covers_its_quarters():
    area = Area.objects.create(code="N", name="North")
    patch = Patch.objects.create(area=area, code="P9", name="Hill")
    scope = Scope(ScopeKind.PATCH, patch.pk)
    set_target("current_arrears_pct", YEAR, Scope.landlord(), Decimal("2.2"))
    assert target_for("current_arrears_pct", Q1, scope).value == Decimal("2.2")
    set_target("current_arrears_pct", Q1, scope, Decimal("3.0"))
    assert target_for("current_arrears_pct", Q1, scope).value == Decimal("3.0")
    s = status("current_arrears_pct", 3.2, Q1, scope)
    assert (s.target, s.rag, s.rag_label) == (Decimal("3.0"), AMBER, "Near target")
    assert status("rent_collected_pct", 99, Q1, scope).rag is None


@pytest.mark.django_db
def test_custom_indicator_values_by_hand_and_imported_have_targets_like_any_other():
    days = CustomIndicator.objects.create(
        code="hb-processing-days", name="Average days to process a benefit claim", better="lower"
    )
    set_custom_value(days, Q1, Scope.landlord(), Decimal("16"))
    assert custom_value("hb-processing-days", Q1, Scope.landlord()) == Decimal("16")
    set_target("hb-processing-days", Q1, Scope.landlord(), Decimal("13"))
    assert status("hb-processing-days", Decimal("16"), Q1, Scope.landlord()).rag == RED
    errors = import_custom_values(
        [
            {"code": "hb-processing-days", "period_start": str(Q1.start),
             "period_end": str(Q1.end), "value": "14"},
            {"code": "nope", "period_start": "2024-04-01", "period_end": "2024-06-30",
             "value": "1"},
            {"code": "hb-processing-days", "period_start": "2024-07-01",
             "period_end": "2024-06-30", "value": "1"},
        ]
    )  # fmt: skip
    assert errors[0] == "line 3: no custom indicator with code 'nope'"
    assert errors[1].startswith("line 4: a period cannot end")
    assert custom_value("hb-processing-days", Q1, Scope.landlord()) == Decimal("14")
    assert days.values.count() == 1  # re-imported in place


@pytest.mark.django_db
def test_targets_are_audited():
    from rentbook.audit.models import AuditEvent

    set_target("collected", Q1, Scope.landlord(), Decimal("100"))
    assert AuditEvent.objects.filter(object_type="performance.Target").count() == 1


def test_quarter_of_a_day():
    assert Period.of_day(date(2024, 7, 1), "quarter") == Q1.__class__(
        date(2024, 7, 1), date(2024, 9, 29), "Q2 2024/25"
    )


@pytest.mark.django_db
def test_the_target_book_answers_as_target_for_does():
    area = Area.objects.create(code="S", name="South")
    patches = [Patch.objects.create(area=area, code=f"P{i}", name=f"P{i}") for i in range(2)]
    scopes = [Scope.landlord(), Scope(ScopeKind.AREA, area.pk)] + [
        Scope(ScopeKind.PATCH, p.pk) for p in patches
    ]
    periods = [YEAR, Q1, Period.quarter(2024, 2), Period.year(2025), Q1.to(date(2024, 5, 5))]
    set_target("current_arrears_pct", YEAR, Scope.landlord(), Decimal("2.2"))
    set_target("current_arrears_pct", Q1, scopes[2], Decimal("3.0"))
    set_target("current_arrears_pct", YEAR, scopes[1], Decimal("2.5"))
    set_target("current_arrears_pct", Period.quarter(2024, 2), scopes[3], Decimal("1.0"))
    set_target("rent_collected_pct", Q1, Scope.landlord(), Decimal("98"))
    book = TargetBook()
    for code in ("current_arrears_pct", "rent_collected_pct", "void_loss"):
        for period in periods:
            for scope in scopes:
                assert book.target_for(code, period, scope) == target_for(code, period, scope), (
                    code, period, scope,
                )  # fmt: skip
