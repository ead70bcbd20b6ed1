"""The legal pages: record a notice (refused while a pre-action step is missing) and the
post-court review. Thin: the rules live in rentbook.legal.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from rentbook.ledger.models import Account
from rentbook.legal import rules, services
from rentbook.money import MoneyError, parse_pounds
from rentbook.web import permissions
from rentbook.web.forms import DateField
from rentbook.web.views.cases import FormErrors


def _account(reference: str) -> Account:
    return get_object_or_404(Account.objects.select_related("tenancy"), reference=reference)


def record_notice(request: HttpRequest, reference: str) -> HttpResponse:
    if not permissions.can_change(request.user):
        raise PermissionDenied
    account = _account(reference)
    today = timezone.localdate()
    j = services.jurisdiction(account)
    types = [(t, rules.NOTICE_TYPES[t]) for t in rules.JURISDICTION_NOTICES[j]]
    errors = FormErrors()
    values = {"type": types[0][0] if len(types) == 1 else "", "grounds": ""}
    served = DateField.of("served", "Date served", today)
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in ("type", "grounds")}
        served = DateField.read(request.POST, "served", "Date served")  # type: ignore[arg-type]
        if served.error:
            errors.add("served-day", served.error)
        elif served.value is None:
            served.error = "Enter the date the notice was served"
            errors.add("served-day", served.error)
        if not errors:
            try:
                n = services.record_notice(
                    account,
                    values["type"],
                    served.value,
                    by=request.user,
                    today=today,
                    grounds=values["grounds"],
                )
            except services.LegalError as e:
                ids = {"served_on": "served-day", "steps": "steps"}
                for key, message in e.errors.items():
                    errors.add(ids.get(key, key), message)
                    if key == "served_on":
                        served.error = message
            else:
                messages.success(
                    request,
                    f"{n.get_type_display()} recorded: court from {n.earliest_court_on:%-d %B %Y},"
                    f" expires {n.expires_on:%-d %B %Y}",
                )
                return redirect("web:account", reference=account.reference)
    on = served.value or today
    return render(
        request,
        "web/legal/record_notice.html",
        {
            "account": account,
            "types": types,
            "values": values,
            "served": served,
            "jurisdiction": j,
            "checklist": services.pre_action_checklist(account, on),
            "errors": errors.summary(),
            "error": errors.by_id,
        },
        status=400 if errors else 200,
    )


def post_court_review(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    errors = FormErrors()
    threshold_text = request.GET.get("above", "1000.00").strip()
    try:
        threshold = parse_pounds(threshold_text)
    except MoneyError:
        errors.add("above", "Balance above must be an amount, like 1000.00")
        threshold = services.DEFAULT_REVIEW_THRESHOLD
    if request.method == "POST":
        if not permissions.can_change(request.user):
            raise PermissionDenied
        account = _account(request.POST.get("account", ""))
        try:
            services.record_review_plan(
                account, request.POST.get("plan", ""), today, by=request.user
            )
        except services.LegalError as e:
            errors.add(f"plan-{account.reference}", e.errors["plan"])
        else:
            messages.success(request, f"Plan recorded for {account.reference}")
            return redirect(f"{request.path}?above={threshold_text}")
    rows = services.post_court_review(today, threshold)
    return render(
        request,
        "web/legal/post_court_review.html",
        {"rows": rows, "above": threshold_text, "errors": errors.summary(), "error": errors.by_id},
        status=400 if errors else 200,
    )
