"""Indicators worked out once and stored: every built-in indicator of a period for every
scope (the landlord, each area, patch and officer), the collection by fund, the weekly arrears
and the year profile, and the accounts behind each drillable number.

A set is worked out after each arrears run and each ledger import (for the rent year and the
quarter to the run's day), or when a manager asks for another period; it runs as a task with
its progress stored on the set, and the pages only read what it stored. Reading 38 million
transactions per page view took the dashboard 42 s at 100,000 tenancies; reading a set takes
a few rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rentbook.ledger.calendar import RentFreeRule, rent_year, week_start
from rentbook.performance import indicators as ind
from rentbook.performance.collection import fund_summary
from rentbook.performance.indicators import Period, Scope, ScopeKind
from rentbook.performance.models import DrillAccount, IndicatorSet, ScopeFigures
from rentbook.performance.series import profile_of, scope_series, weekly_by_patch
from rentbook.portfolio.models import Area, User

#: How many weeks of arrears the dashboard's trend chart shows.
TREND_WEEKS = 26

#: One bit per drillable indicator in DrillAccount.member (append only: stored sets use them).
DRILL_BITS: dict[str, int] = {
    code: 1 << i
    for i, code in enumerate(
        (
            "current_arrears_pct",
            "current_arrears_less_technical_pct",
            "gross_arrears_pct",
            "owing_13_weeks_pct",
            "leavers_in_arrears_pct",
            "leavers_weeks_owed",
            "former_arrears_collected_pct",
            "former_arrears_written_off_pct",
            "former_arrears_cleared_pct",
            "direct_debit_pct",
        )
    )
}

Figures = dict[str, Any]


def every_scope() -> list[Scope]:
    """The landlord, then each area, patch and officer with patches."""
    scopes = [Scope.landlord()]
    scopes += [Scope.of(ScopeKind.AREA, a.pk) for a in Area.objects.order_by("name")]
    scopes += ind.patch_scopes()
    officers = User.objects.filter(patches__isnull=False).distinct().order_by("username")
    scopes += [Scope.of(ScopeKind.OFFICER, u.pk) for u in officers]
    return scopes


def period_of(s: IndicatorSet) -> Period:
    whole = s.whole_end if s.whole_end != s.period_end else None
    return Period(s.period_start, s.period_end, s.period_name, whole)


def trend_start(period: Period) -> date:
    return max(period.start, period.end - timedelta(weeks=TREND_WEEKS) + timedelta(days=1))


def profile_years(period: Period) -> list[int]:
    year = ind.rent_year_of(period.end)
    return [year - 1, year]


def figures_for(
    scopes: Iterable[Scope], period: Period, progress: Callable[[int], None] | None = None
) -> tuple[dict[str, Figures], ind.Data]:
    """Each scope's figures for ``period``, as the JSON values a ScopeFigures row holds."""
    scopes = list(scopes)
    data = ind.load(period)
    rule = RentFreeRule.parse(settings.RENTBOOK_RENT_FREE_WEEKS)
    years = profile_years(period)
    first = min(trend_start(period), rent_year(years[0], rule).start)
    week_ends, by_patch = weekly_by_patch(first, period.end)
    trend_from = trend_start(period)
    out: dict[str, Figures] = {}
    for n, scope in enumerate(scopes, start=1):
        series = scope_series(by_patch, len(week_ends), scope.patches())
        by_end = dict(zip(week_ends, series, strict=True))
        profile = profile_of(years, {d: a for d, a in by_end.items() if d <= period.end}, rule)
        values = ind.compute(data, scope)
        out[scope.key] = {
            "label": scope.label,
            "values": {c: [v.value, v.numerator, v.denominator] for c, v in values.items()},
            "funds": [
                [f.fund, f.collected, f.billed, f.written_off] for f in fund_summary(data, scope)
            ],
            # the trend: from the week holding its first day, as weekly_arrears gives it
            "weeks": [
                [d.isoformat(), a]
                for d, a in by_end.items()
                if d >= week_start(trend_from) + timedelta(days=6)
            ],
            "profile": {
                str(y): [[p.week, p.arrears, p.rent_free, p.christmas] for p in points]
                for y, points in profile.items()
            },
        }
        if progress:
            progress(n)
    return out, data


def drill_rows(data: ind.Data) -> pl.DataFrame:
    """The landlord's accounts behind each drillable indicator, one row an account with a bit
    for each indicator it is behind; a scope's list is its patches' rows."""
    landlord = Scope.landlord()
    parts = []
    for code, bit in DRILL_BITS.items():
        frame = ind.accounts_behind(data, landlord, code)
        parts.append(
            frame.select(
                "account_id",
                "reference",
                "patch_id",
                "closing",
                "weekly_charge",
                pl.col("technical").fill_null(0),
                "tenancy_end",
            ).with_columns(member=pl.lit(bit, pl.Int64))
        )
    if not parts:
        return pl.DataFrame()
    return (
        pl.concat(parts)
        .group_by("account_id")
        .agg(
            pl.col("reference", "patch_id", "closing", "weekly_charge", "technical").first(),
            pl.col("tenancy_end").first(),
            pl.col("member").sum(),
        )
        .sort("account_id")
    )


