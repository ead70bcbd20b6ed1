"""Telling us of a change, and updating contact details (confirmed by a code to the new one)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from rentbook.comms.services import uk_mobile
from rentbook.selfservice import changes, codes
from rentbook.selfservice.codes import Route, mask_email, mask_mobile
from rentbook.selfservice.models import SignInCode
from rentbook.selfservice.session import tenant_required
from rentbook.web.forms import DateField
from rentbook.web.views.cases import FormErrors


@tenant_required
def tell_us(request: HttpRequest) -> HttpResponse:
    signed = request.tenant  # type: ignore[attr-defined]
    errors = FormErrors()
    values = {"kind": "", "detail": "", "benefit": ""}
    today = timezone.localdate()
    claimed = DateField.of("claimed", "Date you made the claim", None)
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        if values["kind"] not in changes.KINDS:
            errors.add("kind", "Select what has changed")
        if len(values["detail"]) > changes.DETAIL_MAX:
            errors.add("detail", f"Tell us in {changes.DETAIL_MAX} characters or fewer")
        if values["kind"] == "other" and not values["detail"]:
            errors.add("detail", "Tell us what has changed")
        if values["kind"] == "benefit_claim":
            if values["benefit"] not in changes.BENEFITS:
                errors.add("benefit", "Select the benefit you claimed")
            claimed = DateField.read(request.POST, "claimed", "Date you made the claim")
            problem = claimed.error or (
                "Enter the date you made the claim" if claimed.value is None else
                "Date you made the claim must be today or in the past"
                if claimed.value > today else ""
            )  # fmt: skip
            if problem:
                claimed.error = problem
                claimed.error_parts = claimed.error_parts or {"day", "month", "year"}
                errors.add("claimed-day", problem)
        if not errors:
            changes.tell_us(
                signed.account,
                signed.tenant,
                changes.Change(values["kind"], values["detail"], values["benefit"], claimed.value),
                timezone.now(),
            )
            return render(request, "selfservice/told_us.html", {"kind": values["kind"]})
    return render(
        request,
        "selfservice/tell_us.html",
        {
            "errors": errors.summary(), "error": errors.by_id, "values": values,
            "kinds": list(changes.KINDS.items()), "benefits": list(changes.BENEFITS.items()),
            "claimed": claimed, "detail_max": changes.DETAIL_MAX,
        },
        status=400 if errors else 200,
    )  # fmt: skip


CONTACT_KEY = "_rentbook_contact_code"


@tenant_required
def contact(request: HttpRequest) -> HttpResponse:
    signed = request.tenant  # type: ignore[attr-defined]
    tenant = signed.tenant
    errors = FormErrors()
    values = {"field": "", "email": "", "mobile": ""}
    status = 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip()[:254] for k in values}
        route = None
        if values["field"] == "email":
            try:
                validate_email(values["email"])
            except ValidationError:
                errors.add("email", "Enter an email address like name@example.com")
            else:
                route = Route(
                    SignInCode.Channel.EMAIL, values["email"], mask_email(values["email"])
                )
        elif values["field"] == "mobile":
            number = uk_mobile(values["mobile"])
            if number is None:
                errors.add("mobile", "Enter a UK mobile number, like 07700 900 982")
            else:
                route = Route(SignInCode.Channel.SMS, number, mask_mobile(number))
        else:
            errors.add("field", "Select what you want to change")
        if route is not None and not errors:
            try:
                row, code = codes.issue(
                    tenant, route, timezone.now(), purpose=values["field"], new_value=route.address
                )
            except codes.Throttled as t:
                errors.add(values["field"], str(t))
                status = 429
            else:
                request.session[CONTACT_KEY] = row.pk
                from django.conf import settings

                if settings.RENTBOOK_DEMO and settings.RENTBOOK_SEND_BACKEND == "outbox":
                    request.session["_rentbook_demo_code"] = code
                return redirect("selfservice:contact-confirm")
        if status == 200:
            status = 400
    return render(
        request,
        "selfservice/contact.html",
        {"errors": errors.summary(), "error": errors.by_id, "values": values, "tenant": tenant},
        status=status,
    )


@tenant_required
def contact_confirm(request: HttpRequest) -> HttpResponse:
    signed = request.tenant  # type: ignore[attr-defined]
    tenant = signed.tenant
    row = SignInCode.objects.filter(
        pk=request.session.get(CONTACT_KEY), tenant=tenant, purpose__in=("email", "mobile")
    ).first()
    if row is None:
        return redirect("selfservice:contact")
    errors = FormErrors()
    status = 200
    if request.method == "POST":
        try:
            used = codes.verify(row.pk, tenant.pk, request.POST.get("code", ""), timezone.now())
        except (codes.CodeError, codes.Throttled) as e:
            errors.add("code", str(e))
            status = 429 if isinstance(e, codes.Throttled) else 400
        else:
            changes.save_contact(tenant, used.purpose, used.new_value)
            request.session.pop(CONTACT_KEY, None)
            request.session.pop("_rentbook_demo_code", None)
            return render(request, "selfservice/contact_done.html", {"row": used})
    return render(
        request,
        "selfservice/enter_code.html",
        {
            "errors": errors.summary(), "error": errors.by_id, "sent_to": row.sent_to,
            "confirming": True, "demo_code": request.session.get("_rentbook_demo_code", ""),
        },
        status=status,
    )  # fmt: skip
