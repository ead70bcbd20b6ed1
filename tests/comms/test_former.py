"""Former tenant arrears letters: the first when the tenancy ends, a reminder after 14 days
without a reply, to the forwarding address when one is known."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command

from rentbook.cases.models import DiaryEntry
from rentbook.comms.former import send_former_tenant_letters
from rentbook.ledger.models import Kind
from rentbook.recovery.services import open_former_tenant_account, update_contact
from tests.factories import make_account, post

from .conftest import pdf_text

pytestmark = pytest.mark.django_db

ENDED = date(2025, 6, 15)


def at(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 9, 0, tzinfo=UTC)


@pytest.fixture
def fta(db):
    rent = make_account(start=date(2024, 4, 1), end=ENDED, last_name="Nolan")
    post(rent, date(2025, 6, 2), 30_000, kind=Kind.CHARGE)
    return open_former_tenant_account(rent, by=None)


def test_the_first_letter_goes_when_the_tenancy_ends_then_a_reminder(fta, tmp_path, settings):
    settings.RENTBOOK_SEND_LIVE = True
    day = ENDED + timedelta(days=1)
    first = send_former_tenant_letters(day, now=at(day))
    assert [m.code for m in first.sent] == ["FTL"]
    text = pdf_text(bytes(first.batch.pdf), tmp_path)
    assert fta.account.reference in text and "£300.00" in text
    fta.refresh_from_db()
    assert fta.letter_sent_on == day and fta.reminder_sent_on is None
    assert DiaryEntry.objects.filter(account=fta.account, code="FTL").count() == 1
    # nothing more is due until 14 days have passed without a reply
    assert send_former_tenant_letters(day + timedelta(days=13), now=at(day)).sent == []
    later = day + timedelta(days=14)
    reminder = send_former_tenant_letters(later, now=at(later))
    assert [m.code for m in reminder.sent] == ["FTR"]
    fta.refresh_from_db()
    assert fta.reminder_sent_on == later
    assert send_former_tenant_letters(later + timedelta(days=30), now=at(later)).sent == []


def test_the_letter_goes_to_the_forwarding_address(fta, tmp_path, settings):
    settings.RENTBOOK_SEND_LIVE = True
    update_contact(fta, by=None, forwarding_address="Flat 2, 9 New Road\nLeeds\nLS2 7AB")
    day = ENDED + timedelta(days=1)
    result = send_former_tenant_letters(day, now=at(day))
    assert result.sent[0].recipient.splitlines()[1:] == ["Flat 2", "9 New Road", "Leeds", "LS2 7AB"]
    assert "9 New Road" in pdf_text(bytes(result.batch.pdf), tmp_path)


def test_the_command_reports_what_it_sent(fta, capsys):
    call_command("former_tenant_letters", "--as-of", "2025-06-16")
    assert "1 letters sent" in capsys.readouterr().out
    call_command("former_tenant_letters", "--as-of", "2025-06-16")
    assert "0 letters sent" in capsys.readouterr().out
