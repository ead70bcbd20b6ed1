"""A tenant proposes a payment plan; an offer below the rules is explained, not refused
silently; an officer accepts it and the tenant sees the reply."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rentbook.arrangements.models import Arrangement, TenantProposal
from rentbook.cases.models import DiaryEntry
from rentbook.portfolio.models import Role

pytestmark = pytest.mark.django_db

BUDGET = {"adults": "1", "children": "0", "earnings": "1500", "rent": "433.33",
          "utilities": "150", "food": "300"}  # fmt: skip


def _offer(client, amount: str, frequency: str = "weekly", **extra):  # type: ignore[no-untyped-def]
    first = timezone.localdate() + timedelta(days=3)
    return client.post(
        "/my-rent/payment-plan/offer/",
        {"frequency": frequency, "amount": amount, "method": "card", "note": "I can do this",
         "first-day": first.day, "first-month": first.month, "first-year": first.year, **extra},
    )  # fmt: skip


def test_a_proposal_within_the_rules_goes_to_the_officer_who_accepts_it(
    tenant_client, tenant_account, client_for, sent_codes
):
    r = tenant_client.post("/my-rent/payment-plan/", BUDGET)
    assert r.status_code == 302 and r["Location"] == "/my-rent/payment-plan/offer/"
    r = _offer(tenant_client, "20")
    assert r.status_code == 302, r.content.decode()[:3000]
    sent = tenant_client.get(r["Location"])
    first = timezone.localdate() + timedelta(days=3)
    clears = f"{first + timedelta(weeks=29):%-d %B %Y}"
    assert f'paid off by <strong data-testid="clears-on">{clears}'.encode() in sent.content
    p = TenantProposal.objects.get()
    assert (p.instalment, p.ongoing_charge, p.findings) == (2_000, 10_000, [])
    assert p.statement.lines.get(item="earnings").monthly == 150_000
    assert DiaryEntry.objects.get(code="OLP").source == "tenant"
    officer = client_for(Role.INCOME_OFFICER)
    case = officer.get(f"/accounts/{tenant_account.reference}/")
    assert f'href="/proposals/{p.pk}/"'.encode() in case.content
    tray = officer.get("/proposals/?view=all")
    assert f'data-testid="proposal-{p.pk}"'.encode() in tray.content
    r = officer.post(f"/proposals/{p.pk}/", {"action": "accept", "reply": ""})
    assert r.status_code == 302
    p.refresh_from_db()
    a = Arrangement.objects.get(account=tenant_account)
    assert p.status == "accepted" and p.arrangement == a
    assert (a.instalment, a.ongoing_charge, a.statement_id, a.frequency) == (
        2_000, 10_000, p.statement_id, "weekly"
    )  # fmt: skip
    assert "We have agreed your payment plan" in sent_codes[-1][1]
    home = tenant_client.get("/my-rent/")
    assert b"We have agreed your payment plan" in home.content
    # decided once only
    again = officer.post(f"/proposals/{p.pk}/", {"action": "decline", "reply": "no"})
    assert again.status_code == 400 and b"already accepted" in again.content


def test_an_offer_that_takes_too_long_is_explained_and_may_be_sent_anyway(tenant_client, settings):
    tenant_client.post("/my-rent/payment-plan/", BUDGET)
    r = _offer(tenant_client, "1")  # £600 at £1 a week: over 11 years
    assert r.status_code == 200
    assert b'data-code="too_long"' in r.content
    assert b"within 24 months" in r.content
    assert not TenantProposal.objects.exists()  # not sent silently, nor refused silently
    r = _offer(tenant_client, "1", anyway="yes")
    assert r.status_code == 302
    p = TenantProposal.objects.get()
    assert [f["code"] for f in p.findings] == ["too_long"]


def test_an_offer_above_the_budget_is_explained(tenant_client):
    tenant_client.post("/my-rent/payment-plan/", {**BUDGET, "earnings": "900"})
    r = _offer(tenant_client, "100")
    assert b'data-code="above_surplus"' in r.content and b"could leave you short" in r.content


def test_an_offer_of_nothing_towards_the_arrears_cannot_be_sent(tenant_client):
    tenant_client.post("/my-rent/payment-plan/", BUDGET)
    r = _offer(tenant_client, "0", anyway="yes")
    assert r.status_code == 400 and b"Paying only the rent" in r.content
    assert not TenantProposal.objects.exists()


def test_a_budget_with_no_income_is_refused_with_its_reason(tenant_client):
    r = tenant_client.post("/my-rent/payment-plan/", {"adults": "1", "children": "0", "food": "x"})
    assert r.status_code == 400
    assert b"Living costs" in r.content and b"must be an amount, like 120.50" in r.content


def test_an_officer_declines_with_a_reply_the_tenant_sees(tenant_client, client_for):
    tenant_client.post("/my-rent/payment-plan/", BUDGET)
    _offer(tenant_client, "20")
    p = TenantProposal.objects.get()
    officer = client_for(Role.TEAM_LEADER)
    r = officer.post(f"/proposals/{p.pk}/", {"action": "decline", "reply": ""})
    assert r.status_code == 400 and b"Enter the reply" in r.content
    officer.post(
        f"/proposals/{p.pk}/", {"action": "decline", "reply": "Please call us to talk it over."}
    )
    p.refresh_from_db()
    assert p.status == "declined"
    assert b"Please call us to talk it over." in tenant_client.get("/my-rent/").content
    assert not Arrangement.objects.exists()


def test_the_worktray_says_how_many_proposals_wait(tenant_client, client_for):
    from tests.cases.builders import make_run

    make_run()
    tenant_client.post("/my-rent/payment-plan/", BUDGET)
    _offer(tenant_client, "20")
    page = client_for(Role.INCOME_MANAGER).get("/worktray/")
    assert b'data-testid="proposals-waiting"' in page.content


def test_an_auditor_reads_a_proposal_but_cannot_decide(tenant_client, client_for):
    tenant_client.post("/my-rent/payment-plan/", BUDGET)
    _offer(tenant_client, "20")
    p = TenantProposal.objects.get()
    auditor = client_for(Role.AUDITOR)
    page = auditor.get(f"/proposals/{p.pk}/")
    assert page.status_code == 200 and b"accept-proposal" not in page.content
    assert auditor.post(f"/proposals/{p.pk}/", {"action": "accept"}).status_code == 403
