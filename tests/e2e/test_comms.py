from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rentbook.comms.defaults import seed
from rentbook.comms.models import Template
from rentbook.portfolio.models import Role

from ..web.conftest import PASSWORD
from .conftest import check_accessibility
from .pages import SignInPage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def account(transactional_db):
    from tests.factories import make_account

    seed(Template)  # the data migration's templates do not survive a transactional test's flush
    return make_account(last_name="Okafor")


def test_an_officer_previews_and_sends_a_letter_and_a_second_is_refused(page, make_user, account):
    make_user(Role.INCOME_OFFICER, "olivia")
    SignInPage(page).open().sign_in("olivia", PASSWORD)
    page.goto(f"/accounts/{account.reference}/")
    page.get_by_role("button", name="Send a letter or message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send a letter or message")
    page.get_by_label("Letter: Letter one: first arrears letter").check()
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("[data-testid=preview]")
    expect(preview).to_contain_text("Dear Sam Okafor")
    expect(preview).to_contain_text("test recipient")
    check_accessibility(page)
    page.get_by_role("button", name="Send it").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Sent: Letter one")
    expect(page.locator("[data-testid=diary]")).to_contain_text("IC1")

    page.get_by_role("button", name="Send a letter or message").click()
    page.get_by_label("Letter: Letter one: first arrears letter").check()
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("[data-testid=hold-reasons]")).to_contain_text("Duplicate")
    page.get_by_role("button", name="Send it").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Duplicate: IC1 was already sent")
    page.get_by_role("link", name="Back to the case").click()
    page.get_by_role("link", name="Letters and messages sent").click()
    expect(page.locator("[data-testid=sent-items]")).to_contain_text("Stored in the outbox")
    check_accessibility(page)
