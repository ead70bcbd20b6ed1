"""Payment plans tenants proposed online (selfservice/), for an officer to accept or decline
with a reply: the list (the worktray links to it) and each proposal with the tenant's budget,
their terms and what the affordability rules found."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from rentbook.arrangements import proposals, services, statements
from rentbook.arrangements.models import TenantProposal
from rentbook.comms.services import tell_tenant
from rentbook.web import permissions
from rentbook.web.views.arrangements import SECTION_TITLES

PAGE_SIZE = 50


def mine(qs, user):  # type: ignore[no-untyped-def]
    return qs.filter(account__tenancy__property__patch__officers=user)


def waiting_count(user) -> int:  # type: ignore[no-untyped-def]
    """Proposals waiting on the officer's patches (everyone's for those with no patches)."""
    qs = proposals.waiting()
    if getattr(user, "patches", None) is not None and user.patches.exists():
        qs = mine(qs, user)
    return qs.count()


@require_safe
def proposal_list(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view", "mine")
    status = request.GET.get("status", TenantProposal.Status.PENDING)
    if status not in TenantProposal.Status.values:
        status = TenantProposal.Status.PENDING
    qs = TenantProposal.objects.filter(status=status).select_related(
        "account", "tenant", "account__tenancy__property__patch"
    )
    if view == "mine":
        qs = mine(qs, request.user)
    page = Paginator(qs.order_by("submitted_at", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/arrangements/tenant_proposals.html",
        {"page": page, "view": view, "status": status, "statuses": TenantProposal.Status.choices},
    )


def proposal_page(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(
        TenantProposal.objects.select_related("account", "tenant", "statement"), pk=pk
    )
    error = ""
    if request.method == "POST":
        if not permissions.can_change(request.user):
            return render(request, "web/errors/403.html", status=403)
        action = request.POST.get("action", "")
        reply = request.POST.get("reply", "")
        now = timezone.now()
        try:
            if action == "accept":
                proposals.accept(p, by=request.user, now=now, reply=reply)
                verb = "accepted"
            elif action == "decline":
                proposals.decline(p, by=request.user, now=now, reply=reply)
                verb = "declined"
            else:
                raise proposals.ProposalError("Choose to accept or to decline the proposal")
        except proposals.ProposalError as e:
            error = str(e)
        else:
            p.refresh_from_db()
            sent = tell_tenant(
                p.tenant,
                "Your payment plan proposal",
                f"{p.reply}\n\nSign in to your rent account to see it.",
            )
            messages.success(
                request,
                f"Proposal {verb}; the reply was sent to the tenant ({sent})."
                if sent != "none"
                else f"Proposal {verb}. The tenant has no email or mobile: they see the reply"
                " when they sign in.",
            )
            return redirect("web:tenant-proposal", pk=p.pk)
    summary = services.summary(p.statement)
    amounts = services.statement_amounts(p.statement)
    sections = [
        (
            SECTION_TITLES[section],
            [(label, amounts[item]) for s, item, label in statements.ITEMS
             if s == section and amounts.get(item)],
        )
        for section in SECTION_TITLES
    ]  # fmt: skip
    return render(
        request,
        "web/arrangements/tenant_proposal.html",
        {
            "p": p, "terms": proposals.terms_words(p), "summary": summary,
            "clears_on": proposals.clears_on(p),
            "sections": sections, "error": error,
            "can_decide": permissions.can_change(request.user)
            and p.status == TenantProposal.Status.PENDING,
        },
        status=400 if error else 200,
    )  # fmt: skip
