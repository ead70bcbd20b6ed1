"""Tenants sign in with a one-time code: separate from staff, throttled, expiring, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rentbook.audit.models import AuditEvent
from rentbook.selfservice import codes
from rentbook.selfservice.models import SignInCode

from .conftest import last_code, sign_in

pytestmark = pytest.mark.django_db


def _identify(client, account, first_name="Ada", last_name="Okafor", postcode=None):  # type: ignore[no-untyped-def]
    return client.post(
        "/my-rent/sign-in/",
        {
            "reference": account.reference.lower(),
            "first_name": first_name,
            "last_name": last_name.upper(),
            "postcode": postcode or account.tenancy.property.postcode.replace(" ", ""),
        },
    )


def test_a_tenant_signs_in_with_the_code_sent_to_their_own_email(
    client, tenant_account, sent_codes
):
    sign_in(client, tenant_account, sent_codes)
    assert sent_codes[-1][0] == "income-test@example.org"  # live sending is off: test recipient
    page = client.get("/my-rent/")
    assert page.status_code == 200
    assert b"You owe \xc2\xa3600.00" in page.content
    assert AuditEvent.objects.filter(action="selfservice.sign_in").count() == 1
    assert AuditEvent.objects.filter(action="selfservice.code_sent").count() == 1


def test_with_live_sending_on_the_code_goes_to_the_tenant(
    client, tenant_account, sent_codes, settings
):
    settings.RENTBOOK_SEND_LIVE = True
    sign_in(client, tenant_account, sent_codes, route="sms")
    assert sent_codes[-1][0] == "07700900456"


def test_joint_tenants_each_sign_in_as_themselves(client, tenant_account, sent_codes):
    ben = sign_in(client, tenant_account, sent_codes, first_name="Ben", route="sms")
    assert client.session["_rentbook_tenant"]["tenant"] == ben.pk
    # Ben has no email: only his own mobile is offered
    client.post("/my-rent/sign-out/")
    _identify(client, tenant_account, first_name="Ben")
    page = client.get("/my-rent/sign-in/send-code/")
    assert (
        b"900789"[-3:] in page.content
        and b"a\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2@" not in page.content
    )


def test_wrong_details_say_nothing_about_which_was_wrong(client, tenant_account):
    r = _identify(client, tenant_account, last_name="Smith")
    assert r.status_code == 400
    assert b"We could not find a tenant with those details" in r.content
    assert "_rentbook_tenant_pending" not in client.session


def test_look_ups_are_throttled_from_one_address(client, tenant_account):
    for _ in range(codes.LIMITS[codes.LOOKUP][0]):
        assert _identify(client, tenant_account, last_name="Wrong").status_code == 400
    # even the right details are refused until the window passes
    r = _identify(client, tenant_account)
    assert r.status_code == 429 and b"Too many tries" in r.content


def test_a_wrong_code_is_refused_and_dies_after_its_tries(
    client, tenant_account, sent_codes, settings
):
    _identify(client, tenant_account)
    client.post("/my-rent/sign-in/send-code/", {"route": "email"})
    good = last_code(sent_codes)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    for _ in range(settings.SELFSERVICE_CODE_TRIES):
        r = client.post("/my-rent/sign-in/code/", {"code": wrong})
        assert r.status_code == 400
    # the right code no longer works: it was tried too often
    r = client.post("/my-rent/sign-in/code/", {"code": good})
    assert r.status_code == 400 and b"tried too many times" in r.content
    assert "_rentbook_tenant" not in client.session
    assert (
        AuditEvent.objects.filter(action="selfservice.code_wrong").count()
        == settings.SELFSERVICE_CODE_TRIES
    )


def test_codes_sent_to_one_tenant_are_throttled(client, tenant_account, sent_codes):
    _identify(client, tenant_account)
    for _ in range(codes.LIMITS[codes.SENT][0]):
        assert client.post("/my-rent/sign-in/send-code/", {"route": "email"}).status_code == 302
    r = client.post("/my-rent/sign-in/send-code/", {"route": "email"})
    assert r.status_code == 429
    assert len(sent_codes) == codes.LIMITS[codes.SENT][0]


def test_only_the_latest_code_works(client, tenant_account, sent_codes):
    _identify(client, tenant_account)
    client.post("/my-rent/sign-in/send-code/", {"route": "email"})
    first = last_code(sent_codes)
    client.post("/my-rent/sign-in/send-code/", {"route": "email"})
    second = last_code(sent_codes)
    if first != second:
        r = client.post("/my-rent/sign-in/code/", {"code": first})
        assert r.status_code == 400
    assert client.post("/my-rent/sign-in/code/", {"code": second}).status_code == 302


def test_an_expired_code_is_refused(client, tenant_account, sent_codes):
    _identify(client, tenant_account)
    client.post("/my-rent/sign-in/send-code/", {"route": "email"})
    SignInCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    r = client.post("/my-rent/sign-in/code/", {"code": last_code(sent_codes)})
    assert r.status_code == 400 and b"expired" in r.content


def test_a_code_is_kept_only_as_a_hash(client, tenant_account, sent_codes):
    _identify(client, tenant_account)
    client.post("/my-rent/sign-in/send-code/", {"route": "email"})
    row = SignInCode.objects.get()
    assert last_code(sent_codes) not in row.code_hash and len(row.code_hash) == 64


def test_a_session_ends_when_idle_and_after_its_longest(tenant_client, settings):
    assert tenant_client.get("/my-rent/").status_code == 200
    s = tenant_client.session
    data = s["_rentbook_tenant"]
    data["seen"] -= settings.SELFSERVICE_IDLE_SECONDS + 1
    s["_rentbook_tenant"] = data
    s.save()
    r = tenant_client.get("/my-rent/")
    assert r.status_code == 302 and r["Location"] == "/my-rent/sign-in/"
    assert b"You were signed out" in tenant_client.get("/my-rent/sign-in/").content


def test_a_session_ends_after_its_longest_even_when_busy(
    client, tenant_account, sent_codes, settings
):
    sign_in(client, tenant_account, sent_codes)
    s = client.session
    data = s["_rentbook_tenant"]
    data["since"] -= settings.SELFSERVICE_MAX_SECONDS + 1
    s["_rentbook_tenant"] = data
    s.save()
    assert client.get("/my-rent/").status_code == 302


def test_signing_out_ends_the_session(tenant_client):
    tenant_client.post("/my-rent/sign-out/")
    assert tenant_client.get("/my-rent/").status_code == 302


def test_the_session_key_changes_at_sign_in(client, tenant_account, sent_codes):
    client.get("/my-rent/sign-in/")
    client.session.save()
    before = client.session.session_key
    sign_in(client, tenant_account, sent_codes)
    assert client.session.session_key != before


def test_a_staff_sign_in_ends_when_a_tenant_signs_in_in_the_same_browser(
    client, make_user, tenant_account, sent_codes
):
    from rentbook.portfolio.models import Role

    officer = make_user(Role.INCOME_OFFICER, "officer-x")
    client.force_login(officer)
    sign_in(client, tenant_account, sent_codes)
    assert client.get("/worktray/").status_code == 302
