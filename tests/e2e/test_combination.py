"""A customer who owes rent, council tax and a sundry debt agrees one combination
arrangement: the officer records their income and expenditure, tries a payment that does not
cover the ongoing charges (a clear error, nothing lost), checks how each payment is shared,
agrees it, and prints the one letter that lists every debt."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rentbook.arrangements.models import Arrangement
from rentbook.debts.models import CombinedArrangement
from rentbook.ledger.models import Kind
from rentbook.portfolio.models import Role
from tests.debts.conftest import load
from tests.factories import make_account, post

from ..web.conftest import PASSWORD
from .conftest import check_accessibility
from .pages import SignInPage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _customer_with_three_debts(tmp_path) -> str:
    today = timezone.localdate()
    year = today.year if today.month >= 4 else today.year - 1
    account = make_account(weekly_rent=10_000, start=today - timedelta(days=400))
    post(account, today - timedelta(days=10), 52_000, kind=Kind.CHARGE)
    assert load(tmp_path, "customers", [
        {"customer_ref": "C77", "name": "Ola Nwosu", "tenancy_ref": account.reference,
         "address": "1 High Street, Anytown", "postcode": "AB1 2CD"},
    ]).ok  # fmt: skip
    assert load(tmp_path, "debts", [
        {"debt_ref": "CT-77", "customer_ref": "C77", "stream": "council_tax",
         "financial_year": str(year), "raised_on": f"{year}-03-10"},
        {"debt_ref": "INV-77", "customer_ref": "C77", "stream": "sundry",
         "financial_year": str(year), "raised_on": f"{year}-04-02",
         "due_on": f"{year}-04-30", "department": "Bulky waste"},
    ]).ok  # fmt: skip
    assert load(tmp_path, "debt_entries", [
        {"entry_ref": "E1", "debt_ref": "CT-77", "posted_on": date(year, 4, 1).isoformat(),
         "kind": "charge", "amount": "1500.00"},
        {"entry_ref": "I1", "debt_ref": "INV-77", "posted_on": date(year, 4, 2).isoformat(),
         "kind": "invoice", "amount": "45.00"},
    ]).ok  # fmt: skip
    return account.reference


def test_a_customer_agrees_one_arrangement_for_rent_council_tax_and_a_sundry_debt(
    page, make_user, tmp_path
):
    reference = _customer_with_three_debts(tmp_path)
    make_user(Role.INCOME_OFFICER, "olivia")
    SignInPage(page).open().sign_in("olivia", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Worktray")

    page.goto("/customers/C77/")
    page.get_by_role("link", name="Agree a combination arrangement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Agree one arrangement across every debt"
    )
    owing = page.get_by_test_id("owing")
    expect(owing).to_contain_text("Rent, account " + reference)
    expect(owing).to_contain_text("Council tax")
    expect(owing).to_contain_text("Sundry debt")
    check_accessibility(page)

    # income and expenditure first, on the rent account, then back here
    page.get_by_role("link", name="Record it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Income and expenditure")
    page.fill("#earnings", "1800.00")
    page.fill("#rent", "433.33")
    page.fill("#council_tax", "150")
    page.fill("#food", "300")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Agree one arrangement across every debt"
    )
    expect(page.get_by_test_id("surplus")).to_be_visible()

    # a payment that does not even cover the rent due with it
    page.fill("#payment", "50")
    page.get_by_role("button", name="Check how each payment is shared").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("does not cover the ongoing charges")
    expect(page.locator("#payment")).to_have_value("50")  # nothing lost
    check_accessibility(page)

    page.fill("#payment", "300.00")
    page.get_by_role("button", name="Check how each payment is shared").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the arrangement before agreeing it"
    )
    shares = page.get_by_test_id("shares")
    expect(shares.locator("tbody tr")).to_have_count(3)
    expect(page.get_by_test_id("payments")).to_contain_text("£300.00")
    check_accessibility(page)
    page.get_by_role("button", name="Agree the arrangement").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Combination arrangement")
    expect(page.get_by_test_id("state")).to_have_text("Live")
    expect(page.get_by_test_id("part")).to_have_count(3)
    check_accessibility(page)
    ca = CombinedArrangement.objects.get()
    assert ca.payment == 30_000 and ca.statement is not None
    # the rent part is an arrangement on the rent account, which the rent run reads
    assert Arrangement.objects.get(account__reference=reference).ongoing_charge == 10_000

    page.get_by_role("link", name="The letter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your payment arrangement")
    letter = page.get_by_test_id("letter-parts")
    expect(letter.locator("tbody tr")).to_have_count(3)
    for debt in ("Rent", "Council tax", "Sundry debt"):
        expect(letter).to_contain_text(debt)
    expect(page.locator("body")).to_contain_text("Ola Nwosu")
    expect(page.locator("body")).to_contain_text("£300.00")
    pdf = page.request.get(f"/customers/C77/arrangements/{ca.pk}/letter.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    page.goto("/customers/C77/")
    expect(page.get_by_test_id("arrangements")).to_contain_text("live")


def test_a_revenues_officer_works_the_council_debts_and_sees_no_rent_record(
    page, make_user, tmp_path
):
    from rentbook.debts.funds import work_out
    from rentbook.debts.run import run_debts

    reference = _customer_with_three_debts(tmp_path)
    run_debts(timezone.localdate())
    work_out()
    make_user(Role.REVENUES_OFFICER, "rita")
    SignInPage(page).open().sign_in("rita", PASSWORD)
    # their start page is the customers, and the navigation has no rent pages
    expect(page.get_by_role("heading", level=1)).to_have_text("Customers")
    nav = page.locator(".govuk-service-navigation, .govuk-header")
    expect(nav.get_by_role("link", name="Worktray")).to_have_count(0)
    check_accessibility(page)

    page.get_by_role("link", name="Debt work").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Debt work")
    rows = page.get_by_test_id("work-row")
    expect(rows.first).to_be_visible()
    check_accessibility(page)
    first = rows.first
    debt = first.locator("td").nth(1).inner_text()
    first.get_by_role("button", name="Record as done").click()
    expect(page.get_by_test_id("message")).to_contain_text("recorded on")
    assert any(ref in debt for ref in ("CT-77", "INV-77"))
    check_accessibility(page)

    page.goto("/customers/C77/")
    expect(page.get_by_test_id("debts")).to_contain_text("CT-77")
    expect(page.get_by_test_id("contacts")).to_be_visible()
    expect(page.get_by_role("link", name=reference)).to_have_count(0)
    check_accessibility(page)
    page.goto(f"/accounts/{reference}/")
    expect(page.locator("body")).to_contain_text("revenues officer")

    page.goto("/revenues/")
    expect(page.get_by_test_id("revenues")).to_contain_text("Council Tax")
    check_accessibility(page)
