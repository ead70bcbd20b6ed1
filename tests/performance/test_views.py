"""The dashboard, drill-down, exports, committee report, targets and custom indicator pages."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from rentbook.performance import stored
from rentbook.performance.indicators import Period
from rentbook.performance.models import CustomIndicator, CustomValue, IndicatorSet, Target
from rentbook.portfolio.models import Area, Patch, Role
from tests.performance.ledger import build

pytestmark = pytest.mark.django_db

Q1 = "period=quarter&year=2024&q=1"


def worked_out(period: Period) -> IndicatorSet:
    """The period's figures worked out and stored, as the task does after a run."""
    return stored.work_out(stored.request(period, reason="for the test"))


@pytest.fixture
def manager(client_for):
    build()
    worked_out(Period.quarter(2024, 1))
    return client_for(Role.INCOME_MANAGER)


def test_every_page_needs_sign_in(client):
    r = client.get("/performance/")
    assert r.status_code == 302 and "sign-in" in r["Location"]


def test_dashboard_shows_the_landlord_s_indicators_and_its_areas(manager):
    page = manager.get(f"/performance/?{Q1}").content.decode()
    assert "406.25%" in page  # current arrears, worked out in test_indicators
    assert "67.50%" in page  # rent collected
    assert "£1,540.00" in page  # rent lost through empty homes
    assert "Area North" in page and "Area South" in page
    assert "<svg" in page and "Rent-free" not in page
    page = manager.get(f"/performance/?{Q1}&profile=1").content.decode()
    assert "Rent-free" in page and "Christmas" in page


def test_the_dashboard_shows_the_council_revenues_by_fund_where_they_are_held(manager):
    from django.utils import timezone

    from rentbook.debts.models import FundYear

    assert "dashboard-revenues" not in manager.get(f"/performance/?{Q1}").content.decode()
    today = timezone.localdate()
    year = today.year if today.month >= 4 else today.year - 1
    FundYear.objects.create(year=year, fund="council_tax", cash_collected=9_931_00,
                            billed=10_000_00, written_off=0, in_year_cash=9_500_00,
                            worked_out_at=timezone.now())  # fmt: skip
    page = manager.get(f"/performance/?{Q1}").content.decode()
    assert 'data-testid="dashboard-revenues"' in page
    assert "Council Tax" in page and "99.31" in page and "95.00%" in page
    area = Area.objects.get(code="A1")  # an area's board is the rent service's only
    assert (
        "dashboard-revenues"
        not in manager.get(f"/performance/?{Q1}&scope=area&id={area.pk}").content.decode()
    )


def test_drill_from_area_to_patch_to_the_accounts_behind_its_arrears(manager):
    area = Area.objects.get(code="A1")
    page = manager.get(f"/performance/?{Q1}&scope=area&id={area.pk}").content.decode()
    p1 = Patch.objects.get(code="P1")
    assert f"scope=patch&amp;id={p1.pk}" in page
    page = manager.get(f"/performance/?{Q1}&scope=patch&id={p1.pk}").content.decode()
    assert "Area North" in page  # breadcrumb
    r = manager.get(
        f"/performance/accounts/?{Q1}&scope=patch&id={p1.pk}&indicator=current_arrears_pct"
    )
    page = r.content.decode()
    assert "406.25%" in page and "£3,250.00" in page
    assert page.index("T0") < page.index("£3,100.00") < page.index("£150.00")
    r = manager.get(
        f"/performance/accounts/?{Q1}&scope=patch&id={p1.pk}"
        "&indicator=current_arrears_pct&format=csv"
    )
    csv_text = b"".join(r.streaming_content).decode()
    assert csv_text.splitlines()[1].split(",")[1:3] == ["3100.00", "50.00"]


def test_unknown_scope_or_indicator_is_not_found(manager):
    assert manager.get("/performance/?scope=patch&id=999999").status_code == 404
    assert manager.get("/performance/accounts/?indicator=nope").status_code == 404


def test_csv_and_excel_exports(manager):
    text = manager.get(f"/performance/indicators.csv?{Q1}").content.decode()
    assert "current_arrears_pct,Current tenant arrears as % of collectable debit,406.25%" in text
    r = manager.get(f"/performance/indicators.xlsx?{Q1}")
    import polars as pl

    sheet = pl.read_excel(
        io.BytesIO(r.content), sheet_name="Indicators", read_options={"header_row": 2}
    )
    assert "406.25%" in sheet["value"].to_list()


def test_committee_report_pdf_holds_the_figures(manager):
    r = manager.get(f"/performance/committee-report.pdf?{Q1}")
    assert r["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    for figure in ("406.25%", "67.50%", "£1,540.00", "477.50%"):
        assert figure in text


def test_a_manager_sets_a_target_and_the_dashboard_shows_its_status(manager):
    r = manager.post(
        "/performance/targets/",
        {"indicator": "current_arrears_pct", "year": "20x4", "quarter": "1", "scope": "landlord",
         "value": "two"},
    )  # fmt: skip
    assert r.status_code == 400
    page = r.content.decode()
    assert "There is a problem" in page and "4 numbers" in page and "must be a number" in page
    assert 'value="two"' in page  # nothing typed is lost
    r = manager.post(
        "/performance/targets/",
        {"indicator": "current_arrears_pct", "year": "2024", "quarter": "1", "scope": "landlord",
         "value": "2.2"},
    )  # fmt: skip
    assert r.status_code == 302 and Target.objects.count() == 1
    page = manager.get(f"/performance/?{Q1}").content.decode()
    assert "Off target" in page and "2.20%" in page


def test_an_officer_may_not_set_targets(client_for):
    officer = client_for(Role.INCOME_OFFICER)
    r = officer.post("/performance/targets/", {"indicator": "collected"})
    assert r.status_code == 403


def test_custom_indicator_defined_and_valued_by_hand(manager):
    r = manager.post(
        "/performance/custom/",
        {"action": "define", "code": "hb-days", "name": "Days to process a claim",
         "better": "lower", "unit": "days"},
    )  # fmt: skip
    assert r.status_code == 302
    r = manager.post(
        "/performance/custom/",
        {"action": "value", "indicator": "hb-days", "year": "2024", "quarter": "1",
         "scope": "landlord", "value": "16"},
    )  # fmt: skip
    assert r.status_code == 302
    assert CustomValue.objects.get().value == 16
    page = manager.get(f"/performance/?{Q1}").content.decode()
    assert "Days to process a claim" in page and "16 days" in page
    r = manager.post("/performance/custom/", {"action": "define", "code": "Bad Code"})
    assert r.status_code == 400 and CustomIndicator.objects.count() == 1
