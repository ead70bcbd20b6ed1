"""The corporate debt pages: the revenues collection by fund as seed 002 prints it (page,
CSV, Excel), a customer's debts and statements, and the review of possible matches."""

from __future__ import annotations

import csv
import io

import polars as pl
import pytest

from rentbook.debts.models import CustomerMatch
from rentbook.portfolio.models import Role
from tests.debts.conftest import load
from tests.debts.test_funds import SEED_002, east_renfrewshire  # noqa: F401 (fixture)
from tests.factories import make_account

pytestmark = pytest.mark.django_db


def test_the_revenues_page_and_its_exports_show_the_years_table(
    client_for,
    east_renfrewshire,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from rentbook.debts.funds import work_out

    officer = client_for(Role.INCOME_OFFICER)
    assert "have not been worked out yet" in officer.get("/revenues/?year=2013").content.decode()
    client = client_for(Role.INCOME_MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/revenues/work-out/?year=2013").status_code == 302
    page = client.get("/revenues/?year=2013").content.decode()
    assert 'data-testid="pending"' in page  # queued, and said so until it has run
    work_out()  # as the task does after each entries import and debt run
    page = officer.get("/revenues/?year=2013").content.decode()
    assert "Council Revenues Collection 2013/14" in page and "Worked out at" in page
    for fund, cash, _billed, pc, _, pw in SEED_002[:4]:
        assert fund in page and f"£{float(cash):,.2f}" in page and pc in page and pw in page
    rows = list(csv.reader(io.StringIO(officer.get("/revenues.csv?year=2013").content.decode())))
    assert rows[1] == ["Fund", "Cash Collected", "Sum Billed", "% Collected", "Written Off",
                       "% W/off"]  # fmt: skip
    assert rows[2] == ["Council Tax", "£41,028,634.82", "£41,314,511.21", "99.31",
                       "£548,953.41", "1.33"]  # fmt: skip
    assert rows[-1][0] == "Total" and rows[-1][3] == "98.63"
    xlsx = officer.get("/revenues.xlsx?year=2013").content
    sheet = pl.read_excel(io.BytesIO(xlsx), sheet_name="Collection by fund",
                          read_options={"header_row": 2})  # fmt: skip
    first = sheet.row(0, named=True)
    assert first["Fund"] == "Council Tax"
    assert first["Cash Collected"] == pytest.approx(41028634.82)
    pdf = officer.get("/revenues.pdf?year=2013")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.content,
                          capture_output=True, check=True).stdout.decode()  # fmt: skip
    assert "41,028,634.82" in text and "99.31" in text


def test_a_customer_page_lists_every_debt_and_its_statement(client_for, tmp_path):
    tenant = make_account()
    assert load(
        tmp_path,
        "customers",
        [{"customer_ref": "C9", "name": "Ola Nwosu", "tenancy_ref": tenant.reference}],
    ).ok
    assert load(tmp_path, "debts", [
        {"debt_ref": "CT-9", "customer_ref": "C9", "stream": "council_tax",
         "financial_year": "2026", "raised_on": "2026-03-10"},
        {"debt_ref": "INV-9", "customer_ref": "C9", "stream": "sundry",
         "financial_year": "2026", "raised_on": "2026-06-01", "department": "Bulky waste"},
    ]).ok  # fmt: skip
    assert load(tmp_path, "debt_entries", [
        {"entry_ref": "E1", "debt_ref": "CT-9", "posted_on": "2026-04-01", "kind": "charge",
         "amount": "1500.00"},
        {"entry_ref": "E2", "debt_ref": "CT-9", "posted_on": "2026-05-01", "kind": "payment",
         "amount": "-125.00"},
        {"entry_ref": "E3", "debt_ref": "INV-9", "posted_on": "2026-06-01", "kind": "invoice",
         "amount": "45.00", "description": "Sofa collection"},
    ]).ok  # fmt: skip
    page = client_for(Role.INCOME_OFFICER).get("/customers/C9/").content.decode()
    assert "Ola Nwosu" in page and tenant.reference in page
    assert "£1,375.00" in page and "£45.00" in page and "Bulky waste" in page
    assert "Sofa collection" in page
    found = client_for(Role.INCOME_OFFICER).get("/customers/?q=nwosu").content.decode()
    assert "/customers/C9/" in found
    assert client_for(Role.INCOME_OFFICER).get("/customers/NOBODY/").status_code == 404


def test_a_match_is_linked_by_a_person_and_the_auditor_cannot(client_for, tmp_path):
    tenant = make_account(last_name="Reid")
    from datetime import date

    from rentbook.portfolio.models import Tenant

    Tenant.objects.filter(tenancy=tenant.tenancy).update(date_of_birth=date(1975, 7, 1))
    assert load(
        tmp_path,
        "customers",
        [{"customer_ref": "C5", "name": "Sam Reid", "date_of_birth": "1975-07-01"}],
    ).ok
    m = CustomerMatch.objects.get()
    auditor = client_for(Role.AUDITOR)
    assert "Sam Reid" in auditor.get("/customer-matches/").content.decode()
    assert auditor.post(f"/customer-matches/{m.pk}/", {"same": "yes"}).status_code == 403
    officer = client_for(Role.INCOME_OFFICER)
    assert officer.post(f"/customer-matches/{m.pk}/", {"same": "yes"}).status_code == 302
    m.refresh_from_db()
    assert m.status == "confirmed" and m.customer.account_id == tenant.pk


def test_a_revenues_officer_sees_the_debts_but_not_the_rent_diary(client_for, tmp_path):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from rentbook.cases.models import DiaryEntry
    from rentbook.debts.models import Debt, DebtAction

    tenant = make_account()
    assert load(tmp_path, "customers", [
        {"customer_ref": "C4", "name": "Ola Nwosu", "tenancy_ref": tenant.reference},
    ]).ok  # fmt: skip
    assert load(tmp_path, "debts", [
        {"debt_ref": "INV-4", "customer_ref": "C4", "stream": "sundry",
         "financial_year": "2026", "raised_on": "2026-06-01", "department": "Bulky waste"},
    ]).ok  # fmt: skip
    at = datetime(2026, 11, 2, 10, tzinfo=ZoneInfo("Europe/London"))
    DebtAction.objects.create(debt=Debt.objects.get(), code="SDR1", at=at, note="reminder sent")
    DiaryEntry.objects.create(account=tenant, at=at, code="VISIT", category="visit",
                              note="tenant said her son is unwell")  # fmt: skip

    officer = client_for(Role.INCOME_OFFICER).get("/customers/C4/").content.decode()
    assert "reminder sent" in officer and "tenant said her son is unwell" in officer
    assert f"/accounts/{tenant.reference}/" in officer

    revenues = client_for(Role.REVENUES_OFFICER)
    page = revenues.get("/customers/C4/").content.decode()
    assert "reminder sent" in page and "Bulky waste" in page
    assert "tenant said her son is unwell" not in page  # the rent diary is not theirs
    assert f"/accounts/{tenant.reference}/" not in page
    # nothing of the rent service opens for them; the start pages send them to the customers
    assert revenues.get(f"/accounts/{tenant.reference}/").status_code == 403
    assert revenues.get(f"/accounts/{tenant.reference}/statement/").status_code == 403
    assert revenues.get("/").url == "/customers/"
    assert revenues.get("/worktray/").url == "/customers/"
    nav = revenues.get("/customers/").content.decode()
    assert "Worktray" not in nav and "Customers" in nav
    assert revenues.get("/revenues/?year=2026").status_code == 200


def test_a_manager_enters_the_cost_of_collection_per_dwelling(client_for, tmp_path):
    from rentbook.audit.models import AuditEvent
    from rentbook.debts.models import CollectionCost

    assert load(tmp_path, "customers", [{"customer_ref": "C1", "name": "A Payer"},
                                        {"customer_ref": "C2", "name": "B Payer"}]).ok  # fmt: skip
    assert load(tmp_path, "debts", [
        {"debt_ref": f"CT{n}", "customer_ref": f"C{n}", "stream": "council_tax",
         "financial_year": "2025", "raised_on": "2025-03-10"} for n in (1, 2)
    ]).ok  # fmt: skip
    manager = client_for(Role.INCOME_MANAGER)
    url = "/revenues/costs/?year=2025"
    page = manager.post(url, {"fund": "council_tax", "cost": "lots"}, follow=True)
    assert "Cost of collection must be an amount" in page.content.decode()
    r = manager.post(url, {"fund": "council_tax", "cost": "1,000,000.00", "dwellings": "41,250"})
    assert r.status_code == 302
    page = manager.get("/revenues/?year=2025").content.decode()
    assert "£1,000,000.00" in page and "£24.24" in page  # per dwelling, rounded half up
    # blank dwellings: rentbook's count of the year's council tax accounts
    manager.post(url, {"fund": "council_tax", "cost": "100.00", "dwellings": ""})
    cost = CollectionCost.objects.get()
    assert (cost.cost, cost.dwellings, cost.per_dwelling) == (10_000, 2, 5_000)
    assert AuditEvent.objects.filter(action="debts.collection_cost").count() == 2
    # an officer reads it but does not set it
    assert (
        client_for(Role.INCOME_OFFICER).post(url, {"fund": "ndr", "cost": "1"}).status_code == 403
    )
    assert CollectionCost.objects.count() == 1
