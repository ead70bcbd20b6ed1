from __future__ import annotations

import csv
import io
from datetime import date

import fastexcel
import pytest
from django.urls import reverse

from rentbook.audit.models import AuditEvent
from rentbook.portfolio.models import Area, Patch, Role
from tests.cases.builders import make_run, recommend

from .conftest import build_account

pytestmark = pytest.mark.django_db

URL = "/worktray/"


@pytest.fixture
def officer(make_user):
    return make_user(Role.INCOME_OFFICER, "olivia")


@pytest.fixture
def officer_client(client_for, officer):
    from django.test import Client

    c = Client()
    c.force_login(officer)
    return c


@pytest.fixture
def caseload(officer):
    """Two areas; olivia is the officer of N1 only. Balances and actions chosen to sort."""
    n1 = build_account("T1", last_name="Adams", patch_code="N1")
    n1b = build_account("T2", last_name="Baker", patch_code="N1")
    n2 = build_account("T3", last_name="Cole", patch_code="N2")
    south = Area.objects.create(code="S", name="South")
    s1 = Patch.objects.create(code="S1", name="Patch S1", area=south)
    s1_account = build_account("T4", last_name="Dunn", patch_code="S1")
    assert s1_account.tenancy.property.patch == s1
    quiet = build_account("T5", last_name="Evans", patch_code="N1")
    Patch.objects.get(code="N1").officers.add(officer)
    run = make_run()
    recommend(run, n1, "send_letter_one", balance=30_000)
    recommend(run, n1b, "send_NOSP", balance=80_000, reasons=["4 weeks' rent owed"])
    recommend(run, n2, "send_letter_one", balance=120_000)
    recommend(run, s1_account, "send_first_SMS", balance=900)
    recommend(run, quiet, "no_action", balance=0, rule="")
    return run


def refs(response) -> list[str]:
    return [r.reference for r in response.context["rows"]]


def test_with_no_run_the_worktray_says_so(officer_client):
    response = officer_client.get(URL)
    assert response.status_code == 200
    assert "There is no finished arrears run yet" in response.text


def test_an_officer_sees_their_patch_by_priority_then_balance(officer_client, caseload):
    response = officer_client.get(URL)
    assert response.context["filters"].view == "mine"
    assert refs(response) == ["T2", "T1"]  # NOSP (50) before letter one (20); no-action hidden
    text = response.text
    assert "as of <strong>16 June 2025</strong>" in text
    assert "London Borough of Hackney: Manage Arrears (2020)" in text
    assert "Serve a notice of seeking possession" in text
    # The why column is the rule's label.
    assert "Arrears of £10 or more and no letter in the last 3 months" in text
    assert "£800.00" in text and "8.0" in text  # balance and weeks of charge
    assert 'href="/accounts/T2/"' in text
    assert "Adams" in text
    assert "My patches" not in text  # officers have one view


def test_an_officer_cannot_ask_for_all(officer_client, caseload):
    response = officer_client.get(URL, {"view": "all"})
    assert response.context["filters"].view == "mine"
    assert refs(response) == ["T2", "T1"]


def test_the_default_action_can_be_shown(officer_client, caseload):
    assert refs(officer_client.get(URL, {"show": "all"})) == ["T2", "T1", "T5"]


def test_views_for_team_leaders_and_managers(make_user, caseload):
    from django.test import Client

    leader = make_user(Role.TEAM_LEADER, "tara")
    Patch.objects.get(code="N2").officers.add(leader)
    c = Client()
    c.force_login(leader)
    patches = c.get(URL)
    assert patches.context["filters"].view == "patches"
    # My patches: every patch of the area (North) where tara is an officer.
    assert refs(patches) == ["T2", "T3", "T1"]
    assert refs(c.get(URL, {"view": "mine"})) == ["T3"]
    assert refs(c.get(URL, {"view": "all"})) == ["T2", "T3", "T1", "T4"]
    assert "My cases" in patches.text and "All" in patches.text

    manager = make_user(Role.INCOME_MANAGER, "mia")
    c.force_login(manager)
    assert c.get(URL).context["filters"].view == "all"
    assert refs(c.get(URL)) == ["T2", "T3", "T1", "T4"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"action": "send_letter_one"}, ["T3", "T1"]),
        ({"category": "notice"}, ["T2"]),
        ({"category": "contact"}, ["T4"]),
        ({"patch": "N2"}, ["T3"]),
        ({"patch": "NOPE"}, []),
        ({"band": "0-250"}, ["T4"]),
        ({"band": "250-500"}, ["T1"]),
        ({"band": "500-1000"}, ["T2"]),
        ({"band": "1000+"}, ["T3"]),
        ({"benefit": "none"}, ["T2", "T3", "T1", "T4"]),
        ({"benefit": "housing_benefit"}, []),
        ({"action": "no_action"}, ["T5"]),
        ({"band": "0-250", "show": "all"}, ["T4", "T5"]),
        ({"band": "bogus"}, ["T2", "T3", "T1", "T4"]),
    ],
)
def test_filters(client_for, caseload, params, expected):
    response = client_for(Role.AUDITOR).get(URL, {"view": "all", **params})
    assert response.status_code == 200
    assert refs(response) == expected


