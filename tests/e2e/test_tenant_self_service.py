"""A tenant, on a 320 px wide screen and by keyboard, signs in with a code, reads their
statement, pays with the fake payment service, sets up a Direct Debit and proposes a payment
plan, which an officer accepts; the tenant sees the reply. Every page is checked with axe and
must have no violations at all."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rentbook.banking.models import Mandate
from rentbook.ledger.models import Transaction
from rentbook.portfolio.models import Role

from ..selfservice.conftest import last_code, make_tenant_account
from ..selfservice.conftest import sent_codes as sent_codes  # a fixture
from ..web.conftest import PASSWORD
from .conftest import check_accessibility, policed_page
from .pages import SignInPage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _check(page) -> None:  # type: ignore[no-untyped-def]
    check_accessibility(page, strict=True)
    # nothing but a table's own scrolling box is wider than the screen (WCAG 1.4.10 reflow)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 320, f"{page.url} is {wide}px wide at 320px"


@pytest.fixture
def narrow(browser, live_server):
    with policed_page(browser, live_server.url, viewport={"width": 320, "height": 900}) as p:
        yield p


def test_a_tenant_pays_sets_up_a_direct_debit_and_proposes_a_plan_an_officer_accepts(
    narrow,
    browser,
    live_server,
    sent_codes,
    settings,
    make_user,
):
    settings.RENTBOOK_PAY_BACKEND = "fake"
    account = make_tenant_account()
    page = narrow
    page.goto("/my-rent/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to your rent account")
    _check(page)
    # keyboard only: Tab to each field, type, Enter to send
    page.get_by_label("Rent account number").focus()
    page.keyboard.type(account.reference)
    for value in ("Ada", "Okafor", account.tenancy.property.postcode):
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Where should we send your code?")
    _check(page)
    page.get_by_label("Email to a•••@example.org").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Send the code").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code we sent you")
    _check(page)
    page.get_by_label("Enter the code we sent you").focus()
    page.keyboard.type(last_code(sent_codes))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("balance")).to_have_text("You owe £600.00, about 6 weeks of rent.")
    _check(page)

    page.get_by_role("link", name="See your rent statement").click()
    expect(page.get_by_test_id("closing-balance")).to_have_text("£600.00")
    _check(page)
    with page.expect_download() as download:
        page.get_by_test_id("statement-csv").click()
    assert download.value.suggested_filename.endswith(".csv")

    page.goto("/my-rent/")
    page.get_by_role("link", name="Pay now by card").click()
    _check(page)
    page.get_by_label("How much do you want to pay?").fill("25.00")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pretend card payment")
    _check(page)
    page.get_by_role("button", name="Pay £25.00").click()
    expect(page.get_by_test_id("paid")).to_contain_text("£25.00")
    _check(page)
    assert Transaction.objects.filter(account=account, amount=-2_500).count() == 1
    page.reload()  # the confirmation again: still one payment
    expect(page.get_by_test_id("paid")).to_be_visible()
    assert Transaction.objects.filter(account=account, amount=-2_500).count() == 1

    page.goto("/my-rent/")
    page.get_by_role("link", name="Set up a Direct Debit").click()
    _check(page)
    page.get_by_label("Name on the bank account").fill("Ada Okafor")
    page.get_by_label("Sort code").fill("309457")
    page.get_by_label("Account number").fill("12345678")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Monthly", exact=True).check()
    page.get_by_label("Day of the month to pay (monthly)").fill("1")
    page.get_by_label("Amount each time").fill("433.34")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your Direct Debit")
    _check(page)
    page.get_by_role("button", name="Set up the Direct Debit").click()
    expect(page.get_by_test_id("dd-done")).to_be_visible()
    _check(page)
    assert Mandate.objects.get(account=account).status == Mandate.Status.NEW

    page.goto("/my-rent/")
    page.get_by_role("link", name="Ask for a payment plan").click()
    _check(page)
    page.get_by_label("Wages or self-employed income").fill("1500")
    page.get_by_label("Food and household shopping").fill("300")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What can you pay?")
    _check(page)
    page.get_by_label("Weekly", exact=True).check()
    page.get_by_label("How much can you pay towards what you owe each time?").fill("1")
    page.get_by_label("How will you pay?").select_option("direct_debit")
    page.get_by_role("button", name="Send my offer").click()
    # below the rules: explained, with the choice to change it or send it anyway
    expect(page.get_by_test_id("offer-reasons")).to_contain_text("within 24 months")
    _check(page)
    page.get_by_label("How much can you pay towards what you owe each time?").fill("20")
    page.get_by_role("button", name="Check my changed offer").click()
    expect(page.get_by_test_id("plan-sent")).to_be_visible()
    _check(page)

    make_user(Role.INCOME_OFFICER, "olu")
    staff = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    SignInPage(staff).open().sign_in("olu", PASSWORD)
    staff.goto("/proposals/?view=all")
    check_accessibility(staff, strict=True)
    staff.locator("[data-testid^=proposal-]").first.click()
    check_accessibility(staff, strict=True)
    staff.get_by_test_id("accept-proposal").click()
    expect(staff.get_by_test_id("proposal-state")).to_have_text("Accepted")
    staff.context.close()

    page.goto("/my-rent/")
    expect(page.get_by_test_id("proposal-reply")).to_contain_text(
        "We have agreed your payment plan"
    )
    _check(page)
    page.get_by_role("button", name="Menu").click()  # narrow: the menu is behind its button
    page.get_by_test_id("tenant-sign-out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")


def test_the_tenants_other_pages_and_their_errors_have_no_accessibility_violations(
    narrow,
    sent_codes,
):
    account = make_tenant_account()
    page = narrow
    page.goto("/my-rent/sign-in/")
    page.get_by_role("button", name="Continue").click()  # nothing entered: every field named
    expect(page.locator(".govuk-error-summary li")).to_have_count(4)
    _check(page)
    page.get_by_label("Rent account number").fill(account.reference)
    page.get_by_label("First name").fill("Ben")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Postcode of your home").fill(account.tenancy.property.postcode)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Send the code").click()
    page.get_by_label("Enter the code we sent you").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    if page.locator(".govuk-error-summary").count():
        _check(page)  # the wrong code's error
        page.get_by_label("Enter the code we sent you").fill(last_code(sent_codes))
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("balance")).to_be_visible()
    for link, heading in (
        ("See letters and messages we sent you", "Letters and messages we sent you"),
        ("Tell us about a change", "Tell us about a change"),
        ("Change your email address or mobile number", "Change your contact details"),
    ):
        page.goto("/my-rent/")
        page.get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        _check(page)
        button = page.locator("main form button[type=submit]")
        if button.count():
            button.first.click()  # sent empty: the errors are named, and still accessible
            expect(page.locator(".govuk-error-summary")).to_be_visible()
            _check(page)
    page.goto("/my-rent/tell-us/")
    page.get_by_label("I am struggling to pay because of hardship").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("told-us")).to_be_visible()
    _check(page)
