"""The arrears run as a background task (Django's tasks API, django-tasks-db backend)."""

from __future__ import annotations

from datetime import date

from django_tasks import task


@task()
def arrears_run(as_of: str, policy: str, user_id: int | None = None) -> int:
    """Run ``run_arrears`` (idempotent per day and policy); returns the run's id."""
    from django.contrib.auth import get_user_model

    from rentbook.engine.services import run_arrears

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return run_arrears(date.fromisoformat(as_of), policy, started_by=user).pk
