from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rentbook.portfolio.models import Role

from ..web.conftest import PASSWORD, build_account, post
from .conftest import check_accessibility
from .pages import AccountPage, FindAccountPage, SignInPage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def accounts(transactional_db):
    from datetime import date, timedelta

    from rentbook.ledger.models import ChargeLine, Kind

    made = []
    for i, (first, last) in enumerate([("Jane", "Smith"), ("Ann", "Smithson")]):
        acc = build_account(
            f"T00012{i}", first_name=first, last_name=last, postcode=f"LS{i + 1} 4AB"
        )
        ChargeLine.objects.create(
            account=acc,
            code="rent",
            weekly_amount=9500 + i * 100,
            effective_from=date(2024, 4, 1),
            source="test",
            source_ref=f"{acc.reference}-rent",
        )
        for week in range(30):
            day = date(2025, 4, 7) + timedelta(weeks=week)
            post(acc, day, Kind.CHARGE, 9500 + i * 100, charge_code="rent")
            if week % 5:
                post(acc, day + timedelta(days=3), Kind.PAYMENT, -9000, method="card")
        made.append(acc)
    return made


def test_an_officer_finds_an_account_and_its_statement_closes_on_its_balance(
    page, make_user, accounts
):
    make_user(Role.INCOME_OFFICER, "olivia")
    SignInPage(page).open().sign_in("olivia", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Worktray")
    page.get_by_role("link", name="Find an account").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find an account")
    check_accessibility(page)

    find = FindAccountPage(page)
    find.search("smith")
    assert find.result_references() == ["T000120", "T000121"]
    check_accessibility(page)

    account = find.open_account("T000120")
    balance = account.balance
    assert balance.startswith("£") and balance != "£0.00"
    page.get_by_text("Balance at the end of each week, as a table").click()
    expect(page.locator("[data-testid=chart-table]")).to_be_visible()
    assert page.locator("canvas[data-rb-chart]").bounding_box()["height"] > 100

    statement = account.open_statement()
    assert statement.closing_balance == balance


def test_an_exact_reference_opens_the_account_directly(page, make_user, accounts):
    make_user(Role.TEAM_LEADER, "tara")
    SignInPage(page).open().sign_in("tara", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Worktray")
    page.goto("/")
    FindAccountPage(page).search("T000121")
    AccountPage(page).check()
    assert page.url.endswith("/accounts/T000121/")


def test_an_auditor_sees_no_change_controls_and_a_forged_post_is_refused(page, make_user, accounts):
    make_user(Role.AUDITOR, "aud")
    SignInPage(page).open().sign_in("aud", PASSWORD)
    page.goto("/accounts/T000120/")
    AccountPage(page).check()
    post_forms = page.locator("form[method=post]")
    assert post_forms.count() == 1
    assert post_forms.first.get_attribute("action") == "/sign-out/"

    page.goto("/audit-log/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    check_accessibility(page)
    assert page.locator("form[method=post]").count() == 1

    # A POST with a valid CSRF token, as a tampered page would send: the role refuses it.
    status = page.evaluate(
        """async () => {
            const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
            const r = await fetch("/accounts/T000120/statement/", {
                method: "POST", headers: {"X-CSRFToken": token},
                body: new URLSearchParams({balance: "0"})});
            return r.status;
        }"""
    )
    assert status == 403


def test_failed_sign_ins_are_locked_out(page, make_user, accounts):
    make_user(Role.INCOME_OFFICER, "olivia")
    sign_in = SignInPage(page).open()
    for _ in range(4):
        sign_in.sign_in("olivia", "wrong password")
        assert "Incorrect username or password" in sign_in.error_summary
    check_accessibility(page)
    sign_in.sign_in("olivia", "wrong password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed sign-ins")
    check_accessibility(page)
    SignInPage(page).open().sign_in("olivia", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed sign-ins")


def test_the_accessibility_check_fails_on_a_serious_violation(page):
    page.set_content('<html lang="en"><body><main><img src="x.png"></main></body></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        check_accessibility(page)
