"""Suspense: payments that arrived with a reference no account matched, waiting for a person
to allocate them (audited, reversible). Thin views over rentbook.banking.channels."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from rentbook.banking.channels import AllocationError, allocate, unallocate
from rentbook.banking.models import ChannelPayment
from rentbook.banking.references import normalise
from rentbook.ledger.models import Account
from rentbook.web import permissions
from rentbook.web.views.cases import FormErrors

PAGE_SIZE = 50


def suspense(request: HttpRequest) -> HttpResponse:
    held = ChannelPayment.objects.filter(status=ChannelPayment.Status.SUSPENSE)
    channel = request.GET.get("channel", "")
    if channel in ChannelPayment.Channel.values:
        held = held.filter(channel=channel)
    totals = held.aggregate(n=Count("id"), total=Sum("amount"))
    page = Paginator(held.order_by("paid_on", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    recent = (
        ChannelPayment.objects.filter(status=ChannelPayment.Status.ALLOCATED)
        .select_related("account")
        .order_by("-allocated_at")[:20]
    )
    return render(
        request,
        "web/banking/suspense.html",
        {
            "page": page,
            "count": totals["n"] or 0,
            "total": totals["total"] or 0,
            "channels": ChannelPayment.Channel.choices,
            "channel": channel,
            "recent": recent,
        },
    )


def suspense_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ChannelPayment.objects.select_related("account"), pk=pk)
    errors = FormErrors()
    reference = ""
    if request.method == "POST":
        if not permissions.can_change(request.user):
            raise PermissionDenied
        try:
            if request.POST.get("action") == "undo":
                unallocate(item, user=request.user, on=timezone.localdate())
                messages.success(request, "The allocation was undone: the payment is in suspense")
                return redirect("web:suspense-item", pk=item.pk)
            reference = request.POST.get("reference", "").strip()
            account = Account.objects.filter(
                reference__iexact=normalise(reference), former=False
            ).first()
            if not reference:
                errors.add("reference", "Enter the account reference to allocate it to")
            elif account is None:
                errors.add("reference", f"No account has the reference {reference}")
            else:
                allocate(item, account, user=request.user)
                messages.success(request, f"Allocated to {account.reference}")
                return redirect("web:suspense-item", pk=item.pk)
        except AllocationError as e:
            errors.add("reference", str(e))
    return render(
        request,
        "web/banking/suspense_item.html",
        {"item": item, "errors": errors.summary(), "error": errors.by_id, "reference": reference},
        status=400 if errors else 200,
    )
