"""The API answers as its committed OpenAPI schema says (schemathesis), and the committed
schema is the one the code generates."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "docs" / "api" / "openapi.yaml"

schema = schemathesis.openapi.from_path(COMMITTED)
schema.app = get_wsgi_application()


def test_the_committed_schema_is_the_one_the_code_generates(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", file=str(generated), validate=True)
    assert generated.read_text() == COMMITTED.read_text(), (
        "docs/api/openapi.yaml is stale: rentbook spectacular --file docs/api/openapi.yaml"
    )


@pytest.fixture
def token(landlord, make_client):
    return make_client().token


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_its_schema_says(case, token):
    # A write the schema allows may still be refused by the import door (a tenancy that does
    # not exist, a date before the tenancy): those are 400s with reasons, not failures.
    excluded = [positive_data_acceptance] if case.method == "POST" else []
    # The client's real token replaces the one generated; a negative case that leaves the
    # header out is sent without it (with it, its only violation would be gone, and the check
    # that invalid data is refused would fail on a valid request: `?action=` with a token).
    given = {k.lower() for k in (case.headers or {})}
    headers = {"Authorization": f"Bearer {token}"} if "authorization" in given else {}
    SENT.append(bool(headers))
    case.call_and_validate(headers=headers, excluded_checks=excluded)


SENT: list[bool] = []


def test_most_cases_were_sent_with_the_token():
    """The schema cases above ran with the client's token, bar the negative ones that drop
    it (so the operations were exercised signed in, not merely refused)."""
    if not SENT:
        pytest.skip("run with the schema cases")
    assert sum(SENT) >= 0.7 * len(SENT), (sum(SENT), len(SENT))
