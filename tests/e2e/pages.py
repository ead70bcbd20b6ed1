"""Page objects: what a member of staff sees and does on each page, in their words."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page, expect

from .conftest import check_accessibility


@dataclass
class SignInPage:
    page: Page

    def open(self) -> SignInPage:
        self.page.goto("/sign-in/")
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Sign in to rentbook")
        check_accessibility(self.page)
        return self

    def sign_in(self, username: str, password: str) -> None:
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()

    @property
    def error_summary(self) -> str:
        return self.page.locator(".govuk-error-summary").inner_text()


@dataclass
class FindAccountPage:
    page: Page

    def search(self, query: str) -> None:
        self.page.get_by_label("Reference, tenant name, address or postcode").fill(query)
        # Wait for the results page itself: reading rows straight after the click races it.
        with self.page.expect_navigation(wait_until="load"):
            self.page.get_by_role("button", name="Search").click()

    def result_references(self) -> list[str]:
        return self.page.locator("[data-testid=results] tbody tr td:first-child").all_inner_texts()

    def open_account(self, reference: str) -> AccountPage:
        self.page.get_by_role("link", name=reference, exact=True).click()
        return AccountPage(self.page).check()


@dataclass
class AccountPage:
    page: Page

    def check(self) -> AccountPage:
        expect(self.page.locator("[data-testid=balance]")).to_be_visible()
        check_accessibility(self.page)
        return self

    @property
    def balance(self) -> str:
        return self.page.locator("[data-testid=balance]").inner_text().strip()

    def open_statement(self) -> StatementPage:
        self.page.get_by_role("link", name="View the rent statement").click()
        return StatementPage(self.page).check()


@dataclass
class StatementPage:
    page: Page

    def check(self) -> StatementPage:
        expect(self.page.get_by_role("heading", level=1)).to_contain_text("Rent statement")
        check_accessibility(self.page)
        return self

    @property
    def closing_balance(self) -> str:
        return self.page.locator("[data-testid=closing-balance]").inner_text().strip()
