"""A manager finds the accounts paying their way today whose risk score says they are about to
fall behind (the watch list), reads why, and sorts the worktray by risk (docs/risk.md)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rentbook.engine.models import Recommendation
from rentbook.portfolio.models import Role
from tests.cases.builders import make_run, recommend
from tests.factories import make_account

from ..web.conftest import PASSWORD
from .conftest import check_accessibility
from .pages import SignInPage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _scored(run, *, balance: int, risk: int, why: list[str], action: str = "no_action"):
    a = make_account()
    rec = recommend(run, a, action, balance=balance)
    Recommendation.objects.filter(pk=rec.pk).update(risk=risk, risk_reasons=why)
    return a


def test_the_watch_list_shows_who_to_call_before_they_miss_a_payment(page, make_user):
    run = make_run(as_of=timezone.localdate())
    watched = _scored(run, balance=-2_000, risk=72,
                      why=["3 of the last 4 weeks' payments were missed"])  # fmt: skip
    calm = _scored(run, balance=0, risk=8, why=[])
    behind = _scored(run, balance=60_000, risk=90, why=["owes 6.0 weeks of rent"],
                     action="send_letter_one")  # fmt: skip
    make_user(Role.INCOME_MANAGER, "mia")
    SignInPage(page).open().sign_in("mia", PASSWORD)
    page.goto("/worktray/?view=all")
    expect(page.get_by_role("heading", level=1)).to_have_text("Worktray")
    expect(page.get_by_test_id("risk").first).to_contain_text("90%")
    check_accessibility(page)

    page.get_by_role("link", name="Watch list").click()
    expect(page.get_by_test_id("watch-list")).to_be_visible()
    table = page.get_by_test_id("worktray")
    expect(table).to_contain_text(watched.reference)
    expect(table).to_contain_text("72%")
    expect(table).to_contain_text("3 of the last 4 weeks' payments were missed")
    expect(table).not_to_contain_text(calm.reference)  # low risk
    expect(table).not_to_contain_text(behind.reference)  # already behind: the worktray's
    check_accessibility(page)

    page.goto("/worktray/?view=all&show=all")
    page.get_by_role("link", name="Sort by risk").click()
    refs = page.locator("[data-testid=worktray] tbody tr td:first-child").all_inner_texts()
    assert refs[:3] == [behind.reference, watched.reference, calm.reference]

    # filtered to high risk, then the account page says what the scores are and why
    page.goto("/worktray/?view=all&show=all")
    page.get_by_label("Risk of falling behind").select_option("high")
    page.get_by_role("button", name="Apply filters").click()
    table = page.get_by_test_id("worktray")
    expect(table).to_contain_text(watched.reference)
    expect(table).not_to_contain_text(calm.reference)
    page.goto(f"/accounts/{watched.reference}/")
    scores = page.get_by_test_id("risk-scores")
    expect(scores).to_contain_text("72%")
    expect(scores).to_contain_text("3 of the last 4 weeks' payments were missed")
    check_accessibility(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="download every risk score kept").click()
    assert download.value.suggested_filename == f"risk-scores-{watched.reference}.csv"
