"""The integration API: tokens, scopes, roles, pages, rate limits and audited writes."""

from __future__ import annotations

import pytest
from django.db.models import Sum
from django.test import Client

from rentbook.api.auth import ClientRateThrottle
from rentbook.api.models import ApiClient
from rentbook.api.services import ClientRefused, create_client, revoke, rotate_token
from rentbook.audit.models import AuditEvent
from rentbook.cases.models import DiaryEntry, Flag
from rentbook.engine.models import Recommendation
from rentbook.ledger.models import Transaction
from rentbook.portfolio.models import Role, User
from tests.api.conftest import client_of

pytestmark = pytest.mark.django_db

READS = {
    "/api/v1/accounts/": "accounts:read",
    "/api/v1/accounts/T000123/": "accounts:read",
    "/api/v1/recommendations/": "recommendations:read",
}
WRITES = {
    "/api/v1/diary/": "diary:write",
    "/api/v1/flags/": "flags:write",
    "/api/v1/payments/": "payments:write",
}
DIARY = {
    "diary_ref": "HS-1",
    "tenancy_ref": "T000123",
    "at": "2025-06-05 10:30",
    "code": "CALL",
    "note": "Spoke to Jane",
}


def post_json(http: Client, url: str, body: dict):
    return http.post(url, body, content_type="application/json")


def test_every_endpoint_refuses_a_request_without_a_token(landlord):
    for url in READS:
        response = Client().get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"].startswith("Bearer")
    for url in WRITES:
        assert post_json(Client(), url, {}).status_code == 401, url


def test_a_wrong_revoked_or_replaced_token_is_refused(landlord, make_client):
    http = make_client()
    assert http.get("/api/v1/accounts/").status_code == 200
    bad = Client(HTTP_AUTHORIZATION=f"Bearer {http.token[:-2]}xx")
    assert bad.get("/api/v1/accounts/").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Token abc").get("/api/v1/accounts/").status_code == 401
    new = rotate_token(client_of(http))
    assert http.get("/api/v1/accounts/").status_code == 401
    fresh = Client(HTTP_AUTHORIZATION=f"Bearer {new}")
    assert fresh.get("/api/v1/accounts/").status_code == 200
    revoke(ApiClient.objects.get(pk=client_of(http).pk))
    assert fresh.get("/api/v1/accounts/").status_code == 401


def test_a_token_without_the_scope_is_refused_at_every_endpoint(landlord, make_client):
    everything = [*READS.items(), *WRITES.items()]
    for url, scope in everything:
        others = sorted({s for _, s in everything} - {scope})
        http = make_client(scopes=others)
        response = http.get(url) if url in READS else post_json(http, url, DIARY)
        assert response.status_code == 403, url
        assert scope in response.json()["detail"]


def test_an_auditors_client_cannot_be_given_write_scopes(db):
    with pytest.raises(ClientRefused, match="never writes"):
        create_client("audit-tool", role=Role.AUDITOR, scopes=["diary:write"])
    assert not ApiClient.objects.exists()
    assert not User.objects.filter(username="api:audit-tool").exists()


def test_a_revenues_officers_role_gets_no_api_client(db):
    with pytest.raises(ClientRefused, match="sees no rent records"):
        create_client("ctax", role=Role.REVENUES_OFFICER, scopes=["accounts:read"])
    assert not ApiClient.objects.exists()


def test_an_auditors_token_reads_but_cannot_write_even_if_the_scope_were_there(
    landlord, make_client
):
    http = make_client(role=Role.AUDITOR, scopes=["accounts:read", "recommendations:read"])
    assert http.get("/api/v1/accounts/").status_code == 200
    # a write scope put on it behind the service's back still does not let it write
    ApiClient.objects.filter(pk=client_of(http).pk).update(scopes=["diary:write"])
    response = post_json(http, "/api/v1/diary/", DIARY)
    assert response.status_code == 403
    assert "auditor" in response.json()["detail"]
    assert not DiaryEntry.objects.exists()


def test_accounts_come_in_cursor_pages_with_todays_balance(landlord, make_client):
    account, _ = landlord
    http = make_client(scopes=["accounts:read"])
    first = http.get("/api/v1/accounts/?page_size=1").json()
    assert [a["tenancy_ref"] for a in first["results"]] == ["T000123"]
    second = http.get(first["next"]).json()
    assert [a["tenancy_ref"] for a in second["results"]] == ["T000200"]
    assert second["next"] is None
    balance = Transaction.objects.filter(account=account).aggregate(t=Sum("amount"))["t"]
    assert first["results"][0]["balance_pence"] == balance
    only = http.get("/api/v1/accounts/?patch=S1").json()["results"]
    assert [a["tenancy_ref"] for a in only] == ["T000200"]


def test_an_account_shows_its_position_and_latest_recommendation(landlord, make_client):
    account, _ = landlord
    http = make_client(scopes=["accounts:read"])
    data = http.get("/api/v1/accounts/T000123/").json()
    rec = Recommendation.objects.get(account=account)
    assert data["recommendation"]["action"] == rec.action
    assert data["recommendation"]["reasons"] == rec.reasons
    assert data["position"]["weekly_charge_pence"] == 11250
    assert http.get("/api/v1/accounts/T999999/").status_code == 404


