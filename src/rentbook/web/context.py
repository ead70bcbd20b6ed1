"""What every page's template needs: the landlord, the service navigation, the user's rights."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from rentbook.web import permissions, two_factor


def landlord(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "landlord_name": settings.RENTBOOK_LANDLORD_NAME,
        "navigation": navigation(request) if signed_in else [],
        "can_change": permissions.can_change(user),
        "sees_rent": permissions.sees_rent(user),
        "offer_two_factor": signed_in and two_factor.may_use(user),
    }


def navigation(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match else ""
    items = [
        {
            "text": "Worktray",
            "href": reverse("web:worktray"),
            "current": here == "web:worktray",
        },
        {
            "text": "Find an account",
            "href": reverse("web:home"),
            "current": here in {"web:home", "web:account", "web:statement"},
        },
    ]
    items.append(
        {"text": "Arrears runs", "href": reverse("web:runs"), "current": here == "web:runs"}
    )
    items.append(
        {
            "text": "Letters",
            "href": reverse("web:comms-letters"),
            "current": here.startswith("web:comms-letters"),
        }
    )
    items.append(
        {
            "text": "Write-offs",
            "href": reverse("web:write-offs"),
            "current": here.startswith("web:write-off") or here.startswith("web:committee"),
        }
    )
    items.append(
        {
            "text": "Suspense",
            "href": reverse("web:suspense"),
            "current": here.startswith("web:suspense"),
        }
    )
    items.append(
        {
            "text": "Customers",
            "href": reverse("web:customers"),
            "current": here.startswith("web:customer") or here.startswith("web:revenues"),
        }
    )
    items.append(
        {
            "text": "Debt work",
            "href": reverse("web:debt-work"),
            "current": here.startswith("web:debt-"),
        }
    )
    items.append(
        {
            "text": "Performance",
            "href": reverse("web:performance"),
            "current": here.startswith("web:performance"),
        }
    )
    items.append(
        {"text": "Plans", "href": reverse("web:plans"), "current": here.startswith("web:plan")}
    )
    if permissions.can_read_audit_log(user):
        items.append(
            {
                "text": "Audit log",
                "href": reverse("web:audit-log"),
                "current": here == "web:audit-log",
            }
        )
    if permissions.is_administrator(user):
        items.append({"text": "Administration", "href": "/admin/", "current": False})
    if not permissions.sees_rent(user):
        items = [i for i in items if i["text"] in ("Customers", "Debt work")]
    return items
