from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_health_answers_without_sign_in_and_names_no_one():
    response = Client().get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "worker": "ok",
        "tasks_waiting": 0,
    }
    assert "no-cache" in response["Cache-Control"]


def test_health_fails_when_the_worker_has_fallen_behind():
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(
        task_path="rentbook.engine.tasks.run_task",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        run_after=timezone.now() - timedelta(minutes=10),
    )
    response = Client().get("/health/")
    assert response.status_code == 503
    assert response.json()["worker"] == "behind" and response.json()["tasks_waiting"] == 1


def test_health_fails_when_the_database_does_not_answer(monkeypatch):
    from rentbook.web.views import health

    def broken():
        raise ConnectionError

    monkeypatch.setattr(health.connection, "cursor", broken)
    response = Client().get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "down: ConnectionError"