def test_recommendations_are_the_latest_runs_in_pages_of_up_to_1000(landlord, make_client):
    http = make_client(scopes=["recommendations:read"])
    data = http.get("/api/v1/recommendations/?page_size=5000").json()
    run = Recommendation.objects.first().run
    assert data["run"]["id"] == run.id and data["run"]["as_of"] == run.as_of.isoformat()
    assert {r["tenancy_ref"] for r in data["results"]} == {"T000123", "T000200"}
    category = data["results"][0]["category"]
    filtered = http.get(f"/api/v1/recommendations/?category={category}").json()["results"]
    assert {r["category"] for r in filtered} == {category}


def test_a_diary_entry_is_posted_once_updated_once_and_audited_as_the_system(landlord, make_client):
    http = make_client(scopes=["diary:write"])
    created = post_json(http, "/api/v1/diary/", DIARY)
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "created"
    entry = DiaryEntry.objects.get(import_ref="HS-1")
    assert entry.code == "CALL" and entry.import_source == "api:system-1"
    again = post_json(http, "/api/v1/diary/", DIARY)
    assert (again.status_code, again.json()["status"]) == (200, "unchanged")
    changed = post_json(http, "/api/v1/diary/", {**DIARY, "note": "Promised to pay Friday"})
    assert (changed.status_code, changed.json()["status"]) == (200, "updated")
    assert DiaryEntry.objects.filter(import_ref="HS-1").count() == 1
    change = AuditEvent.objects.filter(action="change").latest("id")
    assert change.actor_name == "api:system-1"
    assert change.before["note"] == "Spoke to Jane"
    assert change.after["note"] == "Promised to pay Friday"


def test_a_bad_write_names_the_field_and_the_reason_and_writes_nothing(landlord, make_client):
    http = make_client()
    response = post_json(http, "/api/v1/diary/", {**DIARY, "tenancy_ref": "T999999"})
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "rejected"
    assert body["errors"][0]["field"] == "tenancy_ref"
    missing = post_json(http, "/api/v1/diary/", {"diary_ref": "x"})
    assert missing.status_code == 400
    assert {e["field"] for e in missing.json()["errors"]} >= {"tenancy_ref", "at", "code"}
    negative = {
        "transaction_ref": "PAY-1",
        "tenancy_ref": "T000123",
        "posted_on": "2025-06-06",
        "amount": "-5.00",
        "method": "card",
    }
    assert post_json(http, "/api/v1/payments/", negative).status_code == 400
    assert not DiaryEntry.objects.exists()
    assert not Transaction.objects.filter(source_ref="PAY-1").exists()


def test_a_payment_posted_twice_is_posted_once(landlord, make_client):
    account, _ = landlord
    http = make_client(scopes=["payments:write"])
    before = Transaction.objects.filter(account=account).aggregate(t=Sum("amount"))["t"]
    body = {
        "transaction_ref": "PAY-7",
        "tenancy_ref": "T000123",
        "posted_on": "2025-06-06",
        "amount": "25.00",
        "method": "card",
    }
    assert post_json(http, "/api/v1/payments/", body).status_code == 201
    assert post_json(http, "/api/v1/payments/", body).json()["status"] == "unchanged"
    after = Transaction.objects.filter(account=account).aggregate(t=Sum("amount"))["t"]
    assert after == before - 2500


def test_a_flag_posted_by_the_housing_system_holds_the_case(landlord, make_client):
    http = make_client(scopes=["flags:write"])
    flag = {
        "flag_ref": "BS-1",
        "tenancy_ref": "T000123",
        "type": "breathing_space",
        "starts_on": "2025-06-01",
    }
    assert post_json(http, "/api/v1/flags/", flag).status_code == 201
    assert Flag.objects.get(import_ref="BS-1").type == "breathing_space"
    ended = post_json(http, "/api/v1/flags/", {**flag, "ends_on": "2025-07-30"})
    assert ended.json()["status"] == "updated"


def test_a_client_over_its_rate_is_told_to_wait(landlord, make_client, monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "3/minute"})
    http = make_client(scopes=["accounts:read"])
    codes = [http.get("/api/v1/accounts/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Retry-After" in http.get("/api/v1/accounts/")
    # another client has its own allowance
    assert make_client(scopes=["accounts:read"]).get("/api/v1/accounts/").status_code == 200


@pytest.mark.parametrize("role", [r for r in Role if r != Role.REVENUES_OFFICER])
def test_every_endpoint_for_a_client_of_every_role(landlord, make_client, role):
    """The same role rules as the pages: every role reads; every role but the auditor writes
    (a revenues officer's role has no client: test_a_revenues_officers_role_gets_no_api_client)."""
    reads = ["accounts:read", "recommendations:read"]
    writes = [] if role == Role.AUDITOR else ["diary:write", "flags:write", "payments:write"]
    http = make_client(role=role, scopes=reads + writes)
    for url in READS:
        assert http.get(url).status_code == 200, (role, url)
    for url, scope in WRITES.items():
        response = post_json(http, url, {})
        # a scope it holds lets the body be checked (400); one it cannot hold is refused
        assert response.status_code == (400 if scope in writes else 403), (role, url)
