from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rentbook.portfolio.models import Role

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def page_urls(reference: str) -> list[str]:
    return [
        reverse("web:home"),
        reverse("web:home") + "?q=Smith",
        reverse("web:account", args=[reference]),
        reverse("web:statement", args=[reference]),
        reverse("web:statement-csv", args=[reference]),
        reverse("web:statement-pdf", args=[reference]),
        reverse("web:audit-log"),
    ]


def test_every_page_sends_a_visitor_who_is_not_signed_in_to_sign_in(account):
    client = Client()
    for url in page_urls(account.reference):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("web:sign-in")), url


def test_the_sign_in_page_and_static_files_need_no_sign_in():
    client = Client()
    assert client.get(reverse("web:sign-in")).status_code == 200
    response = client.get("/static/web/statement-pdf.css")
    assert response.status_code == 200


def test_signing_in_with_the_right_password_goes_to_the_worktray(make_user):
    make_user(Role.INCOME_OFFICER, "olivia")
    response = Client().post(reverse("web:sign-in"), {"username": "olivia", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:worktray")


def test_a_wrong_password_says_incorrect_username_or_password_without_saying_which(make_user):
    make_user(Role.INCOME_OFFICER, "olivia")
    client = Client()
    wrong_password = client.post(reverse("web:sign-in"), {"username": "olivia", "password": "x"})
    no_such_user = client.post(reverse("web:sign-in"), {"username": "nobody", "password": "x"})
    for response in (wrong_password, no_such_user):
        assert response.status_code == 200
        assert "There is a problem" in response.text
        assert "Incorrect username or password" in response.text


def test_an_empty_form_asks_for_the_username_and_password():
    response = Client().post(reverse("web:sign-in"), {"username": "", "password": ""})
    assert "Enter your username" in response.text
    assert "Enter your password" in response.text


def test_five_failed_sign_ins_lock_the_username_out_even_with_the_right_password(
    make_user, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5
    make_user(Role.INCOME_OFFICER, "olivia")
    client = Client()
    for _ in range(4):
        response = client.post(reverse("web:sign-in"), {"username": "olivia", "password": "x"})
        assert "Incorrect username or password" in response.text
    fifth = client.post(reverse("web:sign-in"), {"username": "olivia", "password": "x"})
    assert fifth.status_code == 429
    right = client.post(reverse("web:sign-in"), {"username": "olivia", "password": PASSWORD})
    assert right.status_code == 429
    assert "Too many failed sign-ins" in right.text
    assert "govuk-template" in right.text
    assert "_auth_user_id" not in client.session


def test_signing_out_is_a_post_that_ends_the_session(officer_client):
    assert officer_client.get(reverse("web:home")).status_code == 200
    response = officer_client.post(reverse("web:sign-out"))
    assert response.status_code == 302
    assert officer_client.get(reverse("web:home")).status_code == 302


def test_the_header_names_the_landlord_and_the_service(officer_client, settings):
    settings.RENTBOOK_LANDLORD_NAME = "Northshire Homes"
    text = officer_client.get(reverse("web:home")).text
    assert "Northshire Homes" in text
    assert "govuk-service-navigation" in text
    assert "Skip to main content" in text
    assert "govuk-header__logotype" not in text  # no GOV.UK crown logo


def test_a_sign_in_ends_after_30_minutes_idle(client_for):
    from rentbook.portfolio.models import Role
    from rentbook.web.middleware import SEEN

    c = client_for(Role.INCOME_OFFICER)
    assert c.get("/").status_code == 200

    def idle(minutes: int) -> None:
        session = c.session
        session[SEEN] -= minutes * 60
        session.save()

    idle(29)
    assert c.get("/").status_code == 200  # and the clock starts again
    idle(29)
    assert c.get("/").status_code == 200
    idle(31)
    response = c.get("/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
    assert c.get("/").status_code == 302  # signed out, not just refused once
