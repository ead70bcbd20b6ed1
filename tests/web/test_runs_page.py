from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from rentbook.engine.models import Run
from rentbook.portfolio.models import Role
from tests.cases.builders import make_run

pytestmark = pytest.mark.django_db

URL = "/runs/"


def date_fields(prefix: str, d) -> dict[str, str]:
    return {
        f"{prefix}-day": str(d.day),
        f"{prefix}-month": str(d.month),
        f"{prefix}-year": str(d.year),
    }


def test_everyone_sees_the_runs_newest_first(client_for, make_user):
    mia = make_user(Role.INCOME_MANAGER, "mia")
    make_run(started_at=datetime(2025, 6, 9, 6, tzinfo=UTC), accounts=120, seconds=1.24)
    make_run(
        as_of=timezone.localdate(),
        started_at=datetime(2025, 6, 16, 6, tzinfo=UTC),
        status="failed",
        message="policy file missing",
        started_by=mia,
    )
    # the revenues officer sees none of the rent service's pages (tests/web/test_debts_pages.py)
    assert client_for(Role.REVENUES_OFFICER).get(URL).status_code == 403
    for role in [r for r in Role if r != Role.REVENUES_OFFICER]:
        response = client_for(role).get(URL)
        assert response.status_code == 200
        text = response.text
        assert text.index("Failed") < text.index("Done")
        assert "policy file missing" in text
        assert ">120<" in text and ">1.2<" in text
        assert ("Start the arrears run" in text) == (
            role in (Role.INCOME_MANAGER, Role.ADMINISTRATOR)
        ), role
    assert "Income_Manager" in client_for(Role.AUDITOR).get(URL).text
    assert "Arrears runs" in client_for(Role.INCOME_OFFICER).get(URL).text


@pytest.mark.parametrize("role", [Role.INCOME_OFFICER, Role.TEAM_LEADER, Role.AUDITOR])
def test_only_managers_and_administrators_may_start_a_run(client_for, role):
    response = client_for(role).post(
        URL, {**date_fields("as_of", timezone.localdate()), "policy": "hackney"}
    )
    assert response.status_code == 403
    assert not Run.objects.exists()


@pytest.mark.parametrize(
    ("data", "anchor", "message"),
    [
        ({"policy": "hackney"}, "as_of-day", "Enter the date to run as of"),
        (
            {**date_fields("as_of", timezone.localdate()), "policy": "nope"},
            "policy",
            "Select a policy",
        ),
        (
            {"as_of-day": "30", "as_of-month": "2", "as_of-year": "2025", "policy": "hackney"},
            "as_of-day",
            "Run as of must be a real date",
        ),
        (
            # tomorrow as the test runs, not as it was collected (a suite may cross midnight)
            lambda: {
                **date_fields("as_of", timezone.localdate() + timedelta(days=1)),
                "policy": "hackney",
            },
            "as_of-day",
            "must be today or in the past",
        ),
    ],
)
def test_starting_a_run_validates_the_date_and_policy(client_for, data, anchor, message):
    response = client_for(Role.INCOME_MANAGER).post(URL, data() if callable(data) else data)
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert f'href="#{anchor}"' in response.text
    assert message in response.text
    assert not Run.objects.exists()


def test_the_form_offers_today_and_the_shipped_policies(client_for):
    response = client_for(Role.ADMINISTRATOR).get(URL)
    assert response.context["as_of"].value == timezone.localdate()
    assert '<option value="hackney" selected>' in response.text


def test_starting_a_run_hands_it_to_the_engine(client_for, account, settings):
    pytest.importorskip("rentbook.engine.services")
    # The immediate task backend runs the queued task at once, in this process.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    as_of = timezone.localdate()
    response = client_for(Role.INCOME_MANAGER).post(
        URL, {**date_fields("as_of", as_of), "policy": "hackney"}
    )
    assert response.status_code == 302
    run = Run.objects.get(as_of=as_of, policy="hackney")
    assert run.status == Run.Status.DONE, run.message
    assert run.started_by.role == Role.INCOME_MANAGER
    assert run.recommendations.get().account == account
