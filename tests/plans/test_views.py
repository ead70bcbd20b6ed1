"""Importing a plan through the page, and its quarterly report on screen, as PDF and Excel."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from rentbook.plans.models import Plan
from rentbook.portfolio.models import Role
from tests.plans.test_import_and_report import as_csv, seed_rows

pytestmark = pytest.mark.django_db


def _upload(client, content: bytes, name: str = "plan.csv", **extra):
    data = {"name": "Benefits Improvement Plan", "as-at-day": "30", "as-at-month": "6",
            "as-at-year": "2009", "file": SimpleUploadedFile(name, content), **extra}  # fmt: skip
    return client.post("/plans/", data)


def test_import_then_quarterly_report_pdf_and_excel(client_for):
    manager = client_for(Role.INCOME_MANAGER)
    r = _upload(manager, as_csv(seed_rows()))
    plan = Plan.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/plans/{plan.pk}/"
    page = manager.get(f"/plans/{plan.pk}/?year=2009&q=1").content.decode()
    assert "Reviewing the roles and responsibilities for recovery." in page
    assert "16 days for first quarter" in page
    pdf = manager.get(f"/plans/{plan.pk}/position-report.pdf?year=2009&q=1")
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert all(w in text for w in ("R1a", "R13b", "Bough", "19/05/2009", "Page 3 of 3"))
    xlsx = manager.get(f"/plans/{plan.pk}/position-report.xlsx?year=2009&q=1")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_import_errors_name_the_fields_and_the_lines(client_for):
    manager = client_for(Role.INCOME_MANAGER)
    r = _upload(manager, b"Ref,Action Area\nR1,\n", name="p.csv", name_override="x")
    page = r.content.decode()
    assert r.status_code == 400 and "line 2: Action Area is missing" in page
    r = manager.post("/plans/", {"name": ""})
    page = r.content.decode()
    assert "Enter the plan&#x27;s name" in page and "Choose a CSV or Excel file" in page


def test_an_officer_reads_plans_but_may_not_import(client_for):
    officer = client_for(Role.INCOME_OFFICER)
    assert officer.get("/plans/").status_code == 200
    assert _upload(officer, as_csv(seed_rows())).status_code == 403


def test_a_manager_adds_statements_and_milestones_and_changes_the_status(client_for):
    from rentbook.plans.models import Action

    manager = client_for(Role.INCOME_MANAGER)
    _upload(manager, as_csv(seed_rows()))
    act = Action.objects.get(reference="R5a")
    url = f"/plans/{act.plan_id}/actions/{act.pk}/"
    assert "16 days for first quarter" in manager.get(url).content.decode()
    r = manager.post(url, {"what": "statement", "text": ""})
    page = r.content.decode()
    assert (
        r.status_code == 400 and "Enter the date" in page and "Enter the position statement" in page
    )
    day = {"day-day": "30", "day-month": "9", "day-year": "2009"}
    r = manager.post(url, {"what": "statement", "text": "14 days in Q2.", **day})
    assert r.status_code == 302
    r = manager.post(url, {"what": "milestone", "title": "Three officers in post", **day})
    assert r.status_code == 302
    r = manager.post(url, {"what": "status", "status": "in_progress"})
    page = manager.get(url).content.decode()
    assert page.index("14 days in Q2.") < page.index("16 days for first quarter")
    assert "Three officers in post" in page and "In progress" in page
    q2 = manager.get(f"/plans/{act.plan_id}/?year=2009&q=2").content.decode()
    assert "14 days in Q2." in q2
