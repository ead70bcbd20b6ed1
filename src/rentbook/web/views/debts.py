"""Corporate debt: the council's revenues collection by fund, its customers and their debts,
and the queue of possible matches with tenants. Thin views over rentbook.debts."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from rentbook.debts import funds, work
from rentbook.debts.funds import FundRow, year_label
from rentbook.debts.matching import MatchError, decide
from rentbook.debts.models import Customer, CustomerMatch, DebtRecommendation, Stream
from rentbook.debts.services import contact_history, customer_debts
from rentbook.ledger.balances import account_position
from rentbook.money import MoneyError, format_pounds, parse_pounds
from rentbook.spreadsheet import csv_writer, workbook
from rentbook.web import permissions

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["Fund", "Cash Collected", "Sum Billed", "% Collected", "Written Off", "% W/off"]


def _year(request: HttpRequest) -> int:
    today = timezone.localdate()
    default = today.year if today.month >= 4 else today.year - 1
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        year = default
    return year if 1990 <= year <= default + 1 else default


def _cells(r: FundRow) -> list[str]:
    def pct(v: object) -> str:
        return "" if v is None else str(v)

    return [r.label, format_pounds(r.cash_collected), format_pounds(r.billed),
            pct(r.pct_collected), format_pounds(r.written_off), pct(r.pct_written_off)]  # fmt: skip


def _stored(year: int) -> tuple[list[FundRow], FundRow, funds.Stored | None]:
    stored = funds.stored_summary(year)
    if stored is None:
        return [], FundRow("total", "Total", 0, 0, 0), None
    return stored.rows, stored.total, stored


def revenues(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows, total, stored = _stored(year)
    return render(
        request,
        "web/debts/revenues.html",
        {"year": year, "label": year_label(year), "rows": rows, "total": total,
         "stored": stored, "pending": funds.pending(), "costs": funds.costs(year),
         "funds": funds.FUNDS, "may_enter_costs": _may_enter_costs(request.user),
         "years": list(range(year - 4, year + 2))},
    )  # fmt: skip


def _may_enter_costs(user: object) -> bool:
    from rentbook.web.views.performance import can_set_targets

    return can_set_targets(user)


def revenues_cost(request: HttpRequest) -> HttpResponse:
    """A manager enters what collecting a fund cost in the year and the dwellings it was
    collected from (blank: the count rentbook has)."""
    year = _year(request)
    back = f"{reverse('web:revenues')}?year={year}"
    if request.method != "POST":
        return redirect(back)
    if not _may_enter_costs(request.user):
        raise PermissionDenied
    fund = request.POST.get("fund", "")
    text = request.POST.get("cost", "").strip()
    try:
        cost = parse_pounds(text)
    except MoneyError:
        messages.error(
            request,
            "Cost of collection must be an amount, like 120.50"
            if text
            else "Enter the cost of collection",
        )
        return redirect(back)
    text = request.POST.get("dwellings", "").strip().replace(",", "")
    dwellings = int(text) if text.isdigit() else funds.dwellings_for(year, fund)
    if text and not text.isdigit():
        messages.error(request, "Dwellings must be a whole number, like 41250")
        return redirect(back)
    try:
        funds.enter_cost(year, fund, cost, dwellings or 0, by=request.user)
    except funds.CostError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "Cost of collection saved")
    return redirect(back)


def revenues_work_out(request: HttpRequest) -> HttpResponse:
    """Queue the figures to be worked out again (after a transactions import, say)."""
    if request.method != "POST":
        return redirect("web:revenues")
    if not permissions.can_change(request.user):
        raise PermissionDenied
    funds.request()
    messages.success(request, "The figures are being worked out again: reload in a minute")
    return redirect(f"{reverse('web:revenues')}?year={_year(request)}")


@permissions.allowed(permissions.can_export)
def revenues_pdf(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows, total, stored = _stored(year)
    html = render_to_string(
        "web/debts/revenues_pdf.html",
        {"year": year, "label": year_label(year), "rows": rows, "total": total,
         "stored": stored, "printed_on": timezone.localdate()},
        request=request,
    )  # fmt: skip
    from rentbook.web import pdf

    try:
        body = pdf.html_to_pdf(html)
    except pdf.PdfTimeout:
        return HttpResponse("The PDF took too long to make. Try again.", status=503)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="revenues-{year}.pdf"'
    return response


@permissions.allowed(permissions.can_export)
def revenues_csv(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows, total, _ = _stored(year)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="revenues-{year}.csv"'
    w = csv_writer(response)
    w.writerow([f"Council Revenues Collection {year_label(year)}"])
    w.writerow(HEADER)
    w.writerows(_cells(r) for r in [*rows, total])
    return response


@permissions.allowed(permissions.can_export)
def revenues_xlsx(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows, total, _ = _stored(year)
    out = io.BytesIO()
    book = workbook(out)
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "£#,##0.00"})
    sheet = book.add_worksheet("Collection by fund")
    sheet.write_row(0, 0, [f"Council Revenues Collection {year_label(year)}"], bold)
    sheet.write_row(2, 0, HEADER, bold)
    for i, r in enumerate([*rows, total], start=3):
        sheet.write_string(i, 0, r.label)
        for col, pence in ((1, r.cash_collected), (2, r.billed), (4, r.written_off)):
            sheet.write_number(i, col, pence / 100, money)
        for col, v in ((3, r.pct_collected), (5, r.pct_written_off)):
            if v is not None:
                sheet.write_number(i, col, float(v))
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 5, 18)
    book.close()
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="revenues-{year}.xlsx"'
    return response


def customers(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    found = Customer.objects.all()
    if q:
        found = found.filter(Q(name__icontains=q) | Q(import_ref__iexact=q))
    page = Paginator(found.order_by("name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    pending = CustomerMatch.objects.filter(status=CustomerMatch.Status.PENDING).count()
    return render(request, "web/debts/customers.html", {"page": page, "q": q, "pending": pending})


def customer(request: HttpRequest, customer_ref: str) -> HttpResponse:
    c = get_object_or_404(
        Customer.objects.select_related("account__tenancy"), import_ref=customer_ref
    )
    debts = customer_debts(c)
    # every role sees the rent owed (the overpayment rule reads it); only the rent
    # service's roles see the rent diary and open the account
    rent_visible = permissions.sees_rent(request.user)
    rent = account_position(c.account, timezone.localdate()) if c.account else None
    owed = sum(d.balance for d in debts) + (rent.balance if rent else 0)
    return render(
        request,
        "web/debts/customer.html",
        {
            "customer": c,
            "debts": debts,
            "rent": rent,
            "owed": owed,
            "arrangements": list(c.arrangements.order_by("-start", "-id")[:10]),
            "contacts": contact_history(c, with_rent=rent_visible),
        },
    )


def matches(request: HttpRequest) -> HttpResponse:
    waiting = CustomerMatch.objects.filter(status=CustomerMatch.Status.PENDING).select_related(
        "customer", "account__tenancy"
    )
    page = Paginator(waiting.order_by("id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/debts/matches.html", {"page": page})


def match_decision(request: HttpRequest, match_id: int) -> HttpResponse:
    m = get_object_or_404(CustomerMatch, pk=match_id)
    if request.method != "POST":
        return redirect("web:customer-matches")
    if not permissions.can_change(request.user):
        raise PermissionDenied
    answer = request.POST.get("same", "")
    if answer not in ("yes", "no"):
        messages.error(request, "Say whether they are the same person")
        return redirect("web:customer-matches")
    try:
        decide(m, answer == "yes", by=request.user)
    except MatchError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request,
            "Linked to the tenancy" if answer == "yes" else "Marked as not the same person",
        )
    return redirect("web:customer-matches")


def debt_work(request: HttpRequest) -> HttpResponse:
    """The latest debt run's recommendations, a step's worth of work each, by stream and
    action, highest priority first."""
    run = work.latest_run()
    stream = request.GET.get("stream", "")
    action = request.GET.get("action", "")[:60]
    recs = DebtRecommendation.objects.none()
    names: dict[str, dict[str, str]] = {}
    if run is not None:
        names = work.labels(run)
        recs = DebtRecommendation.objects.filter(run=run).exclude(action="no_action")
        if stream in names:
            recs = recs.filter(debt__stream=stream)
        if action:
            recs = recs.filter(action=action)
    page = Paginator(
        recs.select_related("debt__customer").order_by("-priority", "id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    rows = [(r, names.get(r.debt.stream, {}).get(r.action, r.action)) for r in page]
    actions = sorted({a for by in names.values() for a in by} - {"no_action"})
    return render(
        request,
        "web/debts/work.html",
        {"run": run, "page": page, "rows": rows, "stream": stream, "action": action,
         "streams": Stream.choices, "actions": actions},
    )  # fmt: skip


def record_debt_step(request: HttpRequest, rec_id: int) -> HttpResponse:
    rec = get_object_or_404(DebtRecommendation.objects.select_related("debt__customer", "run"),
                            pk=rec_id)  # fmt: skip
    if request.method != "POST":
        return redirect("web:debt-work")
    if not permissions.can_change(request.user):
        raise PermissionDenied
    try:
        a = work.record_step(rec, at=timezone.now(), by=request.user)
    except work.StepError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, f"{a.code} recorded on {rec.debt.import_ref}")
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/debt-work/") else reverse("web:debt-work"))
