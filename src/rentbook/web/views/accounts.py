"""Find an account, and the account page."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from rentbook.benefits.facts import expected_for
from rentbook.ledger.balances import account_position
from rentbook.ledger.models import Account
from rentbook.ledger.statements import weekly_balances
from rentbook.web import permissions, search
from rentbook.web.forms import SearchForm
from rentbook.web.views.arrangements import account_arrangement
from rentbook.web.views.cases import case_context

PAGE_SIZE = 25

#: The chart's selectable ranges, in years; "all" is from the tenancy's start.
CHART_RANGES = {"1": "1 year", "2": "2 years", "5": "5 years", "all": "Whole tenancy"}
DEFAULT_CHART_RANGE = "2"


def find_account(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = None
    rows = []
    if query:
        exact = search.exact_reference(query)
        if exact is not None:
            return redirect("web:account", reference=exact.reference)
        references = search.matching_references(query)
        page = Paginator(references, PAGE_SIZE).get_page(request.GET.get("page"))
        accounts = search.accounts_for(list(page.object_list))
        as_of = timezone.localdate()
        balances = search.balances([a.id for a in accounts], as_of)
        names = search.tenant_names([a.tenancy_id for a in accounts])
        rows = [
            {
                "account": a,
                "tenants": names[a.tenancy_id],
                "property": a.tenancy.property,
                "patch": a.tenancy.property.patch,
                "balance": balances[a.id],
            }
            for a in accounts
        ]
    return render(
        request,
        "web/find_account.html",
        {"form": form, "query": query, "page": page, "rows": rows},
    )


def chart_start(as_of: date, tenancy_start: date, choice: str) -> date:
    if choice == "all":
        return tenancy_start
    years = int(choice)
    return max(tenancy_start, as_of - timedelta(weeks=52 * years))


def account_page(request: HttpRequest, reference: str) -> HttpResponse:
    account = get_object_or_404(
        Account.objects.select_related("tenancy__property__patch__area"), reference=reference
    )
    as_of = timezone.localdate()
    tenancy = account.tenancy
    position = account_position(account, as_of, expected_for(account.pk, as_of))
    chart_range = request.GET.get("range", DEFAULT_CHART_RANGE)
    if chart_range not in CHART_RANGES:
        chart_range = DEFAULT_CHART_RANGE
    chart_end = min(as_of, tenancy.end_date) if tenancy.end_date else as_of
    chart = weekly_balances(
        account, start=chart_start(chart_end, tenancy.start_date, chart_range), end=chart_end
    )
    return render(
        request,
        "web/account.html",
        {
            "account": account,
            "tenancy": tenancy,
            "property": tenancy.property,
            "patch": tenancy.property.patch,
            "officers": list(tenancy.property.patch.officers.all()),
            "tenants": list(tenancy.tenants.all()),
            "contacts": list(tenancy.contacts.all()),
            "position": position,
            "as_of": as_of,
            "former": tenancy.end_date is not None and tenancy.end_date < as_of,
            "chart": [{"week": d.isoformat(), "pence": p} for d, p in chart],
            "chart_rows": chart,
            "chart_range": chart_range,
            "chart_ranges": CHART_RANGES,
            "can_export": permissions.can_export(request.user),
            **case_context(account, as_of),
            **account_arrangement(account, as_of),
        },
    )
