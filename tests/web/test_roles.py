from __future__ import annotations

import pytest
from django.urls import reverse

from rentbook.audit.services import record
from rentbook.portfolio.models import Role

from .test_sign_in import page_urls

pytestmark = pytest.mark.django_db


def test_an_auditor_can_read_every_page(auditor_client, account):
    for url in page_urls(account.reference):
        if url.endswith(".pdf"):
            continue  # rendered in test_statement
        assert auditor_client.get(url).status_code == 200, url


def test_every_post_from_an_auditor_is_refused(auditor_client, account):
    for url in [*page_urls(account.reference), "/admin/portfolio/tenant/add/", "/anything/"]:
        for method in (auditor_client.post, auditor_client.put, auditor_client.delete):
            response = method(url, {"balance": "0"})
            assert response.status_code == 403, (method, url)


def test_an_auditor_may_still_sign_out(auditor_client):
    assert auditor_client.post(reverse("web:sign-out")).status_code == 302


def test_the_refusal_explains_itself_in_the_services_design(auditor_client, account):
    response = auditor_client.post(reverse("web:account", args=[account.reference]))
    assert "You cannot do this" in response.text
    assert "can read everything but change nothing" in response.text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.AUDITOR, 200),
        (Role.INCOME_MANAGER, 200),
        (Role.ADMINISTRATOR, 200),
        (Role.INCOME_OFFICER, 403),
        (Role.TEAM_LEADER, 403),
    ],
)
def test_the_audit_log_is_read_only_by_auditors_managers_and_administrators(
    client_for, role, status
):
    response = client_for(role).get(reverse("web:audit-log"))
    assert response.status_code == status
    nav = client_for(role).get(reverse("web:home")).text
    assert ("Audit log" in nav) == (status == 200)


def test_only_administrators_see_administration(client_for):
    for role in Role:
        text = client_for(role).get(reverse("web:home")).text
        assert ('href="/admin/"' in text) == (role == Role.ADMINISTRATOR), role


def test_the_audit_log_lists_changes_with_before_and_after(client_for):
    record(
        "update",
        object_type="tenancy",
        object_id="T1",
        summary="end date set",
        before={"end_date": None},
        after={"end_date": "2025-03-02"},
    )
    text = client_for(Role.AUDITOR).get(reverse("web:audit-log")).text
    assert "end date set" in text
    assert "2025-03-02" in text
    assert "system" in text


def test_the_audit_log_filters_by_object_type_person_and_date(client_for, make_user):
    manager = make_user(Role.INCOME_MANAGER, "mia")
    record("update", object_type="tenancy", object_id="T1", summary="first", actor=manager)
    record("import", object_type="import batch", object_id="7", summary="second")
    client = client_for(Role.AUDITOR)
    url = reverse("web:audit-log")
    by_type = client.get(url, {"object_type": "import batch"}).text
    assert "second" in by_type and "first" not in by_type
    by_person = client.get(url, {"person": "mia"}).text
    assert "first" in by_person and "second" not in by_person
    old = client.get(url, {"to-day": "1", "to-month": "1", "to-year": "2000"}).text
    assert "first" not in old and "second" not in old
    bad = client.get(url, {"from-day": "31", "from-month": "2", "from-year": "2025"}).text
    assert "Date from must be a real date" in bad


def test_the_audit_log_is_paginated(client_for):
    for i in range(60):
        record("update", object_type="tenancy", object_id=str(i), summary=f"change {i}")
    client = client_for(Role.AUDITOR)
    first = client.get(reverse("web:audit-log"), {"object_type": "tenancy"}).text
    assert "60 changes" in first
    assert "change 59" in first and "change 0<" not in first
    assert "object_type=tenancy&amp;page=2" in first
    second = client.get(reverse("web:audit-log"), {"object_type": "tenancy", "page": 2}).text
    assert "change 0<" in second


def test_an_update_shows_only_the_fields_it_changed():
    from rentbook.web.views.audit_log import changes

    assert changes({"a": 1, "b": None}, {"a": 1, "b": "x"}) == ["b: empty → x"]
    assert changes(None, {"a": 1}) == ["a: 1"]
    assert changes({"a": "y"}, None) == ["a: was y"]
