"""The tenant's own pages: what they say, and the downloads."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from rentbook.cases.models import DiaryEntry, Flag
from rentbook.comms.services import current_template, send_batch
from rentbook.ledger.models import Kind
from rentbook.portfolio.models import Role
from rentbook.selfservice.overview import upcoming
from tests.factories import post

from .conftest import last_code

pytestmark = pytest.mark.django_db


def test_home_says_the_balance_in_words_and_the_rent_coming_up(tenant_client):
    page = tenant_client.get("/my-rent/")
    text = page.content.decode()
    assert "You owe £600.00, about 6 weeks of rent." in text
    assert text.count("£100.00") >= 1 and 'data-testid="upcoming"' in text


def test_credit_and_up_to_date_are_said_plainly(tenant_client, tenant_account):
    post(tenant_account, date(2025, 5, 1), -70_000)
    assert "£100.00 in credit" in tenant_client.get("/my-rent/").content.decode()


def test_rent_free_weeks_are_named(settings):
    settings.RENTBOOK_RENT_FREE_WEEKS = "christmas=2"
    weeks = upcoming([(date(2020, 4, 6), None, 10_000)], date(2026, 12, 7))
    free = [w.starts for w in weeks if w.rent_free]
    assert free == [date(2026, 12, 21), date(2026, 12, 28)]
    assert all(w.charge == 10_000 for w in weeks if not w.rent_free)


def test_the_statement_downloads_as_csv_and_pdf(tenant_client):
    page = tenant_client.get(
        "/my-rent/statement/?from-day=1&from-month=4&from-year=2025&to-day=1&to-month=6&to-year=2025"
    )
    assert page.status_code == 200 and b"600.00" in page.content
    csv = tenant_client.get("/my-rent/statement.csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert b"Totals and closing balance" in csv.content
    pdf = tenant_client.get("/my-rent/statement.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_bad_statement_period_is_named(tenant_client):
    r = tenant_client.get("/my-rent/statement/?from-day=40&from-month=1&from-year=2025")
    assert r.status_code == 400


def test_letters_sent_to_the_tenant_are_listed_and_readable(
    tenant_client, tenant_account, make_user
):
    officer = make_user(Role.INCOME_OFFICER, "letters-officer")
    send_batch(
        [(tenant_account, current_template("IC1", "letter"), None)], now=timezone.now(), by=officer
    )
    page = tenant_client.get("/my-rent/letters/")
    from rentbook.comms.models import Message

    m = Message.objects.get(account=tenant_account)
    assert f"/my-rent/letters/{m.pk}/".encode() in page.content
    letter = tenant_client.get(f"/my-rent/letters/{m.pk}/")
    first_line = m.body.splitlines()[0]
    assert letter.status_code == 200 and first_line.encode() in letter.content


def test_telling_us_of_a_benefit_claim_makes_a_diary_entry_and_the_pending_flag(
    tenant_client, tenant_account
):
    claimed = timezone.localdate() - timedelta(days=3)
    r = tenant_client.post(
        "/my-rent/tell-us/",
        {"kind": "benefit_claim", "benefit": "universal_credit", "detail": "Lost my job",
         "claimed-day": claimed.day, "claimed-month": claimed.month, "claimed-year": claimed.year},
    )  # fmt: skip
    assert r.status_code == 200 and b"Thank you for telling us" in r.content
    entry = DiaryEntry.objects.get(account=tenant_account, code="OLC")
    assert entry.source == "tenant" and "Universal Credit claimed" in entry.note
    flag = Flag.objects.get(account=tenant_account)
    assert flag.type == Flag.Type.BENEFIT_CLAIM_PENDING and flag.starts_on == claimed
    assert flag.ends_on == claimed + timedelta(days=55)


def test_telling_us_names_what_is_missing(tenant_client):
    r = tenant_client.post("/my-rent/tell-us/", {"kind": "benefit_claim"})
    assert r.status_code == 400
    assert b"Select the benefit you claimed" in r.content
    assert b"Enter the date you made the claim" in r.content
    assert tenant_client.post("/my-rent/tell-us/", {"kind": "other"}).status_code == 400
    assert not DiaryEntry.objects.filter(code="OLC").exists()


def test_a_new_email_is_saved_only_after_its_code_is_entered(
    tenant_client, tenant_account, sent_codes
):
    r = tenant_client.post(
        "/my-rent/contact-details/", {"field": "email", "email": "new@example.org"}
    )
    assert r.status_code == 302
    tenant = tenant_account.tenancy.tenants.get(first_name="Ada")
    tenant.refresh_from_db()
    assert tenant.email == "ada@example.org"
    r = tenant_client.post(
        "/my-rent/contact-details/confirm/",
        {"code": "000000" if last_code(sent_codes) != "000000" else "111111"},
    )
    assert r.status_code == 400
    r = tenant_client.post("/my-rent/contact-details/confirm/", {"code": last_code(sent_codes)})
    assert r.status_code == 200 and b"Contact details changed" in r.content
    tenant.refresh_from_db()
    assert tenant.email == "new@example.org"


def test_a_bad_mobile_number_is_explained(tenant_client):
    r = tenant_client.post("/my-rent/contact-details/", {"field": "mobile", "mobile": "12345"})
    assert r.status_code == 400 and b"UK mobile number" in r.content


def test_a_payment_in_the_ledger_shows_as_the_last_payment(tenant_client, tenant_account):
    post(tenant_account, date(2025, 5, 2), -5_000, kind=Kind.PAYMENT)
    assert "£50.00 on 2 May 2025" in tenant_client.get("/my-rent/").content.decode()


def test_what_a_tenant_changes_is_audited_as_the_tenant(tenant_client, tenant_account):
    from rentbook.audit.models import AuditEvent

    claimed = timezone.localdate()
    tenant_client.post(
        "/my-rent/tell-us/",
        {"kind": "benefit_claim", "benefit": "housing_benefit",
         "claimed-day": claimed.day, "claimed-month": claimed.month, "claimed-year": claimed.year},
    )  # fmt: skip
    tenant = tenant_account.tenancy.tenants.get(first_name="Ada")
    flag_events = AuditEvent.objects.filter(object_type__icontains="flag")
    assert flag_events.exists()
    assert {e.actor_name for e in flag_events} == {f"tenant {tenant.pk} (online)"}


def test_a_rent_change_already_set_shows_from_its_week(settings):
    settings.RENTBOOK_RENT_FREE_WEEKS = ""
    lines = [(date(2020, 4, 6), date(2027, 4, 4), 10_000), (date(2027, 4, 5), None, 10_700),
             (date(2026, 1, 5), None, 1_250)]  # fmt: skip
    weeks = upcoming(lines, date(2027, 3, 22))
    assert [(w.starts, w.charge) for w in weeks[:3]] == [
        (date(2027, 3, 29), 11_250), (date(2027, 4, 5), 11_950), (date(2027, 4, 12), 11_950)
    ]  # fmt: skip
