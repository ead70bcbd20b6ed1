from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.test import override_settings

from rentbook.cases.letter_facts import run_facts
from rentbook.comms.backends import Notify
from rentbook.comms.models import Message
from rentbook.comms.services import check_statuses, current_template, send
from rentbook.engine.features import open_accounts_sql

from .conftest import NOW
from .notify_server import API_KEY, FakeNotify

pytestmark = pytest.mark.django_db


@pytest.fixture
def notify():
    with FakeNotify() as server:
        yield server


def _backend(server: FakeNotify) -> Notify:
    return Notify(api_key=API_KEY, base_url=server.url)


@override_settings(RENTBOOK_NOTIFY_SMS_TEMPLATE="sms-template-id")
def test_a_text_goes_to_notify_with_the_words_and_the_test_number_when_not_live(
    account, officer, notify
):
    m = send(account, current_template("GMS", "sms"), now=NOW, by=officer, backend=_backend(notify))
    assert m.status == "sending" and m.notify_id
    (req,) = notify.requests
    assert req["path"] == "/v2/notifications/sms"
    assert req["json"]["phone_number"] == "07700900000"  # the test recipient
    assert req["json"]["template_id"] == "sms-template-id"
    assert "is £175.00 in arrears" in req["json"]["personalisation"]["body"]
    assert req["json"]["reference"] == f"{account.reference}-GMS"


@override_settings(RENTBOOK_NOTIFY_EMAIL_TEMPLATE="email-template-id", RENTBOOK_SEND_LIVE=True)
def test_a_live_email_goes_to_the_tenant(account, officer, notify):
    send(account, current_template("EMAIL", "email"), now=NOW, by=officer, backend=_backend(notify))
    (req,) = notify.requests
    assert req["path"] == "/v2/notifications/email"
    assert req["json"]["email_address"] == "sam@example.org"
    assert req["json"]["personalisation"]["subject"] == f"Your rent account {account.reference}"


def test_a_letter_goes_as_a_precompiled_pdf(account, officer, notify):
    m = send(
        account, current_template("IC1", "letter"), now=NOW, by=officer, backend=_backend(notify)
    )
    (req,) = notify.requests
    assert req["path"] == "/v2/notifications/letter"
    pdf = base64.b64decode(req["json"]["content"])
    assert pdf.startswith(b"%PDF") and pdf == bytes(m.pdf)
    assert m.diary_entry.delivery_status == "sending"


def test_a_letter_failing_validation_comes_back_as_the_run_fact(account, officer, notify):
    be = _backend(notify)
    m = send(account, current_template("IC1", "letter"), now=NOW, by=officer, backend=be)
    notify.statuses[m.notify_id] = "validation-failed"
    assert check_statuses(be) == 1
    m.refresh_from_db()
    assert m.status == Message.Status.VALIDATION_FAILED
    assert m.diary_entry.delivery_status == "validation-failed"
    assert notify.requests[-1] == {
        "method": "GET",
        "path": f"/v2/notifications/{m.notify_id}",
        "json": None,
    }
    as_of = NOW.date()
    facts = run_facts(as_of, open_accounts_sql(as_of)).to_dicts()
    assert facts == [
        {
            "account_id": account.pk,
            "latest_letter_status": "validation-failed",
            "latest_letter_income": True,
        }
    ]
    # a letter sent after the as-of date is not a fact of that day
    assert run_facts(
        as_of - timedelta(days=1), open_accounts_sql(as_of - timedelta(days=1))
    ).is_empty()
    assert check_statuses(be) == 0


def test_a_delivered_letter_is_recorded(account, officer, notify):
    be = _backend(notify)
    m = send(account, current_template("IC1", "letter"), now=NOW, by=officer, backend=be)
    notify.statuses[m.notify_id] = "received"
    check_statuses(be)
    m.refresh_from_db()
    assert m.status == "delivered"


def test_an_item_notify_refuses_is_failed_with_its_reason_and_not_in_the_diary(
    account, officer, notify
):
    notify.refuse = "Can't send to this recipient using a team-only API key"
    m = send(account, current_template("GMS", "sms"), now=NOW, by=officer, backend=_backend(notify))
    assert m.status == "failed" and "team-only API key" in m.detail
    assert m.diary_entry is None


def test_the_client_signs_every_request(account, officer, notify):
    bad = Notify(api_key=API_KEY[:-4] + "ffff", base_url=notify.url)
    m = send(account, current_template("GMS", "sms"), now=NOW, by=officer, backend=bad)
    assert m.status == "failed" and "bad token" in m.detail


def test_the_next_run_puts_a_failed_letter_back_in_front_of_an_officer(account, officer, notify):
    from rentbook.engine.models import Recommendation
    from rentbook.engine.services import run_arrears

    be = _backend(notify)
    m = send(account, current_template("IC1", "letter"), now=NOW, by=officer, backend=be)
    notify.statuses[m.notify_id] = "validation-failed"
    check_statuses(be)
    run = run_arrears(NOW.date() + timedelta(days=1), "hackney")
    rec = Recommendation.objects.get(run=run, account=account)
    assert (rec.action, rec.rule) == ("review_failed_letter", "review_failed_letter")


def test_notify_out_of_reach_fails_the_item_without_losing_it(account, officer):
    with FakeNotify() as server:
        url = server.url
    m = send(
        account,
        current_template("GMS", "sms"),
        now=NOW,
        by=officer,
        backend=Notify(api_key=API_KEY, base_url=url),
    )
    assert m.status == "failed" and "could not be reached" in m.detail
    assert Message.objects.filter(pk=m.pk).exists()
