"""The integration API reads 1,000 recommendations within 200 ms (p95) at 100,000 accounts.

`pytest -m slow -s benchmarks/test_api_speed.py`, on SQLite and PostgreSQL (DATABASE_URL).
The worktray benchmark's landlord: 100,000 accounts and one run of 100,000 recommendations.
A client walks the run's recommendations in pages of 1,000 by their cursors (100 pages, so
every page of the run, the last the farthest into it), then reads 100 pages of 100 accounts
and 100 single accounts; the p95 of each, at the server (Django's test client: routing,
middleware, token check, rate count, queries and JSON), is recorded.
"""

from __future__ import annotations

import statistics
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from benchmarks.conftest import record_result
from benchmarks.test_worktray_speed import N, _portfolio, _run
from rentbook.api.auth import ClientRateThrottle
from rentbook.api.scopes import SCOPES
from rentbook.api.services import create_client
from rentbook.portfolio.models import Role

LIMIT_MS = 200.0


def _timed(client: Client, url: str) -> tuple[float, dict]:
    t0 = time.perf_counter()
    response = client.get(url)
    took = (time.perf_counter() - t0) * 1000
    assert response.status_code == 200, (url, response.content[:300])
    return took, response.json()


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[18]


@pytest.mark.slow
@pytest.mark.django_db
def test_reading_1000_recommendations_answers_within_200_ms_on_100k_accounts(monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "100000/minute"})
    cache.clear()
    started = time.perf_counter()
    _portfolio(N)
    _run()
    with connection.cursor() as c:
        c.execute("ANALYZE")
    built = time.perf_counter() - started
    _, token = create_client("bench", role=Role.INCOME_OFFICER, scopes=list(SCOPES))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    _timed(client, "/api/v1/recommendations/?page_size=1000")  # warm

    pages, url, rows = [], "/api/v1/recommendations/?page_size=1000", 0
    while url:
        took, data = _timed(client, url)
        pages.append(took)
        rows += len(data["results"])
        url = data["next"]
    assert rows == N
    accounts, url = [], "/api/v1/accounts/"
    for _ in range(100):
        took, data = _timed(client, url)
        accounts.append(took)
        url = data["next"]
    single = [_timed(client, f"/api/v1/accounts/T{i * 997 % N:07d}/")[0] for i in range(100)]
    figures = {
        "database": connection.vendor,
        "accounts": N,
        "built_seconds": round(built, 1),
        "recommendations_1000_p95_ms": round(_p95(pages), 1),
        "recommendations_1000_max_ms": round(max(pages), 1),
        "pages_of_1000": len(pages),
        "accounts_100_p95_ms": round(_p95(accounts), 1),
        "account_p95_ms": round(_p95(single), 1),
    }
    record_result(f"api-{connection.vendor}", figures)
    assert figures["recommendations_1000_p95_ms"] <= LIMIT_MS, figures
