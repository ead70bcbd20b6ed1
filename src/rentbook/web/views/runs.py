"""Arrears runs: the list of runs, and the button that starts one (managers, administrators)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from rentbook.engine.models import Run
from rentbook.policy.loader import shipped_policies
from rentbook.portfolio.models import Role
from rentbook.web import permissions
from rentbook.web.forms import DateField

PAGE_SIZE = 25

#: The roles that may start the arrears run.
RUN_STARTERS = frozenset({Role.INCOME_MANAGER, Role.ADMINISTRATOR})


def can_start_runs(user: Any) -> bool:
    return permissions.can_change(user) and (
        getattr(user, "role", None) in RUN_STARTERS or permissions.is_administrator(user)
    )


def default_policy() -> str:
    return getattr(settings, "RENTBOOK_POLICY", "hackney")


def start_run(as_of, policy: str, user: Any) -> str:  # type: ignore[no-untyped-def]
    """Hand the run to the engine: queued through the task runner when it has one."""
    from rentbook.engine import services

    enqueue = getattr(services, "enqueue_run", None)
    if enqueue is not None:
        enqueue(as_of, policy, started_by=user)
        return "queued"
    services.run_arrears(as_of, policy, started_by=user)
    return "done"


def runs(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    policies = shipped_policies()
    may_start = can_start_runs(request.user)
    as_of = DateField.of("as_of", "Run as of", today)
    policy = default_policy()
    errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        if not may_start:
            raise PermissionDenied
        as_of = DateField.read(request.POST, "as_of", "Run as of")
        policy = request.POST.get("policy", "")
        if as_of.empty:
            as_of.error = "Enter the date to run as of"
            as_of.error_parts = {"day", "month", "year"}
        elif as_of.value and as_of.value > today:
            as_of.error = "The date to run as of must be today or in the past"
            as_of.error_parts = {"day", "month", "year"}
        if as_of.error:
            errors.append({"id": as_of.id, "message": as_of.error})
        if policy not in policies:
            errors.append({"id": "policy", "message": "Select a policy"})
        if not errors:
            outcome = start_run(as_of.value, policy, request.user)
            if outcome == "queued":
                messages.success(
                    request,
                    f"The arrears run as of {as_of.value:%-d %B %Y} has been started. "
                    "It appears below when it is done; refresh this page to see it.",
                )
            else:
                messages.success(request, f"The arrears run as of {as_of.value:%-d %B %Y} is done.")
            return redirect("web:runs")
        status = 400
    page = Paginator(
        Run.objects.select_related("started_by").order_by("-started_at", "-id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "web/runs.html",
        {
            "page": page,
            "may_start": may_start,
            "as_of": as_of,
            "policy": policy,
            "policies": policies,
            "errors": errors,
            "policy_error": next((e["message"] for e in errors if e["id"] == "policy"), ""),
        },
        status=status,
    )
