"""An officer finds a payment held in suspense, allocates it (after a wrong reference is
refused by name), sees it on the account's statement, and undoes it."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from rentbook.banking.models import ChannelPayment
from rentbook.ledger.models import Kind
from rentbook.portfolio.models import Role

from ..web.conftest import PASSWORD, build_account, post
from .conftest import check_accessibility
from .pages import SignInPage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_officer_allocates_a_payment_from_suspense_and_undoes_it(page, make_user):
    acc = build_account("T000888", first_name="Nia", last_name="Owen")
    post(acc, date(2026, 11, 30), Kind.CHARGE, 9_500)
    held = ChannelPayment.objects.create(
        reference_given="T00088", amount=4_250, paid_on=date(2026, 12, 4), channel="allpay",
        outlet="SPAR HIGH ST", status="suspense", suspense_reason="no account has this reference",
    )  # fmt: skip
    make_user(Role.INCOME_OFFICER, "owain")
    page.context.clear_cookies()
    SignInPage(page).open().sign_in("owain", PASSWORD)
    page.get_by_role("link", name="Suspense").click()
    expect(page.locator("[data-testid=suspense-total]")).to_contain_text("1 payment in suspense")
    expect(page.locator("[data-testid=suspense-total]")).to_contain_text("£42.50")
    check_accessibility(page)
    page.get_by_role("link", name="4 Dec 2026").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("£42.50 by Allpay")
    check_accessibility(page)
    page.get_by_label("Allocate to the account with the reference").fill("T999999")
    page.get_by_role("button", name="Allocate the payment").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("No account has the reference")
    check_accessibility(page)
    page.get_by_label("Allocate to the account with the reference").fill("t000888")
    page.get_by_role("button", name="Allocate the payment").click()
    expect(page.locator("[data-testid=status]")).to_contain_text("Allocated from suspense: T000888")
    page.goto("/accounts/T000888/statement/")
    expect(page.locator("main")).to_contain_text("Allocated from suspense")
    page.goto(f"/suspense/{held.pk}/")
    page.get_by_role("button", name="Undo the allocation").click()
    expect(page.locator("[data-testid=status]")).to_have_text("In suspense")
