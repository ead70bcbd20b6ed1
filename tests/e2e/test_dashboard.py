"""A manager opens the performance dashboard, drills from the landlord to an area, a patch and
the accounts behind its arrears figure, and downloads the committee report: a PDF whose text
holds the figures on the page."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from rentbook.portfolio.models import Role

from ..performance.ledger import build
from ..web.conftest import PASSWORD
from .conftest import check_accessibility
from .pages import SignInPage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def figures(page: Page) -> dict[str, str]:
    rows = page.locator("[data-testid=indicators] tbody tr")
    out = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        out[row.get_attribute("data-testid") or ""] = row.locator(
            "[data-testid=value]"
        ).inner_text()
    return out


def test_manager_drills_down_and_downloads_the_committee_report(page: Page, make_user, settings):
    # the figures are worked out by the task runner: here inside the request that asks
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    build()
    manager = make_user(Role.INCOME_MANAGER, "manager")
    SignInPage(page).open().sign_in(manager.username, PASSWORD)
    page.get_by_role("link", name="Performance").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance: Whole landlord")
    page.get_by_label("Period").select_option("quarter")
    page.get_by_label("Rent year starting April").select_option("2024")
    page.get_by_label("Quarter", exact=True).select_option("1")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("not-ready")).to_contain_text("not been worked out yet")
    check_accessibility(page)
    page.get_by_role("button", name="Work out the figures for Q1 2024/25").click()
    expect(page.locator(".govuk-caption-l")).to_have_text("Q1 2024/25")
    expect(page.get_by_test_id("worked-out")).to_contain_text("asked for by")
    check_accessibility(page)
    assert figures(page)["ind-current_arrears_pct"] == "406.25%"

    page.get_by_role("link", name="Area North").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance: Area North")
    page.get_by_role("link", name="Patch P1 Hillside").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance: Patch P1 Hillside")
    check_accessibility(page)
    shown = figures(page)
    arrears = shown["ind-current_arrears_pct"]
    assert arrears == "406.25%"  # C, the only tenancy elsewhere, has ended

    with page.expect_download() as download:
        page.get_by_test_id("committee-report").click()
    pdf = download.value.path().read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Patch P1 Hillside" in text
    for value in shown.values():
        assert value in text

    page.get_by_test_id("drill-current_arrears_pct").click()
    expect(page.get_by_test_id("figure-value")).to_have_text(arrears)
    expect(page.get_by_test_id("balance-total")).to_have_text("£3,250.00")
    balances = page.locator("[data-testid=accounts] tbody tr td:nth-child(2)").all_inner_texts()
    assert balances == ["£3,100.00", "£150.00"]
    check_accessibility(page)
    page.locator("[data-testid=accounts] tbody tr td:first-child a").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