def test_pages_of_fifty_with_govuk_pagination(client_for, db):
    run = make_run()
    accounts = [build_account(f"T{i:03d}", postcode="LS1 1AA") for i in range(120)]
    for i, a in enumerate(accounts):
        recommend(run, a, "send_letter_one", balance=10_000 + i)
    c = client_for(Role.INCOME_MANAGER)
    first = c.get(URL)
    assert len(first.context["rows"]) == 50
    assert first.context["page"].paginator.num_pages == 3
    assert refs(first)[0] == "T119"  # highest balance first
    assert "govuk-pagination" in first.text
    assert "view=all&amp;page=2" in first.text
    third = c.get(URL, {"view": "all", "page": 3})
    assert len(third.context["rows"]) == 20
    assert refs(third)[-1] == "T000"
    seen = refs(first) + refs(c.get(URL, {"page": 2})) + refs(third)
    assert len(set(seen)) == 120


def test_the_latest_done_run_is_shown(client_for, db):
    a = build_account("T1")
    old = make_run(as_of=date(2025, 6, 9))
    recommend(old, a, "send_letter_one")
    new = make_run(as_of=date(2025, 6, 16))
    recommend(new, a, "send_letter_two")
    make_run(as_of=date(2025, 6, 23), status="running")
    response = client_for(Role.INCOME_MANAGER).get(URL)
    assert response.context["run"] == new
    assert [r.action for r in response.context["rows"]] == ["send_letter_two"]


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_csv_export_is_the_filtered_list_with_the_page_columns_and_is_audited(client_for, caseload):
    c = client_for(Role.TEAM_LEADER)
    response = c.get(reverse("web:worktray-csv"), {"view": "all", "category": "letter"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="worktray-hackney-2025-06-16.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == [
        "Reference",
        "Tenant",
        "Patch",
        "Balance",
        "Weeks of charge",
        "Recommended action",
        "Category",
        "Why",
    ]
    assert rows[1] == [
        "T3",
        "Jane Cole",
        "N2",
        "1200.00",
        "12.0",
        "Send letter one",
        "Letter",
        "Arrears of £10 or more and no letter in the last 3 months",
    ]
    assert [r[0] for r in rows[1:]] == ["T3", "T1"]
    event = AuditEvent.objects.get(action="export")
    assert event.object_type == "engine.Run"
    assert event.after["rows"] == 2 and event.after["format"] == "csv"
    assert "category=letter" in event.after["filters"]
    assert event.actor_name.startswith("team_leader")


def test_an_officers_export_holds_only_their_cases(officer_client, caseload):
    rows = read_csv(officer_client.get(reverse("web:worktray-csv"), {"view": "all"}))
    assert [r[0] for r in rows[1:]] == ["T2", "T1"]


def test_excel_export_matches_the_csv(client_for, caseload):
    c = client_for(Role.INCOME_MANAGER)
    response = c.get(reverse("web:worktray-xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    frame = fastexcel.read_excel(response.content).load_sheet(0).to_polars()
    assert frame.columns == [
        "Reference",
        "Tenant",
        "Patch",
        "Balance",
        "Weeks of charge",
        "Recommended action",
        "Category",
        "Why",
    ]
    assert frame["Reference"].to_list() == ["T2", "T3", "T1", "T4"]
    assert frame["Balance"].to_list() == [800.0, 1200.0, 300.0, 9.0]
    assert frame["Recommended action"][0] == "Serve a notice of seeking possession"
    assert AuditEvent.objects.filter(action="export", after__format="xlsx").count() == 1


def test_exports_need_a_run(client_for, db):
    assert client_for(Role.INCOME_MANAGER).get(reverse("web:worktray-csv")).status_code == 404


def test_exports_are_permission_checked(caseload, monkeypatch):
    from django.test import Client

    from rentbook.web import permissions

    anonymous = Client().get(reverse("web:worktray-csv"))
    assert anonymous.status_code == 302
    assert not AuditEvent.objects.filter(action="export").exists()
    # can_export is the one check: a role outside EXPORTERS is refused.
    monkeypatch.setattr(permissions, "EXPORTERS", frozenset({Role.INCOME_MANAGER}))
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("o2", password="x", role=Role.INCOME_OFFICER)
    c = Client()
    c.force_login(user)
    assert c.get(reverse("web:worktray-csv")).status_code == 403
    assert c.get(reverse("web:worktray-xlsx")).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_worktray_is_in_the_navigation_and_links_to_find_an_account(officer_client, caseload):
    text = officer_client.get(URL).text
    assert 'href="/worktray/"' in text and 'aria-current="page"' in text
    assert 'href="/"' in text


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1+cmd|' /C calc'!A0", "@SUM(A1)"])
def test_a_tenant_name_that_is_a_formula_is_exported_as_text(client_for, caseload, name):
    from rentbook.portfolio.models import Tenant

    Tenant.objects.filter(tenancy__reference="T3").update(last_name=name, first_name="")
    c = client_for(Role.INCOME_MANAGER)
    rows = read_csv(c.get(reverse("web:worktray-csv"), {"view": "all"}))
    tenant = next(r[1] for r in rows if r[0] == "T3")
    assert tenant.startswith("'") and name in tenant
    book = c.get(reverse("web:worktray-xlsx"), {"view": "all"}).content
    import zipfile

    # in the workbook it is a string cell, never a formula
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
