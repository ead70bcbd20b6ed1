"""An officer records income and expenditure (one field wrong first), picks a proposal and
confirms; the account shows the schedule; after a missed instalment and a run, the case shows
the breach and the policy's next action."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rentbook.arrangements.models import Arrangement
from rentbook.engine.services import run_arrears
from rentbook.ledger.models import Kind
from rentbook.portfolio.models import Role
from tests.factories import make_account, post

from ..web.conftest import PASSWORD
from .conftest import check_accessibility
from .pages import SignInPage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_officer_sets_up_an_arrangement_and_the_run_sees_it_broken(page, make_user):
    today = timezone.localdate()
    account = make_account(weekly_rent=10_000, start=today - timedelta(days=400))
    post(account, today - timedelta(days=10), 52_000, kind=Kind.CHARGE)
    make_user(Role.INCOME_OFFICER, "olivia")
    SignInPage(page).open().sign_in("olivia", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Worktray")

    page.goto(f"/accounts/{account.reference}/")
    page.get_by_test_id("set-up-arrangement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Income and expenditure")
    check_accessibility(page)
    page.fill("#earnings", "1200.00")
    page.fill("#rent", "433.33")
    page.fill("#food", "300")
    page.fill("#utilities", "lots")  # wrong
    page.get_by_role("button", name="Save and continue").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Gas, electricity and water must be an amount, like 120.50")
    expect(page.locator("#utilities")).to_have_value("lots")
    expect(page.locator("#earnings")).to_have_value("1200.00")  # nothing lost
    expect(page.locator("#food")).to_have_value("300")
    check_accessibility(page)
    page.fill("#utilities", "120")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Choose the terms")
    expect(page.get_by_test_id("arrears")).to_have_text("£520.00")
    expect(page.get_by_test_id("surplus")).to_contain_text("£346.67 a month")
    check_accessibility(page)
    proposals = page.get_by_test_id("proposal")
    expect(proposals).to_have_count(5)
    page.get_by_label("Clear over 12 months").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the arrangement")
    expect(page.get_by_test_id("each-payment")).to_contain_text("£110.00")
    check_accessibility(page)
    page.get_by_role("button", name="Confirm the arrangement").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Payment arrangement")
    a = Arrangement.objects.get()
    assert (a.instalment, a.starting_balance) == (1_000, 52_000)
    page.goto(f"/accounts/{account.reference}/")
    schedule = page.get_by_test_id("schedule")
    expect(schedule.get_by_test_id("instalment")).to_have_count(52)
    expect(schedule.get_by_test_id("instalment-status").first).to_have_text("Due")
    expect(page.get_by_test_id("arrangement-state")).to_contain_text("Live")
    check_accessibility(page)

    # nothing is paid: the first instalment is missed once its date + 5 days has passed
    run_arrears(a.first_payment + timedelta(days=5), "england")
    page.reload()
    expect(page.get_by_test_id("recommended-action")).to_contain_text(
        "The arrangement is broken: call to find out why and agree again"
    )
    expect(page.get_by_test_id("reasons")).to_contain_text("the arrangement is broken")
    expect(page.get_by_test_id("rule")).to_contain_text("broken for the first time")
