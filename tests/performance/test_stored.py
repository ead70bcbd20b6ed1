"""Stored indicator sets: what the pages read is what the indicators work out, for every
scope; sets are queued after a run and an import; a failure is kept with its reason."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.utils import timezone

from rentbook.ledger.calendar import RentFreeRule
from rentbook.performance import indicators as ind
from rentbook.performance import stored
from rentbook.performance.indicators import Period
from rentbook.performance.models import DrillAccount, IndicatorSet, ScopeFigures
from rentbook.performance.series import weekly_arrears, year_profile
from rentbook.portfolio.models import Role, Tenancy
from tests.performance.ledger import build

pytestmark = pytest.mark.django_db

Q1 = Period.quarter(2024, 1)


def test_every_scope_s_stored_figures_are_the_indicators_worked_out_now():
    build()
    s = stored.work_out(stored.request(Q1, reason="test"))
    assert s.status == IndicatorSet.Status.DONE and s.done == s.total > 0
    data = ind.load(Q1)
    rule = RentFreeRule.parse(settings.RENTBOOK_RENT_FREE_WEEKS)
    scopes = stored.every_scope()
    assert len(scopes) > 3 and ScopeFigures.objects.filter(set=s).count() == len(scopes)
    held = stored.figures(s, [x.key for x in scopes])
    for scope in scopes:
        live = ind.compute(data, scope)
        assert held[scope.key]["values"] == {
            c: [v.value, v.numerator, v.denominator] for c, v in live.items()
        }, scope.key
        series = weekly_arrears(stored.trend_start(Q1), Q1.end, scope)
        assert held[scope.key]["weeks"] == [
            [d.isoformat(), a]
            for d, a in zip(series["week_end"].to_list(), series["arrears"].to_list(), strict=True)
        ], scope.key
        profile = year_profile(stored.profile_years(Q1), scope, rule, Q1.end)
        assert held[scope.key]["profile"] == {
            str(y): [[p.week, p.arrears, p.rent_free, p.christmas] for p in points]
            for y, points in profile.items()
        }, scope.key
        for code in stored.DRILL_BITS:
            expected = ind.accounts_behind(data, scope, code)
            got = list(stored.drilled(s, scope, code).values_list("reference", "closing"))
            assert sorted(got) == sorted(
                zip(expected["reference"].to_list(), expected["closing"].to_list(), strict=True)
            ), (scope.key, code)


def test_working_out_again_replaces_the_rows_and_a_failure_keeps_its_reason(monkeypatch):
    build()
    s = stored.work_out(stored.request(Q1, reason="test"))
    rows = DrillAccount.objects.filter(set=s).count()
    s.status = IndicatorSet.Status.QUEUED
    s.save()
    stored.work_out(s)
    assert DrillAccount.objects.filter(set=s).count() == rows > 0
    again = stored.request(Period.year(2024), reason="test")

    def broken(period):  # type: ignore[no-untyped-def]
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ind, "load", broken)
    with pytest.raises(RuntimeError):
        stored.work_out(again)
    again.refresh_from_db()
    assert again.status == IndicatorSet.Status.FAILED
    assert "the database went away" in again.message
    assert stored.latest(Period.year(2024)) is None  # nothing half-stored is read


def test_one_waiting_set_per_period():
    first = stored.request(Q1, reason="one")
    assert stored.request(Q1, reason="two") == first
    assert IndicatorSet.objects.count() == 1


def test_a_run_queues_the_year_and_the_quarter_to_its_day(django_capture_on_commit_callbacks):
    from rentbook.engine.services import run_arrears

    build()
    with django_capture_on_commit_callbacks(execute=True):
        run = run_arrears(date(2024, 8, 4))
    sets = IndicatorSet.objects.filter(run=run)
    assert {(x.period_start, x.period_end) for x in sets} == {
        (Period.year(2024).start, date(2024, 8, 4)),
        (Period.quarter(2024, 2).start, date(2024, 8, 4)),
    }
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path__endswith="work_out_indicators")
    assert queued.count() == 2


def test_an_import_queues_today_s_year_and_quarter(tmp_path):
    from rentbook.imports.services import import_file

    build()
    f = tmp_path / "t.csv"
    tenancy = Tenancy.objects.first()
    f.write_text(
        "transaction_ref,tenancy_ref,posted_on,kind,amount,method\n"
        f"X1,{tenancy.reference},2024-05-01,payment,-10.00,cash\n"
    )
    IndicatorSet.objects.all().delete()
    result = import_file("transactions", f)
    assert result.rows_posted == 1, result
    assert {x.period_end for x in IndicatorSet.objects.all()} == {timezone.localdate()}
    assert IndicatorSet.objects.count() == 2
    import_file("transactions", f)  # the same file again changes nothing: nothing queued
    assert IndicatorSet.objects.count() == 2


@pytest.mark.parametrize("role", [Role.INCOME_OFFICER, Role.AUDITOR])
def test_only_managers_ask_for_figures(client_for, role):
    client = client_for(role)
    page = client.get("/performance/?period=quarter&year=2024&q=1").content.decode()
    assert "not been worked out yet" in page and "Work out the figures" not in page
    assert client.post("/performance/work-out/?period=quarter&year=2024&q=1").status_code == 403
    assert IndicatorSet.objects.count() == 0


def test_a_manager_asks_and_sees_the_progress(client_for):
    manager = client_for(Role.INCOME_MANAGER)
    assert manager.get("/performance/work-out/").status_code == 405
    r = manager.post("/performance/work-out/?period=quarter&year=2024&q=1")
    assert r.status_code == 302
    s = IndicatorSet.objects.get()
    assert s.period_start == Q1.start and s.requested_by is not None
    page = manager.get(r["Location"]).content.decode()
    assert 'data-testid="working-out"' in page and "0% done" in page
    assert 'http-equiv="refresh"' in page
