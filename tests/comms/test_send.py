from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import override_settings

from rentbook.audit.models import AuditEvent
from rentbook.cases.models import DiaryEntry, Flag, Pause
from rentbook.comms.models import Message
from rentbook.comms.services import current_template, send

from .conftest import NOW, page_sizes, pdf_text

pytestmark = pytest.mark.django_db


def test_a_letter_is_rendered_stored_in_the_outbox_and_written_in_the_diary(
    account, officer, tmp_path
):
    template = current_template("IC1", "letter")
    m = send(account, template, now=NOW, by=officer)
    assert m.status == Message.Status.STORED and m.backend == "outbox"
    text = pdf_text(bytes(m.pdf), tmp_path)
    assert "Dear Sam Okafor" in text
    assert "in arrears by £175.00" in text
    assert account.reference in text
    # the statement of the last 13 weeks is attached on its own A4 page
    assert "rent statement for the last 13 weeks" in text
    assert page_sizes(bytes(m.pdf)) == [(210, 297), (210, 297)]
    entry = m.diary_entry
    assert (entry.code, entry.category, entry.source) == ("IC1", "letter", "officer")
    assert entry.delivery_status == "stored" and entry.officer == officer
    assert m.template.version == 1
    assert AuditEvent.objects.filter(action="message.sent", object_id=str(m.pk)).exists()


def test_not_live_a_letter_goes_to_the_test_address(account, officer, tmp_path):
    m = send(account, current_template("IC1", "letter"), now=NOW, by=officer)
    assert "test letters" in m.recipient and "High Street" not in m.recipient
    with override_settings(RENTBOOK_SEND_LIVE=True):
        live = send(account, current_template("IC2", "letter"), now=NOW, by=officer)
    assert live.live and "High Street" in live.recipient and "Sam Okafor" in live.recipient
    assert "High Street" in pdf_text(bytes(live.pdf), tmp_path)


def test_the_same_item_is_refused_as_a_duplicate_within_the_window(account, officer):
    template = current_template("GMS", "sms")
    send(account, template, now=NOW, by=officer)
    again = send(account, template, now=NOW + timedelta(days=3), by=officer)
    assert again.status == Message.Status.HELD
    assert again.detail.startswith("Duplicate: GMS was already sent")
    assert DiaryEntry.objects.filter(account=account, code="GMS").count() == 1
    later = send(account, template, now=NOW + timedelta(days=15), by=officer)
    assert later.status == Message.Status.STORED


def test_nothing_is_sent_to_a_paused_case_or_in_a_breathing_space(account, officer):
    Pause.objects.create(account=account, reason="promise", starts_at=NOW, until=date(2025, 6, 30))
    m = send(account, current_template("GMS", "sms"), now=NOW, by=officer)
    assert m.status == "held" and "paused until 30 June 2025" in m.detail
    Pause.objects.all().delete()
    Flag.objects.create(account=account, type="breathing_space", starts_on=date(2025, 6, 1))
    m = send(account, current_template("GMS", "sms"), now=NOW, by=officer)
    assert m.status == "held" and "breathing space" in m.detail
    assert not DiaryEntry.objects.filter(account=account).exists()


def test_a_text_needs_a_valid_uk_mobile_and_a_letter_a_complete_address(account, officer):
    t = account.tenancy.tenants.get()
    t.mobile = "12345"
    t.save()
    m = send(account, current_template("GMS", "sms"), now=NOW, by=officer)
    assert m.status == "held" and "no valid UK mobile" in m.detail
    prop = account.tenancy.property
    prop.postcode = "nowhere"
    prop.save()
    m = send(account, current_template("IC1", "letter"), now=NOW, by=officer)
    assert m.status == "held" and "address is not complete" in m.detail


def test_a_red_reminder_is_printed_in_the_reminder_style(account, officer, tmp_path):
    m = send(account, current_template("IC2", "letter"), now=NOW, by=officer)
    assert "Reminder: your rent is overdue" in pdf_text(bytes(m.pdf), tmp_path)
    m1 = send(account, current_template("IC1", "letter"), now=NOW, by=officer)
    assert "Reminder: your rent is overdue" not in pdf_text(bytes(m1.pdf), tmp_path)


def test_the_address_sits_in_the_envelope_window(account, officer, tmp_path):
    import re
    import subprocess

    with override_settings(RENTBOOK_SEND_LIVE=True):
        m = send(account, current_template("IC1", "letter"), now=NOW, by=officer)
    path = tmp_path / "l.pdf"
    path.write_bytes(bytes(m.pdf))
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    box = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">Street<', html)
    x, top, bottom = (float(v) * 25.4 / 72 for v in box.groups())
    # the window: 40 mm to 67 mm from the top, from 25 mm from the left
    assert top >= 40 and bottom <= 67 and 25 <= x <= 115
