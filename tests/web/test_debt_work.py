"""The debt work list: the latest debt run's recommended steps, recorded as taken once, which
the next run then reads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rentbook.audit.models import AuditEvent
from rentbook.debts.models import DebtAction, DebtRecommendation
from rentbook.debts.run import run_debts
from rentbook.portfolio.models import Role
from tests.debts.conftest import load

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(tmp_path):
    assert load(tmp_path, "customers", [{"customer_ref": "C1", "name": "Kim Lee"}]).ok
    assert load(tmp_path, "debts", [
        {"debt_ref": "INV-1", "customer_ref": "C1", "stream": "sundry", "financial_year": "2026",
         "raised_on": "2026-06-01", "due_on": "2026-07-01", "department": "Parks"},
    ]).ok  # fmt: skip
    assert load(tmp_path, "debt_entries", [
        {"entry_ref": "I1", "debt_ref": "INV-1", "posted_on": "2026-06-01", "kind": "invoice",
         "amount": "45.00"},
    ]).ok  # fmt: skip
    return run_debts(timezone.localdate())


def test_the_work_list_shows_each_step_and_records_it_once(client_for, invoice):
    officer = client_for(Role.INCOME_OFFICER)
    page = officer.get("/debt-work/").content.decode()
    assert "Kim Lee" in page and "Send a reminder" in page and "INV-1" in page
    assert "Kim Lee" not in officer.get("/debt-work/?stream=council_tax").content.decode()
    rec = DebtRecommendation.objects.get()
    r = officer.post(f"/debt-work/{rec.pk}/done/", {"next": "/debt-work/?stream=sundry"})
    assert r.status_code == 302 and r["Location"] == "/debt-work/?stream=sundry"
    step = DebtAction.objects.get()
    assert step.code == "SDR1" and step.created_by is not None
    assert AuditEvent.objects.filter(action="debts.step_recorded").count() == 1
    # twice is refused, with the reason
    r = officer.post(f"/debt-work/{rec.pk}/done/", follow=True)
    assert "SDR1 has been recorded on INV-1 since this run" in r.content.decode()
    assert DebtAction.objects.count() == 1
    # somewhere else is not where it sends you back
    r = officer.post(f"/debt-work/{rec.pk}/done/", {"next": "https://evil.example/"})
    assert r["Location"] == "/debt-work/"
    # the next run carries on from the step: no second reminder
    later = timezone.localdate() + timedelta(days=7)
    run_debts(later)
    assert DebtRecommendation.objects.get(run__as_of=later).action == "no_action"


def test_who_may_record(client_for, invoice):
    rec = DebtRecommendation.objects.get()
    assert client_for(Role.AUDITOR).get("/debt-work/").status_code == 200
    assert client_for(Role.AUDITOR).post(f"/debt-work/{rec.pk}/done/").status_code == 403
    revenues = client_for(Role.REVENUES_OFFICER)
    assert revenues.get("/debt-work/").status_code == 200
    assert revenues.post(f"/debt-work/{rec.pk}/done/").status_code == 302
    assert DebtAction.objects.count() == 1
