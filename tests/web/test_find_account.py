from __future__ import annotations

import pytest
from django.urls import reverse

from rentbook.ledger.models import Kind
from rentbook.web.search import find_accounts

from .conftest import build_account, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_accounts(db):
    a = build_account("T000123", first_name="Jane", last_name="Smith", postcode="LS1 4AB")
    build_account(
        "T000124",
        first_name="Ravi",
        last_name="Patel",
        address="3 Mill Lane",
        postcode="BD7 1QQ",
    )
    build_account(
        "H9001",
        first_name="Ann",
        last_name="Smithson",
        address="Flat 2, Elm Court",
        postcode="LS2 9ZZ",
    )
    return a


def refs(query: str) -> list[str]:
    return [a.reference for a in find_accounts(query)]


def test_a_reference_prefix_finds_every_account_it_starts(three_accounts):
    assert refs("T0001") == ["T000123", "T000124"]
    assert refs("t0001") == ["T000123", "T000124"]


def test_a_surname_finds_tenants_whose_surname_starts_with_it_in_any_case(three_accounts):
    assert refs("smith") == ["H9001", "T000123"]
    assert refs("SMITHSON") == ["H9001"]


def test_a_first_name_finds_the_tenant(three_accounts):
    assert refs("ravi") == ["T000124"]


def test_a_full_name_needs_both_names_to_match(three_accounts):
    assert refs("Jane Smith") == ["T000123"]
    assert refs("Ann Smith") == ["H9001"]
    assert refs("Ravi Smith") == []


def test_an_address_line_finds_the_property(three_accounts):
    assert refs("mill lane") == ["T000124"]
    assert refs("Elm Court") == ["H9001"]


def test_a_postcode_matches_ignoring_spaces_and_case(three_accounts):
    assert refs("bd71qq") == ["T000124"]
    assert refs("BD7 1QQ") == ["T000124"]
    assert refs("b d 7 1 q q") == ["T000124"]
    assert refs("LS1") == ["T000123"]


def test_nothing_matches_an_empty_query(three_accounts):
    assert refs("   ") == []


def test_an_exact_reference_goes_straight_to_the_account(officer_client, three_accounts):
    response = officer_client.get(reverse("web:home"), {"q": " t000123 "})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:account", args=["T000123"])


def test_results_show_reference_tenants_address_balance_and_patch(officer_client, three_accounts):
    post(three_accounts, three_accounts.tenancy.start_date, Kind.CHARGE, 123456)
    response = officer_client.get(reverse("web:home"), {"q": "Smith"})
    assert response.status_code == 200
    text = response.text
    assert "2 accounts found" in text
    assert "Jane Smith" in text and "Ann Smithson" in text
    assert "12 Acacia Avenue, Leeds, LS1 4AB" in text
    assert "£1,234.56" in text
    assert "N1" in text


def test_no_results_suggests_how_to_search(officer_client, three_accounts):
    text = officer_client.get(reverse("web:home"), {"q": "Nobody"}).text
    assert "No accounts found" in text


def test_results_are_paginated_and_balanced_in_a_fixed_number_of_queries(
    officer_client, django_assert_max_num_queries
):
    for i in range(30):
        acc = build_account(f"R{i:04d}", last_name="Jones", postcode=f"M{i % 9 + 1} 1AA")
        post(acc, acc.tenancy.start_date, Kind.CHARGE, 100 * (i + 1))
    # session, user, three matches, tenancies at the matched addresses, the page's accounts,
    # their balances (four: the summary's watermark, the rows it has not read, the totals and
    # the rows after the day) and tenants, and saving the session: the same however many match.
    with django_assert_max_num_queries(13):
        first = officer_client.get(reverse("web:home"), {"q": "jones"})
    assert "30 accounts found" in first.text
    assert "R0024" in first.text and "R0025" not in first.text
    assert "q=jones&amp;page=2" in first.text
    second = officer_client.get(reverse("web:home"), {"q": "jones", "page": 2}).text
    assert "R0025" in second and "£30.00" in second
