from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rentbook.legal import services
from rentbook.legal.models import Notice

from .conftest import ENGLAND_STEPS, record_steps

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_case_shows_the_checklist_and_a_notice_is_refused_naming_missing_steps(account, people):
    c = _client(people["officer"])
    page = c.get(reverse("web:account", args=[account.reference])).content.decode()
    assert 'data-testid="pre-action-checklist"' in page and "Missing" in page
    today = timezone.localdate()
    form = {"type": "nosp", "served-day": today.day, "served-month": today.month}
    form["served-year"] = today.year
    r = c.post(reverse("web:record-notice", args=[account.reference]), form)
    assert r.status_code == 400
    assert "debt advice" in r.content.decode() and not Notice.objects.exists()
    record_steps(account, people["officer"], ENGLAND_STEPS, today)
    r = c.post(reverse("web:record-notice", args=[account.reference]), form)
    assert r.status_code == 302 and Notice.objects.count() == 1
    page = c.get(reverse("web:account", args=[account.reference])).content.decode()
    assert 'data-testid="notices"' in page


def test_post_court_review_records_a_plan(account, people):
    from tests.factories import post

    services.CourtCase.objects.create(
        account=account,
        applied_on=date(2025, 1, 1),
        outcome="SOT",
        outcome_on=date(2025, 2, 1),
        terms_weekly=500,
        created_at=services._noon(date(2025, 1, 1)),
    )
    post(account, date(2025, 2, 1), 120_000, kind="charge")
    c = _client(people["manager"])
    page = c.get(reverse("web:post-court-review")).content.decode()
    assert account.reference in page
    r = c.post(
        reverse("web:post-court-review") + "?above=1000.00",
        {"account": account.reference, "plan": "Visit with money advice"},
    )
    assert r.status_code == 302
    assert "Visit with money advice" in c.get(r["Location"]).content.decode()
