from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client

from rentbook.api.models import ApiClient
from rentbook.api.scopes import SCOPES
from rentbook.api.services import create_client
from rentbook.engine.services import run_arrears
from rentbook.portfolio.models import Role
from tests.web.conftest import account, build_account, post  # noqa: F401

ALL = list(SCOPES)


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_client(db):
    """A Django test client sending the token of a new API client."""
    made = []

    def make(role: str = Role.INCOME_OFFICER, scopes: list[str] | None = None, **kw) -> Client:
        name = f"system-{len(made) + 1}"
        api_client, token = create_client(name, role=role, scopes=scopes or ALL, **kw)
        made.append(api_client)
        http = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        http.api_client = api_client  # type: ignore[attr-defined]
        http.token = token  # type: ignore[attr-defined]
        return http

    return make


@pytest.fixture
def landlord(account):  # noqa: F811
    """Two accounts in two patches with charges and a payment, and a finished run."""
    other = build_account("T000200", first_name="Ola", last_name="Bello", patch_code="S1")
    post(account, date(2025, 6, 2), "charge", 11250)
    post(account, date(2025, 6, 3), "payment", -5000, method="card")
    post(other, date(2025, 6, 2), "charge", 9000)
    run_arrears(date(2025, 6, 9))
    return account, other


def client_of(http: Client) -> ApiClient:
    return http.api_client  # type: ignore[attr-defined]
