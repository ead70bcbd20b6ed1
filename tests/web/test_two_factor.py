"""Optional two-factor sign-in (TOTP) for managers and administrators."""

from __future__ import annotations

import pyotp
import pytest
from django.urls import reverse

from rentbook.audit.models import AuditEvent
from rentbook.portfolio.models import Role
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def code(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def turn_on(client, user) -> str:  # type: ignore[no-untyped-def]
    client.force_login(user)
    page = client.post(reverse("web:two-factor"), {"action": "start"}).content.decode()
    secret = client.session["rentbook_two_factor_setup"]
    assert secret[:4] in page  # the key shown to type into the app
    wrong = client.post(reverse("web:two-factor"), {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 400 and "6-digit code" in wrong.content.decode()
    done = client.post(reverse("web:two-factor"), {"action": "confirm", "code": code(secret)})
    assert done.status_code == 302
    client.logout()
    return secret


def test_a_manager_turns_it_on_and_then_signing_in_needs_the_code(client, make_user):
    manager = make_user(Role.INCOME_MANAGER, "mgr")
    secret = turn_on(client, manager)
    manager.refresh_from_db()
    assert manager.totp_enabled_at and manager.totp_secret == secret
    # the audit log says so, without the secret
    event = AuditEvent.objects.filter(action="two_factor.on").get()
    assert secret not in str(event.after) and secret not in event.summary
    assert not AuditEvent.objects.filter(after__icontains=secret).exists()
    r = client.post(reverse("web:sign-in"), {"username": "mgr", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == reverse("web:sign-in-code")
    assert client.get(reverse("web:worktray")).status_code == 302  # not signed in yet
    bad = client.post(reverse("web:sign-in-code"), {"code": "123456"})
    assert bad.status_code == 400
    ok = client.post(reverse("web:sign-in-code"), {"code": code(secret)})
    assert ok.status_code == 302
    assert client.get(reverse("web:worktray")).status_code == 200


def test_five_wrong_codes_start_signing_in_again(client, make_user):
    secret = turn_on(client, make_user(Role.ADMINISTRATOR, "adm"))
    client.post(reverse("web:sign-in"), {"username": "adm", "password": PASSWORD})
    for _ in range(4):
        assert client.post(reverse("web:sign-in-code"), {"code": "000000"}).status_code == 400
    r = client.post(reverse("web:sign-in-code"), {"code": "000000"})
    assert r.status_code == 302 and r["Location"] == reverse("web:sign-in")
    # the right code now is too late: the password must be given again
    assert client.post(reverse("web:sign-in-code"), {"code": code(secret)})["Location"] == (
        reverse("web:sign-in")
    )
    assert client.get(reverse("web:worktray")).status_code == 302


def test_the_code_page_without_a_password_first_goes_back_to_sign_in(client):
    r = client.post(reverse("web:sign-in-code"), {"code": "123456"})
    assert r.status_code == 302 and r["Location"] == reverse("web:sign-in")


def test_turning_it_off_needs_a_current_code(client, make_user):
    manager = make_user(Role.TEAM_LEADER, "tl")
    secret = turn_on(client, manager)
    client.force_login(manager)
    assert (
        client.post(reverse("web:two-factor"), {"action": "turn_off", "code": "1"}).status_code
        == 400
    )
    r = client.post(reverse("web:two-factor"), {"action": "turn_off", "code": code(secret)})
    assert r.status_code == 302
    manager.refresh_from_db()
    assert not manager.totp_secret and manager.totp_enabled_at is None
    client.logout()
    r = client.post(reverse("web:sign-in"), {"username": "tl", "password": PASSWORD})
    assert r["Location"] != reverse("web:sign-in-code")


@pytest.mark.parametrize("role", [Role.INCOME_OFFICER, Role.AUDITOR])
def test_officers_and_auditors_are_not_offered_it(client_for, role):
    client = client_for(role)
    assert client.get(reverse("web:two-factor")).status_code == 403
    assert "Two-factor sign-in" not in client.get(reverse("web:worktray")).content.decode()
