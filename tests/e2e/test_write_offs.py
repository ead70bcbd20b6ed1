"""An officer proposes a write-off and cannot approve it; a manager approves it; the statement
shows the write-off and the audit log shows both people."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from rentbook.ledger.models import Kind
from rentbook.portfolio.models import Role

from ..web.conftest import PASSWORD, build_account, post
from .conftest import check_accessibility
from .pages import SignInPage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ended_account(transactional_db):
    acc = build_account("T000777", first_name="Edna", last_name="Price")
    acc.tenancy.end_date = date(2025, 6, 30)
    acc.tenancy.save()
    for week in range(4):
        post(acc, date(2025, 6, 2) + timedelta(weeks=week), Kind.CHARGE, 9_500)
    return acc


def _sign_in(page, username: str) -> None:
    page.context.clear_cookies()
    SignInPage(page).open().sign_in(username, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Worktray")


def test_officer_proposes_manager_approves_statement_and_audit_show_it(
    page, make_user, ended_account
):
    make_user(Role.INCOME_OFFICER, "olivia")
    make_user(Role.INCOME_MANAGER, "mona")
    ref = ended_account.reference

    _sign_in(page, "olivia")
    page.goto(f"/accounts/{ref}/")
    expect(page.locator("[data-testid=legal-panel]")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Propose a write-off").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose a write-off")
    check_accessibility(page)
    # an error first: no reason chosen; the amount typed is kept
    page.get_by_label("Amount to write off").fill("380.00")
    page.get_by_role("button", name="Propose the write-off").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the reason")
    expect(page.get_by_label("Amount to write off")).to_have_value("380.00")
    check_accessibility(page)
    page.get_by_label("Exceptional circumstances (such as permanent care)").check()
    page.get_by_label("Note for the approver").fill("Moved to permanent residential care")
    page.get_by_role("button", name="Propose the write-off").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Write-off WO-")
    expect(page.locator("[data-testid=status]")).to_have_text("Awaiting approval")
    expect(page.locator("[data-testid=cannot-approve]")).to_contain_text("someone else")
    expect(page.get_by_role("button", name="Approve the write-off")).to_have_count(0)
    check_accessibility(page)
    write_off_url = page.url

    _sign_in(page, "mona")
    page.get_by_role("link", name="Write-offs").first.click()
    expect(page.locator("[data-testid=pending]")).to_contain_text("You may approve")
    check_accessibility(page)
    page.goto(write_off_url)
    page.get_by_role("button", name="Approve the write-off").click()
    expect(page.locator("[data-testid=status]")).to_contain_text("Approved and written off by")
    check_accessibility(page)

    page.goto(f"/accounts/{ref}/statement/")
    statement = page.locator("main")
    expect(statement).to_contain_text("Write-off")
    expect(statement).to_contain_text("£380.00")
    check_accessibility(page)

    # the committee report for the rent year lists it, and its total is the write-off
    page.goto("/write-offs/committee-report/")
    expect(page.locator("[data-testid=report]")).to_contain_text(ref)
    expect(page.locator("[data-testid=total]")).to_have_text("£380.00")
    check_accessibility(page)
    for path in (f"/accounts/{ref}/", f"/accounts/{ref}/court/", "/post-court-review/"):
        page.goto(path)
        check_accessibility(page)

    page.goto("/audit-log/?object_type=recovery.WriteOff")
    events = page.locator("[data-testid=audit-events]")
    expect(events).to_contain_text("olivia")
    expect(events).to_contain_text("mona")
    expect(events).to_contain_text("recovery.write_off_proposed")
    expect(events).to_contain_text("recovery.write_off_approved")
    check_accessibility(page)
