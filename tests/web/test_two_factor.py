"""Optional two-factor sign-in (TOTP) for managers and administrators."""

from __future__ import annotations

import re

import pyotp
import pytest
from django.urls import reverse

from rentbook.audit.models import AuditEvent
from rentbook.portfolio.models import Role, User
from rentbook.web import two_factor
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db


class Clock:
    """The two-factor clock, moved on by hand: each step is a new 30-second code."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def step(self) -> None:
        self.now += 30


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(two_factor, "clock", c)
    return c


def code(secret: str, at: float | None = None) -> str:
    return pyotp.TOTP(secret).at(two_factor.clock() if at is None else at)


RECOVERY = re.compile(r"<code>([A-Z2-9]{5}-[A-Z2-9]{5})</code>")


def turn_on(client, user) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    client.force_login(user)
    page = client.post(reverse("web:two-factor"), {"action": "start"}).content.decode()
    secret = client.session["rentbook_two_factor_setup"]
    assert secret[:4] in page  # the key shown to type into the app
    wrong = client.post(reverse("web:two-factor"), {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 400 and "6-digit code" in wrong.content.decode()
    done = client.post(reverse("web:two-factor"), {"action": "confirm", "code": code(secret)})
    assert done.status_code == 200
    codes = RECOVERY.findall(done.content.decode())
    assert len(codes) == two_factor.RECOVERY_CODES == len(set(codes))
    client.logout()
    two_factor.clock.step()  # type: ignore[attr-defined]
    return secret, codes


def test_a_manager_turns_it_on_and_then_signing_in_needs_the_code(client, make_user):
    manager = make_user(Role.INCOME_MANAGER, "mgr")
    secret, _ = turn_on(client, manager)
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
    secret, _ = turn_on(client, make_user(Role.ADMINISTRATOR, "adm"))
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
    secret, _ = turn_on(client, manager)
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


def test_a_code_signs_in_once_and_the_set_up_code_not_at_all(client, make_user, clock):
    manager = make_user(Role.INCOME_MANAGER, "once")
    secret, _ = turn_on(client, manager)
    set_up = code(secret, clock.now - 30)  # the code that confirmed the set-up
    client.post(reverse("web:sign-in"), {"username": "once", "password": PASSWORD})
    assert client.post(reverse("web:sign-in-code"), {"code": set_up}).status_code == 400
    now = code(secret)
    assert client.post(reverse("web:sign-in-code"), {"code": now}).status_code == 302
    client.logout()
    # the same code again, still inside its 30 seconds: refused
    client.post(reverse("web:sign-in"), {"username": "once", "password": PASSWORD})
    replay = client.post(reverse("web:sign-in-code"), {"code": now})
    assert replay.status_code == 400
    assert client.get(reverse("web:worktray")).status_code == 302
    clock.step()
    assert client.post(reverse("web:sign-in-code"), {"code": code(secret)}).status_code == 302


def test_two_requests_racing_with_one_code_cannot_both_win(make_user, clock):
    manager = make_user(Role.INCOME_MANAGER, "race")
    secret = two_factor.new_secret()
    User.objects.filter(pk=manager.pk).update(totp_secret=secret)
    first, second = User.objects.get(pk=manager.pk), User.objects.get(pk=manager.pk)
    now = code(secret)
    assert two_factor.accept(first, now)
    assert not two_factor.accept(second, now)  # read before the first claimed the step


def test_a_recovery_code_signs_in_once_when_the_phone_is_lost(client, make_user):
    manager = make_user(Role.INCOME_MANAGER, "lost")
    _, codes = turn_on(client, manager)
    manager.refresh_from_db()
    # stored only as hashes, never in the audit log
    assert len(manager.totp_recovery) == 10
    assert not any(c.replace("-", "") in str(manager.totp_recovery) for c in codes)
    for c in codes:
        assert not AuditEvent.objects.filter(after__icontains=c).exists()
    client.post(reverse("web:sign-in"), {"username": "lost", "password": PASSWORD})
    r = client.post(reverse("web:sign-in-code"), {"code": codes[3].lower()}, follow=True)
    assert r.status_code == 200 and "9 left" in r.content.decode()
    assert AuditEvent.objects.filter(action="two_factor.recovery_code_used").count() == 1
    client.logout()
    client.post(reverse("web:sign-in"), {"username": "lost", "password": PASSWORD})
    assert client.post(reverse("web:sign-in-code"), {"code": codes[3]}).status_code == 400
    assert client.post(reverse("web:sign-in-code"), {"code": "ABCDE-FGHJK"}).status_code == 400
    assert client.post(reverse("web:sign-in-code"), {"code": codes[4]}).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client, make_user):
    manager = make_user(Role.ADMINISTRATOR, "renew")
    secret, old = turn_on(client, manager)
    client.force_login(manager)
    r = client.post(reverse("web:two-factor"), {"action": "new_codes", "code": code(secret)})
    assert r.status_code == 200
    new = RECOVERY.findall(r.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    client.logout()
    client.post(reverse("web:sign-in"), {"username": "renew", "password": PASSWORD})
    assert client.post(reverse("web:sign-in-code"), {"code": old[0]}).status_code == 400
    assert client.post(reverse("web:sign-in-code"), {"code": new[0]}).status_code == 302
