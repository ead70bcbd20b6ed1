from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rentbook.audit.models import AuditEvent
from rentbook.cases.models import DiaryEntry, Flag, Pause
from rentbook.portfolio.models import Role
from tests.cases.builders import make_run, recommend

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    return make_user(Role.INCOME_OFFICER, "olivia")


@pytest.fixture
def client(officer):
    c = Client()
    c.force_login(officer)
    return c


@pytest.fixture
def recommended(account):
    run = make_run()
    return recommend(
        run,
        account,
        "send_letter_one",
        reasons=["effective arrears £45.00 ≥ £10.00", "no letter in the last 3 months"],
    )


def page(account) -> str:
    return reverse("web:account", args=[account.reference])


def date_fields(prefix: str, d) -> dict[str, str]:
    return {
        f"{prefix}-day": str(d.day),
        f"{prefix}-month": str(d.month),
        f"{prefix}-year": str(d.year),
    }


def test_the_case_page_shows_the_recommendation_and_its_reasons(client, account, recommended):
    text = client.get(page(account)).text
    assert "Recommended action" in text
    assert "Send letter one" in text
    assert "Arrears of £10 or more and no letter in the last 3 months" in text
    assert "effective arrears £45.00 ≥ £10.00" in text
    assert "no letter in the last 3 months" in text
    assert "As of 16 June 2025, policy hackney" in text
    assert "Nothing recorded yet." in text
    assert reverse("web:record-action", args=[account.reference]) in text


def test_the_case_page_without_a_run(client, account):
    text = client.get(page(account)).text
    assert "No finished arrears run has decided this account yet." in text


def test_record_action_form_defaults_to_the_recommended_code_and_now(client, account, recommended):
    response = client.get(reverse("web:record-action", args=[account.reference]))
    assert response.status_code == 200
    assert response.context["values"]["code"] == "IC1"
    assert response.context["recommendation_id"] == str(recommended.pk)
    now = timezone.localtime()
    assert response.context["done"].value == now.date()
    assert '<optgroup label="Letter">' in response.text
    assert '<option value="IC1" selected>' in response.text


def test_recording_an_action_puts_it_in_the_diary_newest_first(
    client, officer, account, recommended
):
    now = timezone.localtime()
    earlier = now - timedelta(days=2)
    url = reverse("web:record-action", args=[account.reference])
    first = client.post(
        url,
        {
            "code": "CALL",
            "outcome": "No answer",
            "note": "",
            **date_fields("done", earlier),
            "done-time": "09:15",
        },
    )
    assert first.status_code == 302 and first["Location"] == page(account)
    # a minute ago, not a fixed early time, which is still to come just after midnight
    done = now - timedelta(minutes=1)
    client.post(
        url,
        {
            "code": "IC1",
            "recommendation_id": str(recommended.pk),
            "outcome": "Posted",
            "note": "Sent first class",
            **date_fields("done", done.date()),
            "done-time": done.strftime("%H:%M"),
        },
    )
    entries = list(DiaryEntry.objects.filter(account=account))
    assert [e.code for e in entries] == ["IC1", "CALL"]
    assert entries[0].recommendation_id == recommended.pk
    assert entries[0].officer == officer
    assert entries[1].at == timezone.make_aware(
        earlier.replace(hour=9, minute=15, second=0, microsecond=0, tzinfo=None)
    )
    text = client.get(page(account)).text
    assert "Action recorded: Letter one (first arrears letter)" in text
    assert text.index("Letter one (first arrears letter) (IC1)") < text.index("(CALL)")
    assert "Sent first class" in text and "by Income_Officer" in text
    assert AuditEvent.objects.filter(object_type="cases.DiaryEntry", actor=officer).count() == 2


def test_a_promise_to_pay_needs_amount_and_date_and_shows_them(client, account):
    url = reverse("web:record-action", args=[account.reference])
    today = timezone.localdate()
    bad = client.post(url, {"code": "PTP", **date_fields("done", today), "done-time": "00:00"})
    assert bad.status_code == 400
    assert "There is a problem" in bad.text
    assert 'href="#promise_amount"' in bad.text
    assert "Enter the amount the tenant promised to pay" in bad.text
    assert 'href="#promise-day"' in bad.text
    ok = client.post(
        url,
        {
            "code": "PTP",
            **date_fields("done", today),
            "done-time": "00:00",
            "promise_amount": "£25.50",
            **date_fields("promise", today + timedelta(days=7)),
        },
    )
    assert ok.status_code == 302
    entry = DiaryEntry.objects.get()
    assert (entry.promise_amount, entry.promise_date) == (2550, today + timedelta(days=7))
    assert "Promised £25.50 by" in client.get(page(account)).text


