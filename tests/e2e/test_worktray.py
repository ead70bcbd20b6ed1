"""An officer works the worktray: opens the first case, reads why, records the action, and
the next arrears run moves the case on (Hackney: letter one, then 14+ days later letter two)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from rentbook.cases.models import DiaryEntry
from rentbook.engine.models import Recommendation
from rentbook.ledger.models import ChargeLine, Kind
from rentbook.portfolio.models import Patch, Role

from ..web.conftest import PASSWORD, build_account, post
from .conftest import check_accessibility
from .pages import AccountPage, SignInPage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@dataclass
class WorktrayPage:
    page: Page

    def check(self) -> WorktrayPage:
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Worktray")
        check_accessibility(self.page)
        return self

    def references(self) -> list[str]:
        return self.page.locator("[data-testid=worktray] tbody tr td:first-child").all_inner_texts()

    def open_first_case(self) -> CasePage:
        self.page.locator("[data-testid=worktray] tbody tr td:first-child a").first.click()
        return CasePage(self.page).check()


@dataclass
class CasePage(AccountPage):
    def check(self) -> CasePage:
        super().check()
        expect(self.page.locator("[data-testid=recommendation]")).to_be_visible()
        return self

    @property
    def recommended_action(self) -> str:
        return self.page.locator("[data-testid=recommended-action]").inner_text()

    def reasons(self) -> list[str]:
        return self.page.locator("[data-testid=reasons] li").all_inner_texts()

    def record_action(self, code_label: str, done: date, time: str = "10:00") -> None:
        self.page.get_by_role("button", name="Record an action").click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Record an action")
        check_accessibility(self.page)
        self.page.get_by_label("What did you do?").select_option(label=code_label)
        self.page.get_by_label("Outcome (optional)").fill("Posted first class")
        group = self.page.get_by_role("group", name="Date done")
        group.get_by_label("Day").fill(str(done.day))
        group.get_by_label("Month").fill(str(done.month))
        group.get_by_label("Year").fill(str(done.year))
        self.page.get_by_label("Time done").fill(time)
        with self.page.expect_navigation(wait_until="load"):
            self.page.get_by_role("button", name="Record the action").click()

    def diary(self) -> list[str]:
        return self.page.locator("[data-testid=diary] .moj-timeline__title").all_inner_texts()


@pytest.fixture
def arrears_case(transactional_db):
    """T000200 owes several weeks' rent and has had no letter; T000201 is paid up."""
    today = timezone.localdate()
    start = today - timedelta(weeks=20)
    made = []
    for i, pays in enumerate([False, True]):
        acc = build_account(f"T00020{i}", last_name=["Owens", "Paid"][i], postcode="LS2 4AB")
        ChargeLine.objects.create(
            account=acc,
            code="rent",
            weekly_amount=10_000,
            effective_from=start,
            source="test",
            source_ref=f"{acc.reference}-rent",
        )
        monday = start - timedelta(days=start.weekday())
        for week in range(21):
            day = monday + timedelta(weeks=week)
            if day > today:
                break
            post(acc, day, Kind.CHARGE, 10_000, charge_code="rent")
            if pays or week < 14:
                post(acc, day, Kind.PAYMENT, -10_000, method="card")
        made.append(acc)
    return made


def test_an_officer_works_the_first_case_and_the_next_run_moves_it_on(
    page, make_user, arrears_case
):
    engine = pytest.importorskip("rentbook.engine.services")
    officer = make_user(Role.INCOME_OFFICER, "olivia")
    Patch.objects.get(code="N1").officers.add(officer)
    today = timezone.localdate()
    first_as_of = today - timedelta(days=20)
    engine.run_arrears(first_as_of, "hackney")
    owed = Recommendation.objects.get(account=arrears_case[0])
    assert owed.action == "send_letter_one"

    SignInPage(page).open().sign_in("olivia", PASSWORD)
    worktray = WorktrayPage(page).check()
    assert worktray.references() == ["T000200"]  # the paid-up account needs no action

    case = worktray.open_first_case()
    assert "Send letter one" in case.recommended_action
    reasons = case.reasons()
    assert reasons, "a recommendation explains itself"
    assert any(r.startswith("arrears £") for r in reasons), reasons

    case.record_action("Letter one (first arrears letter) (IC1)", first_as_of)
    expect(page.locator("[data-testid=banner]")).to_contain_text("Action recorded")
    check_accessibility(page)
    assert CasePage(page).diary() == ["Letter one (first arrears letter) (IC1)"]
    entry = DiaryEntry.objects.get()
    assert entry.officer == officer and entry.recommendation_id == owed.pk

    engine.run_arrears(today, "hackney")
    page.goto("/worktray/")
    worktray = WorktrayPage(page).check()
    case = worktray.open_first_case()
    assert "Send letter two" in case.recommended_action


def test_the_case_forms_pause_flag_and_errors_are_accessible(page, make_user, arrears_case):
    """Without the engine: a run made directly, so these pages are checked whatever its state."""
    from tests.cases.builders import make_run, recommend

    officer = make_user(Role.TEAM_LEADER, "tara")
    Patch.objects.get(code="N1").officers.add(officer)
    recommend(make_run(), arrears_case[0], "send_letter_one", reasons=["arrears £600.00"])
    SignInPage(page).open().sign_in("tara", PASSWORD)
    worktray = WorktrayPage(page).check()
    assert worktray.references() == ["T000200"]
    page.get_by_role("link", name="All", exact=True).click()
    WorktrayPage(page).check()
    page.get_by_label("Include accounts needing no action").check()
    page.get_by_role("button", name="Apply filters").click()
    WorktrayPage(page).check()

    case = worktray.open_first_case()
    assert case.reasons() == ["arrears £600.00"]
    page.get_by_role("button", name="Record an action").click()
    page.get_by_label("What did you do?").select_option(label="Promise to pay (PTP)")
    page.get_by_role("button", name="Record the action").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the amount the tenant promised to pay"
    )
    check_accessibility(page)
    page.get_by_role("link", name="Back to the case").click()

    page.get_by_role("button", name="Pause this case").click()
    check_accessibility(page)
    page.get_by_label("In hospital").check()
    until = timezone.localdate() + timedelta(days=10)
    group = page.get_by_role("group", name="Pause until")
    group.get_by_label("Day").fill(str(until.day))
    group.get_by_label("Month").fill(str(until.month))
    group.get_by_label("Year").fill(str(until.year))
    page.get_by_role("button", name="Pause the case").click()
    expect(page.locator("[data-testid=pause]")).to_contain_text("Paused until")
    check_accessibility(page)
    page.get_by_role("button", name="Lift the pause").click()
    expect(page.locator("[data-testid=banner]")).to_contain_text("The pause has been lifted")

    page.get_by_role("button", name="Add a flag").click()
    check_accessibility(page)
    page.get_by_label("Breathing space (standard)").check()
    page.get_by_role("button", name="Add the flag").click()
    expect(page.locator("[data-testid=flag]")).to_contain_text("Breathing space (standard)")
    check_accessibility(page)