def work_out(s: IndicatorSet) -> IndicatorSet:
    """Work out and store set ``s`` (queued or failed), with its progress as it goes."""
    started = time.monotonic()
    period = period_of(s)
    scopes = every_scope()
    total = len(scopes) + 2
    IndicatorSet.objects.filter(pk=s.pk).update(status=IndicatorSet.Status.RUNNING, done=0,
                                                total=total, message="")  # fmt: skip

    def progress(n: int) -> None:
        if n % 10 == 0 or n == len(scopes):
            IndicatorSet.objects.filter(pk=s.pk).update(done=n)

    try:
        figures, data = figures_for(scopes, period, progress)
        drill = drill_rows(data)
        with transaction.atomic():
            ScopeFigures.objects.filter(set=s).delete()
            DrillAccount.objects.filter(set=s).delete()
            ScopeFigures.objects.bulk_create(
                [
                    ScopeFigures(
                        set=s,
                        scope=key,
                        label=f["label"],
                        values=f["values"],
                        funds=f["funds"],
                        weeks=f["weeks"],
                        profile=f["profile"],
                    )
                    for key, f in figures.items()
                ],
                batch_size=500,
            )
            IndicatorSet.objects.filter(pk=s.pk).update(done=len(scopes) + 1)
            DrillAccount.objects.bulk_create(
                (DrillAccount(set=s, **row) for row in drill.iter_rows(named=True)),
                batch_size=5000,
            )
            IndicatorSet.objects.filter(pk=s.pk).update(
                status=IndicatorSet.Status.DONE,
                done=total,
                finished_at=timezone.now(),
                seconds=round(time.monotonic() - started, 2),
            )
    except Exception as e:
        IndicatorSet.objects.filter(pk=s.pk).update(
            status=IndicatorSet.Status.FAILED, message=f"{type(e).__name__}: {e}"[:2000],
            finished_at=timezone.now(),
        )  # fmt: skip
        raise
    s.refresh_from_db()
    return s


def standard_periods(as_of: date) -> list[Period]:
    """The rent year and the quarter to ``as_of``, as the dashboard opens on them."""
    out = []
    for kind in ("year", "quarter"):
        p = Period.of_day(as_of, kind)
        out.append(p.to(as_of) if as_of < p.end else p)
    return out


def request(period: Period, *, reason: str, by: Any = None, run: Any = None) -> IndicatorSet:
    """Queue the period's set to be worked out (once: an identical waiting set is reused)."""
    waiting = IndicatorSet.objects.filter(
        period_start=period.start,
        period_end=period.end,
        whole_end=period.whole,
        status__in=[IndicatorSet.Status.QUEUED, IndicatorSet.Status.RUNNING],
    ).first()
    if waiting is not None:
        if run is not None and waiting.run_id is None:  # the run's figures: say so
            IndicatorSet.objects.filter(pk=waiting.pk).update(run=run, reason=reason)
        return waiting
    s = IndicatorSet.objects.create(
        period_start=period.start,
        period_end=period.end,
        whole_end=period.whole,
        period_name=period.name,
        reason=reason,
        run=run,
        requested_by=by if getattr(by, "pk", None) else None,
        created_at=timezone.now(),
    )
    from rentbook.performance.tasks import work_out_indicators

    transaction.on_commit(lambda: work_out_indicators.enqueue(s.pk))
    return s


def latest(period: Period) -> IndicatorSet | None:
    """The newest worked-out set of ``period`` (the same rent year or quarter), ending on or
    before its last day: for a period not yet over, the figures of the latest run."""
    return (
        IndicatorSet.objects.filter(
            period_start=period.start,
            whole_end=period.whole,
            period_end__lte=period.end,
            status=IndicatorSet.Status.DONE,
        )
        .order_by("-period_end", "-finished_at", "-id")
        .first()
    )


def pending(period: Period) -> IndicatorSet | None:
    return (
        IndicatorSet.objects.filter(
            period_start=period.start,
            whole_end=period.whole,
            period_end__lte=period.end,
            status__in=[
                IndicatorSet.Status.QUEUED,
                IndicatorSet.Status.RUNNING,
                IndicatorSet.Status.FAILED,
            ],
        )
        .order_by("-created_at", "-id")
        .first()
    )


def figures(s: IndicatorSet, keys: Iterable[str]) -> dict[str, Figures]:
    rows = ScopeFigures.objects.filter(set=s, scope__in=list(keys))
    return {
        r.scope: {
            "label": r.label,
            "values": r.values,
            "funds": r.funds,
            "weeks": r.weeks,
            "profile": r.profile,
        }
        for r in rows
    }


def drilled(s: IndicatorSet, scope: Scope, code: str):  # type: ignore[no-untyped-def]
    """The stored accounts behind ``code`` in ``scope``, largest balance first."""
    from django.db.models import F

    qs = DrillAccount.objects.filter(set=s).annotate(bits=F("member").bitand(DRILL_BITS[code]))
    qs = qs.filter(bits__gt=0)
    patches = scope.patches()
    if patches is not None:
        qs = qs.filter(patch_id__in=sorted(patches))
    return qs.order_by("-closing", "reference")