@pytest.mark.parametrize(
    ("data", "anchor", "message"),
    [
        ({"code": ""}, "code", "Select the action you took"),
        (
            {"code": "CALL", "done-day": "31", "done-year": ""},
            "done-day",
            "Date done must include a year",
        ),
        ({"code": "CALL", "done-time": "25:00"}, "done-time", "Time done must be a real time"),
        ({"code": "CALL", "done-time": ""}, "done-time", "Enter the time the action was done"),
        (
            {"code": "CALL", "promise_amount": "lots"},
            "promise_amount",
            "Promised amount must be an amount",
        ),
        (
            {"code": "CALL", "promise_amount": "5"},
            "promise_amount",
            "Only a promise to pay has a promised amount",
        ),
        ({"code": "CALL", "outcome": "x" * 61}, "outcome", "Outcome must be 60 characters"),
    ],
)
def test_record_action_errors_name_the_field(client, account, data, anchor, message):
    today = timezone.localdate()
    body = {**date_fields("done", today), "done-time": "00:00", **data}
    response = client.post(reverse("web:record-action", args=[account.reference]), body)
    assert response.status_code == 400
    assert f'href="#{anchor}"' in response.text
    assert message in response.text
    assert not DiaryEntry.objects.exists()


def test_an_action_in_the_future_is_refused(client, account):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("web:record-action", args=[account.reference]),
        {"code": "CALL", **date_fields("done", tomorrow), "done-time": "10:00"},
    )
    assert response.status_code == 400
    assert "must be now or in the past" in response.text


def test_pausing_and_lifting_a_case(client, officer, account):
    url = reverse("web:pause-case", args=[account.reference])
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    bad = client.post(url, {"reason": "", **date_fields("until", today)})
    assert bad.status_code == 400
    assert "Select why the case is paused" in bad.text
    assert "The date the pause ends must be in the future" in bad.text
    assert 'href="#reason"' in bad.text and 'href="#until-day"' in bad.text
    until = today + timedelta(days=14)
    ok = client.post(url, {"reason": "hospital", "note": "Ward 4", **date_fields("until", until)})
    assert ok.status_code == 302
    pause = Pause.objects.get()
    text = client.get(page(account)).text
    assert f"Paused until {until:%-d %B %Y}" in text and "In hospital" in text
    assert "Lift the pause" in text
    assert "Pause this case</a>" not in text  # one pause at a time
    lift = client.post(reverse("web:lift-pause", args=[account.reference, pause.pk]))
    assert lift.status_code == 302
    pause.refresh_from_db()
    assert pause.lifted_at is not None
    text = client.get(page(account)).text
    assert "The pause has been lifted" in text
    assert "Paused until" not in text
    again = client.post(reverse("web:lift-pause", args=[account.reference, pause.pk]))
    assert again.status_code == 302
    assert "already been lifted" in client.get(page(account)).text
    assert AuditEvent.objects.filter(object_type="cases.Pause", actor=officer).count() == 2


def test_adding_a_breathing_space(client, account):
    url = reverse("web:add-flag", args=[account.reference])
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    bad = client.post(url, {"type": "", **date_fields("starts", today)})
    assert bad.status_code == 400 and "Select the kind of flag" in bad.text
    bad_end = client.post(
        url,
        {
            "type": "dispute",
            **date_fields("starts", today),
            **date_fields("ends", today - timedelta(days=1)),
        },
    )
    assert "The end date must be the same as or after the start date" in bad_end.text
    ok = client.post(url, {"type": "breathing_space", **date_fields("starts", today)})
    assert ok.status_code == 302
    flag = Flag.objects.get()
    assert flag.ends_on == today + timedelta(days=59)
    text = client.get(page(account)).text
    assert "Flag added: Breathing space (standard)" in text
    assert f"{flag.ends_on:%-d %B %Y}" in text


def test_an_auditor_sees_the_case_but_no_controls_and_cannot_post(
    auditor_client, account, recommended
):
    text = auditor_client.get(page(account)).text
    assert "Send letter one" in text
    assert "Record an action" not in text and "Pause this case" not in text
    for name in ("web:record-action", "web:pause-case", "web:add-flag"):
        url = reverse(name, args=[account.reference])
        assert auditor_client.get(url).status_code == 403
        assert auditor_client.post(url, {"code": "CALL"}).status_code == 403
    assert not DiaryEntry.objects.exists()


def test_forms_for_an_unknown_account_are_not_found(client, db):
    assert client.get(reverse("web:record-action", args=["NOPE"])).status_code == 404
