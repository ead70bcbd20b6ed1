"""The journey: income and expenditure → terms → check → confirm; the arrangement on the
account page; the written confirmation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rentbook.arrangements.models import Arrangement, Statement
from rentbook.ledger.models import Kind
from rentbook.portfolio.models import Role
from tests.factories import make_account, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(django_user_model):
    user = django_user_model.objects.create_user(
        username="olivia", password="x", role=Role.INCOME_OFFICER
    )
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def account():
    today = timezone.localdate()
    acc = make_account(weekly_rent=10_000, start=today - timedelta(days=400))
    post(acc, today - timedelta(days=10), 52_000, kind=Kind.CHARGE)
    return acc


def _ie(account, **over):
    today = timezone.localdate()
    data = {
        "taken-day": str(today.day),
        "taken-month": str(today.month),
        "taken-year": str(today.year),
        "adults": "1",
        "children": "0",
        "earnings": "1200.00",
        "rent": "433.33",
        "food": "500",
        "utilities": "120",
    }
    data.update(over)
    return data


def test_an_invalid_amount_is_named_and_nothing_typed_is_lost(client, account):
    url = reverse("web:arrangement-new", args=[account.reference])
    response = client.post(url, _ie(account, utilities="lots"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#utilities"' in html and "must be an amount, like 120.50" in html
    assert 'value="lots"' in html and 'value="1200.00"' in html and 'value="500"' in html
    assert not Statement.objects.exists()


def test_the_whole_journey_sets_up_an_arrangement(client, account):
    today = timezone.localdate()
    response = client.post(reverse("web:arrangement-new", args=[account.reference]), _ie(account))
    assert response.status_code == 302
    statement = Statement.objects.get()
    terms_url = reverse("web:arrangement-terms", args=[account.reference])
    assert response["Location"] == f"{terms_url}?statement={statement.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "£520.00" in page  # the arrears
    assert "Above the guideline figures" in page  # food £500 > £350
    first = today + timedelta(days=3)
    data = {
        "statement": str(statement.pk),
        "kind": "informal",
        "frequency": "weekly",
        "weekday": str(first.weekday()),
        "payment_method": "card",
        "first-day": str(first.day),
        "first-month": str(first.month),
        "first-year": str(first.year),
        "tolerance_days": "5",
        "tolerance_pounds": "0.00",
    }
    # no choice yet: an error on the instalment, nothing lost
    response = client.post(terms_url, {**data, "step": "check"})
    assert response.status_code == 400
    assert "Select an instalment, or set your own" in response.content.decode()
    response = client.post(terms_url, {**data, "step": "check", "choice": "10.00"})
    assert response.status_code == 200
    assert "Check the arrangement" in response.content.decode()
    assert "£110.00 (£10.00 towards the arrears" in response.content.decode()
    response = client.post(terms_url, {**data, "step": "confirm", "choice": "10.00"})
    a = Arrangement.objects.get()
    assert response.status_code == 302
    assert (a.instalment, a.starting_balance, a.ongoing_charge) == (1_000, 52_000, 10_000)
    assert a.first_payment == first and a.statement == statement
    page = client.get(reverse("web:account", args=[account.reference])).content.decode()
    assert 'data-testid="schedule"' in page and page.count('data-testid="instalment"') == 52
    assert "income £1,200.00, surplus £146.67 a month; 1 item above the guidelines" in page
    letter = client.get(reverse("web:arrangement-confirmation", args=[account.reference, a.pk]))
    assert "Your payment arrangement" in letter.content.decode()


def test_own_instalment_must_be_an_amount(client, account):
    today = timezone.localdate()
    terms_url = reverse("web:arrangement-terms", args=[account.reference])
    response = client.post(
        terms_url,
        {
            "kind": "court_ordered",
            "frequency": "monthly",
            "day_of_month": "40",
            "payment_method": "card",
            "first-day": str(today.day),
            "first-month": str(today.month),
            "first-year": str(today.year - 1),
            "choice": "own",
            "own_amount": "ten",
            "step": "check",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Day of the month must be a number from 1 to 31" in html
    assert "First payment date must be today or in the future" in html
    assert 'value="ten"' in html and 'value="40"' in html
    assert not Arrangement.objects.exists()


def test_the_written_confirmation_as_a_pdf(client, account):
    from rentbook.arrangements import services
    from rentbook.arrangements.schedules import Frequency, Rule

    today = timezone.localdate()
    a = services.create_arrangement(
        account,
        kind="informal",
        rule=Rule(Frequency.MONTHLY, day_of_month=31),
        instalment=10_000,
        start=today,
        first_payment=today,
        payment_method="card",
    )
    response = client.get(reverse("web:arrangement-pdf", args=[account.reference, a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_an_auditor_cannot_set_up_an_arrangement(django_user_model, account):
    auditor = django_user_model.objects.create_user(
        username="audrey", password="x", role=Role.AUDITOR
    )
    c = Client()
    c.force_login(auditor)
    assert c.get(reverse("web:arrangement-new", args=[account.reference])).status_code == 403
    page = c.get(reverse("web:account", args=[account.reference])).content.decode()
    assert "Set up an arrangement" not in page


def test_the_first_payment_must_fall_on_the_chosen_day(client, account):
    today = timezone.localdate()
    first = today + timedelta(days=7 - today.weekday())  # next Monday
    data = {
        "kind": "informal",
        "frequency": "fortnightly",
        "weekday": "2",  # Wednesday
        "payment_method": "card",
        "first-day": str(first.day),
        "first-month": str(first.month),
        "first-year": str(first.year),
        "tolerance_days": "5",
        "tolerance_pounds": "0",
        "choice": "own",
        "own_amount": "25",
        "step": "check",
    }
    terms_url = reverse("web:arrangement-terms", args=[account.reference])
    html = client.post(terms_url, data).content.decode()
    assert "First payment date must fit the terms (fortnightly on wednesday)" in html
    wednesday = first + timedelta(days=2)
    data.update(
        {
            "first-day": str(wednesday.day),
            "first-month": str(wednesday.month),
            "first-year": str(wednesday.year),
        }
    )
    response = client.post(terms_url, data)
    assert "Check the arrangement" in response.content.decode()
    # monthly on the last Friday, with a lump sum first
    data.update(frequency="monthly", weekday="4", nth="-1", lump_sum="100")
    html = client.post(terms_url, data).content.decode()
    assert "Enter the date of the lump sum" in html
