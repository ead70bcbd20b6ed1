"""Universal Credit: the evidence pack for a managed payment or third-party deduction request
(form UC47 or the landlord portal), recording the request and its outcome. Thin views over
rentbook.benefits.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from rentbook.banking.files import FileRefused, originator
from rentbook.benefits import services
from rentbook.benefits.facts import expected_for
from rentbook.benefits.models import UcRequest
from rentbook.ledger.models import Account
from rentbook.money import MoneyError, parse_pounds
from rentbook.web import permissions
from rentbook.web.views.cases import FormErrors


def _changer(request: HttpRequest) -> None:
    if not permissions.can_change(request.user):
        raise PermissionDenied


def uc_request(request: HttpRequest, reference: str) -> HttpResponse:
    account = get_object_or_404(
        Account.objects.select_related("tenancy"), reference=reference, former=False
    )
    today = timezone.localdate()
    pack = services.evidence(account, today, expected_for(account.pk, today))
    errors = FormErrors()
    values = {"kind": "", "deduction": ""}
    if request.method == "POST":
        _changer(request)
        values = {k: request.POST.get(k, "").strip() for k in values}
        deduction = 0
        if values["kind"] == UcRequest.Kind.DEDUCTION:
            try:
                deduction = parse_pounds(values["deduction"] or "0")
            except MoneyError:
                errors.add("deduction", "The deduction must be an amount of money, like 60.00")
        if not errors:
            try:
                services.request(
                    account, values["kind"], pack, today, by=request.user, deduction=deduction
                )
            except services.RequestError as e:
                for key, message in e.errors.items():
                    errors.add(key, message)
            else:
                messages.success(request, "The request is recorded: record the DWP's answer")
                return redirect("web:uc-request", reference=account.reference)
    try:
        bank = originator()
    except FileRefused:
        bank = None
    return render(
        request,
        "web/benefits/uc_request.html",
        {
            "account": account,
            "pack": pack,
            "bank": bank,
            "values": values,
            "errors": errors.summary(),
            "error": errors.by_id,
            "kinds": UcRequest.Kind.choices,
            "requests": account.uc_requests.all()[:20],
            "outcomes": [
                (s, label)
                for s, label in UcRequest.Status.choices
                if s != UcRequest.Status.REQUESTED
            ],
        },
        status=400 if errors else 200,
    )


def uc_request_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_object_or_404(UcRequest.objects.select_related("account"), pk=pk)
    if request.method != "POST":
        return redirect("web:uc-request", reference=r.account.reference)
    _changer(request)
    try:
        services.outcome(
            r,
            request.POST.get("status", ""),
            timezone.localdate(),
            by=request.user,
            dwp_reference=request.POST.get("dwp_reference", "").strip(),
        )
    except services.RequestError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, f"The DWP's answer is recorded: {r.get_status_display()}")
    return redirect("web:uc-request", reference=r.account.reference)
