from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from rentbook.ledger.models import Kind
from rentbook.portfolio.models import Role

from .conftest import post

pytestmark = pytest.mark.django_db


def test_the_account_page_shows_the_balance_and_arrears_in_weeks(officer_client, account):
    text = officer_client.get(reverse("web:account", args=[account.reference])).text
    # 20 weeks of £112.50 charged, 15 paid: 5 weeks owed.
    assert "£562.50" in text
    assert "5.0 weeks" in text


def test_technical_arrears_are_shown_apart_from_true_arrears_with_an_explanation(
    officer_client, account
):
    text = officer_client.get(reverse("web:account", args=[account.reference])).text
    assert "Technical arrears" in text and "True arrears" in text
    assert "not the tenant's debt" in text


def test_the_weekly_charge_is_broken_down_into_rent_and_each_service_charge(
    officer_client, account
):
    text = officer_client.get(reverse("web:account", args=[account.reference])).text
    assert "Rent" in text and "£100.00" in text
    assert "Communal heating" in text and "£12.50" in text
    assert "£112.50" in text


def test_the_account_page_shows_tenancy_tenants_and_contacts(officer_client, account):
    text = officer_client.get(reverse("web:account", args=[account.reference])).text
    for expected in (
        "Jane Smith",
        "Tom Smith",
        "joint tenant 2",
        "Direct debit",
        "Secure",
        "12 Acacia Avenue",
        "Patch N1",
        "07700 900123",
        "Polish",
        "Large print",
        "Ann Jones",
        "Sister",
        "View the rent statement",
    ):
        assert expected in text, expected


def test_a_former_tenancy_is_marked(officer_client, account):
    account.tenancy.end_date = date(2025, 6, 1)
    account.tenancy.save()
    text = officer_client.get(reverse("web:account", args=[account.reference])).text
    assert "Former tenant" in text


def test_the_chart_has_a_table_of_the_same_numbers(officer_client, account):
    response = officer_client.get(
        reverse("web:account", args=[account.reference]), {"range": "all"}
    )
    text = response.text
    assert "<canvas" in text and 'id="chart-data"' in text
    assert "govuk-details" in text
    chart = response.context["chart"]
    assert chart[-1]["pence"] == 56250
    assert text.count("£562.50") >= 2  # the summary and the table's last weeks


def test_an_unknown_account_is_not_found(officer_client, db):
    response = officer_client.get(reverse("web:account", args=["NOPE"]))
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_the_auditor_sees_no_change_controls(client_for, account):
    text = client_for(Role.AUDITOR).get(reverse("web:account", args=[account.reference])).text
    # The only form that posts is signing out.
    assert text.count('method="post"') == 1
    assert "sign-out" in text


def test_a_credit_balance_reads_as_in_credit(officer_client, account):
    post(account, date(2025, 6, 2), Kind.PAYMENT, -100000, method="card")
    text = officer_client.get(reverse("web:account", args=[account.reference])).text
    assert "-£437.50" in text and "in credit" in text
