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


def _d(prefix: str, d: date) -> dict[str, str]:
    return {
        f"{prefix}-day": str(d.day),
        f"{prefix}-month": str(d.month),
        f"{prefix}-year": str(d.year),
    }


def test_the_court_page_walks_from_application_to_eviction(account, people):
    record_steps(account, people["officer"], ENGLAND_STEPS, date(2026, 2, 1))
    services.record_notice(
        account, "nosp", date(2026, 3, 2), by=people["officer"], today=date(2026, 3, 2)
    )
    from tests.factories import post

    post(account, date(2026, 3, 2), 80_000, kind="charge")
    officer, manager = _client(people["officer"]), _client(people["manager"])
    url = reverse("web:court", args=[account.reference])
    r = officer.post(url, {"form": "apply", **_d("applied", date(2026, 3, 20))})
    assert r.status_code == 400 and "may not begin before 30 March 2026" in r.content.decode()
    assert (
        officer.post(url, {"form": "apply", **_d("applied", date(2026, 4, 6))}).status_code == 302
    )
    r = officer.post(url, {"form": "outcome", "outcome": "SOT", **_d("decided", date(2026, 5, 11))})
    assert r.status_code == 400 and 'href="#terms"' in r.content.decode()
    r = officer.post(
        url,
        {
            "form": "outcome",
            "outcome": "SOT",
            "terms": "5.00",
            "costs": "355.00",
            **_d("decided", date(2026, 5, 11)),
        },
    )
    assert r.status_code == 302
    officer.post(url, {"form": "warrant", **_d("warrant", date(2026, 7, 1))})
    officer.post(
        url,
        {"form": "issued", **_d("issued", date(2026, 7, 15)), **_d("eviction", date(2026, 8, 20))},
    )
    for key in services.required_consultations():
        officer.post(
            url, {"form": "consult", "consultation": key, **_d("consulted", date(2026, 7, 20))}
        )
    officer.post(
        url,
        {
            "form": "notify",
            "recipients": "Tenant\nSocial work",
            **_d("notified", date(2026, 7, 22)),
        },
    )
    page = officer.get(url).content.decode()
    assert "Only an income manager or administrator may authorise" in page
    r = officer.post(url, {"form": "authorise"})
    assert r.status_code == 400 and "income manager" in r.content.decode()
    assert manager.post(url, {"form": "authorise"}).status_code == 302
    r = manager.post(
        url,
        {"form": "evicted", "eviction_outcome": "evicted", **_d("happened", timezone.localdate())},
    )
    assert r.status_code == 400 and "cannot proceed" in r.content.decode()
    r = manager.post(
        url,
        {"form": "evicted", "eviction_outcome": "stayed", **_d("happened", timezone.localdate())},
    )
    assert r.status_code == 302
    assert "Stayed" in manager.get(url).content.decode()
