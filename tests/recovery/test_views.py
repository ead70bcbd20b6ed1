from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from rentbook.audit.models import AuditEvent
from rentbook.ledger.models import Kind, Transaction
from rentbook.recovery import services
from rentbook.recovery.models import WriteOff
from tests.factories import make_account, post

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def debt(db):
    acc = make_account(end=date(2026, 1, 4))
    post(acc, date(2026, 1, 1), 30_000, kind=Kind.CHARGE)
    return acc


def test_propose_names_each_field_in_error_and_keeps_what_was_typed(debt, people):
    url = reverse("web:propose-write-off", args=[debt.reference])
    r = _client(people["officer"]).post(url, {"amount": "12x", "note": "kept"})
    assert r.status_code == 400
    html = r.content.decode()
    assert 'href="#amount"' in html and 'href="#reason"' in html
    assert 'value="12x"' in html and "kept" in html


def test_officer_proposes_cannot_approve_manager_approves_and_the_ledger_shows_it(debt, people):
    url = reverse("web:propose-write-off", args=[debt.reference])
    r = _client(people["officer"]).post(
        url, {"amount": "300.00", "reason": "exceptional", "note": "permanent care"}
    )
    w = WriteOff.objects.get()
    assert r.status_code == 302 and w.level == "manager"
    page = reverse("web:write-off", args=[w.pk])
    r = _client(people["officer"]).post(page, {"decision": "approve"})
    assert r.status_code == 400 and not Transaction.objects.filter(kind="write_off").exists()
    assert b"Approve the write-off" not in _client(people["officer"]).get(page).content
    r = _client(people["manager"]).post(page, {"decision": "approve"})
    assert r.status_code == 302
    assert Transaction.objects.get(kind="write_off").amount == -30_000
    actors = set(
        AuditEvent.objects.filter(action__startswith="recovery.write_off").values_list(
            "actor_name", flat=True
        )
    )
    assert actors == {"olivia", "mona"}


def test_committee_report_page_csv_and_pdf(debt, people):
    w = services.propose_write_off(debt, 30_000, "deceased", date(2026, 5, 1), by=people["officer"])
    services.approve_write_off(w, date(2026, 5, 2), by=people["manager"])
    c = _client(people["manager"])
    q = "?from-day=1&from-month=4&from-year=2026&to-day=31&to-month=3&to-year=2027"
    page = c.get(reverse("web:committee-report") + q)
    assert page.status_code == 200 and "£300.00" in page.content.decode()
    csv_text = c.get(reverse("web:committee-report-csv") + q).content.decode()
    assert w.reference in csv_text and "total,,,,300.00" in csv_text
    pdf = c.get(reverse("web:committee-report-pdf") + q)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    bad = c.get(reverse("web:committee-report") + "?from-day=40&from-month=1&from-year=2026")
    assert bad.status_code == 400


def test_the_account_page_offers_the_former_tenant_account_move(debt, people):
    c = _client(people["officer"])
    page = c.get(reverse("web:account", args=[debt.reference])).content.decode()
    assert "Move the balance to a former tenant account" in page
    r = c.post(reverse("web:open-former-tenant-account", args=[debt.reference]))
    assert r.status_code == 302 and r["Location"].endswith(f"{debt.reference}-FTA/")
    page = c.get(r["Location"]).content.decode()
    assert "Former tenant account of" in page
    assert "ref" in c.get(reverse("web:agency-export")).content.decode()


def test_the_auditor_may_not_propose(debt, django_user_model):
    auditor = django_user_model.objects.create_user(username="aud", password="x", role="auditor")
    r = _client(auditor).get(reverse("web:propose-write-off", args=[debt.reference]))
    assert r.status_code == 403


def test_former_tenant_recovery_page_and_agency_outcomes_upload(debt, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fta = services.open_former_tenant_account(debt, by=people["officer"])
    c = _client(people["officer"])
    url = reverse("web:former-tenant", args=[fta.account.reference])
    assert "first former tenant arrears letter is due" in c.get(url).content.decode()
    assert c.post(url, {"form": "letter"}).status_code == 302
    r = c.post(url, {"form": "contact", "forwarding_address": "2 Elm Row", "tracing": "tracing"})
    assert r.status_code == 302
    r = c.post(url, {"form": "agency", "agency": ""})
    assert r.status_code == 400 and "agency&#x27;s name" in r.content.decode()
    assert c.post(url, {"form": "agency", "agency": "Acme"}).status_code == 302
    fta.refresh_from_db()
    assert fta.forwarding_address == "2 Elm Row" and fta.letter_sent_on is not None
    ref = fta.referrals.get().reference
    upload = SimpleUploadedFile(
        "out.csv",
        f"referral_ref,status,outcome_on,note\n{ref},paying,2026-06-01,\nAG-0,x,y,\n".encode(),
    )
    r = c.post(reverse("web:agency-outcomes"), {"file": upload})
    html = r.content.decode()
    assert "1 referral updated" in html and "line 3" in html


def test_the_committee_approves_a_batch_from_the_report(people):
    accounts = [make_account(end=date(2026, 1, 4)) for _ in range(2)]
    waiting = []
    for acc in accounts:
        post(acc, date(2026, 1, 1), 600_000, kind=Kind.CHARGE)
        waiting.append(
            services.propose_write_off(
                acc, 600_000, "insolvency", date(2026, 5, 1), by=people["officer"]
            )
        )
    c = _client(people["manager"])
    url = reverse("web:committee-report")
    r = c.post(url, {"write_off": [w.pk for w in waiting]})
    assert r.status_code == 400 and "committee" in r.content.decode()
    assert not Transaction.objects.filter(kind="write_off").exists()
    r = c.post(
        url, {"write_off": [w.pk for w in waiting], "committee_ref": "Cabinet 3/6/26 min 12"}
    )
    assert r.status_code == 302
    assert Transaction.objects.filter(kind="write_off").count() == 2
    assert set(WriteOff.objects.values_list("committee_ref", flat=True)) == {
        "Cabinet 3/6/26 min 12"
    }
