"""Tenants sign in with who they are (rent reference, names and postcode, as on the tenancy)
and a one-time code sent to their own email or mobile: each joint tenant as themselves."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from rentbook.audit.services import record
from rentbook.ledger.models import Account
from rentbook.portfolio.models import Tenancy, Tenant
from rentbook.selfservice import codes, session
from rentbook.web.views.cases import FormErrors


def _client(request: HttpRequest) -> str:
    # the address as the staff sign-in's throttle (django-axes) reads it, proxies and all
    from axes.helpers import get_client_ip_address

    return f"ip:{get_client_ip_address(request) or ''}"


def _norm(text: str) -> str:
    return "".join(c for c in (text or "").upper() if c.isalnum())


def find_tenant(reference: str, first_name: str, last_name: str, postcode: str) -> Tenant | None:
    """The one tenant whose rent account or tenancy reference, names and property postcode
    all match (case, spaces and punctuation aside); None for no match or more than one."""
    ref = (reference or "").strip()
    if not ref:
        return None
    # as typed, or in capitals or small letters: exact matches, so the references' indexes
    # serve them (a case-blind match reads every account)
    spellings = {ref, ref.upper(), ref.lower()}
    tenancies = set(
        Account.objects.filter(reference__in=spellings, former=False).values_list(
            "tenancy_id", flat=True
        )
    ) | set(Tenancy.objects.filter(reference__in=spellings).values_list("id", flat=True))
    candidates = Tenant.objects.select_related("tenancy__property").filter(tenancy_id__in=tenancies)
    found = [
        t
        for t in candidates
        if _norm(t.last_name) == _norm(last_name)
        and _norm(t.first_name) == _norm(first_name)
        and _norm(t.tenancy.property.postcode) == _norm(postcode)
    ]
    return found[0] if len(found) == 1 else None


FIELDS = (
    ("reference", "Rent account number"),
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("postcode", "Postcode"),
)


@login_not_required
def sign_in(request: HttpRequest) -> HttpResponse:
    if session.current(request) is not None:
        return redirect("selfservice:home")
    errors = FormErrors()
    values = {k: "" for k, _ in FIELDS}
    expired = request.session.pop("_rentbook_tenant_expired", False)
    status = 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip()[:100] for k, _ in FIELDS}
        for key, label in FIELDS:
            if not values[key]:
                errors.add(key, f"Enter your {label.lower()}")
        now = timezone.now()
        if not errors:
            try:
                codes.check(codes.LOOKUP, _client(request), now)
            except codes.Throttled as t:
                errors.add("reference", str(t))
                status = 429
        if not errors:
            tenant = find_tenant(
                values["reference"], values["first_name"], values["last_name"], values["postcode"]
            )
            if tenant is None:
                codes.note(codes.LOOKUP, _client(request), now)
                errors.add(
                    "reference",
                    "We could not find a tenant with those details. Check them against a letter"
                    " or rent statement from us: the names as on your tenancy.",
                )
            else:
                request.session[session.PENDING] = {"tenant": tenant.pk}
                return redirect("selfservice:send-code")
        if status == 200:
            status = 400
    return render(
        request,
        "selfservice/sign_in.html",
        {"errors": errors.summary(), "error": errors.by_id, "values": values, "expired": expired},
        status=status,
    )


def _pending(request: HttpRequest) -> Tenant | None:
    data = request.session.get(session.PENDING) or {}
    return Tenant.objects.filter(pk=data.get("tenant")).first() if data else None


@login_not_required
def send_code(request: HttpRequest) -> HttpResponse:
    tenant = _pending(request)
    if tenant is None:
        return redirect("selfservice:sign-in")
    routes = codes.routes(tenant)
    errors = FormErrors()
    status = 200
    if request.method == "POST" and routes:
        chosen = request.POST.get("route", "")
        route = next((r for r in routes if r.channel == chosen), None)
        if route is None:
            errors.add("route", "Select where to send your code")
            status = 400
        else:
            try:
                row, code = codes.issue(tenant, route, timezone.now())
            except codes.Throttled as t:
                errors.add("route", str(t))
                status = 429
            else:
                request.session[session.PENDING] = {"tenant": tenant.pk, "code": row.pk}
                if settings.RENTBOOK_DEMO and settings.RENTBOOK_SEND_BACKEND == "outbox":
                    # the demo sends nothing anywhere: show the code so it can be tried
                    request.session["_rentbook_demo_code"] = code
                return redirect("selfservice:enter-code")
    return render(
        request,
        "selfservice/send_code.html",
        {"routes": routes, "errors": errors.summary(), "error": errors.by_id},
        status=status,
    )


@login_not_required
def enter_code(request: HttpRequest) -> HttpResponse:
    data = request.session.get(session.PENDING) or {}
    tenant = _pending(request)
    if tenant is None or "code" not in data:
        return redirect("selfservice:sign-in")
    errors = FormErrors()
    status = 200
    if request.method == "POST":
        try:
            codes.verify(data["code"], tenant.pk, request.POST.get("code", ""), timezone.now())
        except (codes.CodeError, codes.Throttled) as e:
            errors.add("code", str(e))
            status = 429 if isinstance(e, codes.Throttled) else 400
        else:
            request.session.pop("_rentbook_demo_code", None)
            session.sign_in(request, tenant)
            record(
                "selfservice.sign_in",
                object_type="portfolio.Tenant",
                object_id=str(tenant.pk),
                summary="signed in to their rent account online",
                actor=codes.tenant_actor(tenant),
            )
            return redirect("selfservice:home")
    sent = tenant.sign_in_codes.filter(pk=data["code"]).first()
    return render(
        request,
        "selfservice/enter_code.html",
        {
            "errors": errors.summary(),
            "error": errors.by_id,
            "sent_to": sent.sent_to if sent else "",
            "demo_code": request.session.get("_rentbook_demo_code", ""),
        },
        status=status,
    )


@login_not_required
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    signed = session.current(request)
    if signed is not None:
        record(
            "selfservice.sign_out",
            object_type="portfolio.Tenant",
            object_id=str(signed.tenant.pk),
            summary="signed out",
            actor=codes.tenant_actor(signed.tenant),
        )
    session.sign_out(request)
    return render(request, "selfservice/signed_out.html")
