"""``/health/``: whether this instance can serve (the database answers) and whether the task
worker keeps up (no task waiting longer than RENTBOOK_HEALTH_WORKER_LAG seconds). For a load
balancer or a monitor: JSON, 200 when both hold, 503 otherwise. It names no person."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> str:
    try:
        with connection.cursor() as c:
            c.execute("SELECT 1")
            c.fetchone()
    except Exception as e:  # any failure to answer is "down", named by its kind
        return f"down: {type(e).__name__}"
    return "ok"


def _worker() -> tuple[str, int]:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    lag = timedelta(seconds=settings.RENTBOOK_HEALTH_WORKER_LAG)
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, run_after__lt=timezone.now() - lag
    ).count()
    return ("ok" if waiting == 0 else "behind"), waiting


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    database = _database()
    worker, waiting = _worker() if database == "ok" else ("unknown", 0)
    ok = database == "ok" and worker == "ok"
    body = {
        "status": "ok" if ok else "failing",
        "database": database,
        "worker": worker,
        "tasks_waiting": waiting,
    }
    return JsonResponse(body, status=200 if ok else 503)
