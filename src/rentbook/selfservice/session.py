"""A tenant's sign-in, apart from staff's: its own key in the session, never a Django user,
so no staff page (each needs a signed-in user) is reachable with it. It ends after
SELFSERVICE_IDLE_SECONDS without a request and SELFSERVICE_MAX_SECONDS after it began."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from rentbook.ledger.models import Account
from rentbook.portfolio.models import Tenant

KEY = "_rentbook_tenant"
#: Between identifying and entering the code: the tenant and the code sent.
PENDING = "_rentbook_tenant_pending"


@dataclass(frozen=True)
class Signed:
    tenant: Tenant
    account: Account


def _now() -> int:
    return int(timezone.now().timestamp())


def sign_in(request: HttpRequest, tenant: Tenant) -> None:
    """Start a tenant's session: a new session key (no fixation), and no staff sign-in in it."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        logout(request)
    request.session.cycle_key()
    now = _now()
    request.session[KEY] = {"tenant": tenant.pk, "since": now, "seen": now}
    request.session.pop(PENDING, None)


def sign_out(request: HttpRequest) -> None:
    request.session.flush()


def current(request: HttpRequest) -> Signed | None:
    """The signed-in tenant and their rent account, or None (and the session ended if it has
    run out)."""
    data = request.session.get(KEY)
    if not data:
        return None
    now = _now()
    if (
        now - data.get("seen", 0) > settings.SELFSERVICE_IDLE_SECONDS
        or now - data.get("since", 0) > settings.SELFSERVICE_MAX_SECONDS
    ):
        request.session.flush()
        request.session["_rentbook_tenant_expired"] = True
        return None
    tenant = Tenant.objects.select_related("tenancy__property").filter(pk=data["tenant"]).first()
    if tenant is None:
        request.session.flush()
        return None
    account = Account.objects.filter(tenancy_id=tenant.tenancy_id, former=False).first()
    if account is None:
        request.session.flush()
        return None
    if now - data.get("seen", 0) > 30:
        data["seen"] = now
        request.session[KEY] = data
    return Signed(tenant, account)


def tenant_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view answers a signed-in tenant, given as ``request.tenant``; anyone else is sent
    to the tenants' sign-in (never the staff one)."""

    @login_not_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        signed = current(request)
        if signed is None:
            return redirect("selfservice:sign-in")
        request.tenant = signed  # type: ignore[attr-defined]
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    return wrapped
