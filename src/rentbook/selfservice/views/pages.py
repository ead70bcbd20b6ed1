"""A tenant's own pages: their balance and arrears in words, upcoming charges, the rent
statement (on screen, CSV and PDF, the same rows the officers' statement has) and the letters
and messages sent to them. Each reads only the signed-in tenant's own account: nothing in an
address names an account, and a letter's number is looked up within that account."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from rentbook.ledger.statements import account_statement
from rentbook.selfservice import overview, pay
from rentbook.selfservice.direct_debit import active_mandate
from rentbook.selfservice.session import tenant_required
from rentbook.web.views.statements import statement_period, write_csv


@tenant_required
def home(request: HttpRequest) -> HttpResponse:
    signed = request.tenant  # type: ignore[attr-defined]
    today = timezone.localdate()
    o = overview.overview(signed.account, today)
    return render(
        request,
        "selfservice/home.html",
        {
            "tenant": signed.tenant,
            "account": signed.account,
            "o": o,
            "mandate": active_mandate(signed.account),
            "pay_on": pay.enabled(),
            "today": today,
        },
    )


def _statement(request: HttpRequest):  # type: ignore[no-untyped-def]
    account = request.tenant.account  # type: ignore[attr-defined]
    as_of = timezone.localdate()
    start, end, errors = statement_period(request, as_of)
    statement = None
    if not errors:
        statement = account_statement(account, start=start.value, end=end.value or as_of)
    return account, start, end, errors, statement


@tenant_required
def statement_page(request: HttpRequest) -> HttpResponse:
    account, start, end, errors, statement = _statement(request)
    query = request.GET.urlencode()
    return render(
        request,
        "selfservice/statement.html",
        {
            "account": account,
            "start": start,
            "end": end,
            "errors": errors,
            "statement": statement,
            "query": f"?{query}" if query else "",
        },
        status=400 if errors else 200,
    )


def _filename(statement, extension: str) -> str:  # type: ignore[no-untyped-def]
    return f"rent-statement-{statement.reference}.{extension}"


@tenant_required
def statement_csv(request: HttpRequest) -> HttpResponse:
    _, _, _, errors, statement = _statement(request)
    if statement is None:
        return HttpResponse("; ".join(f.error for f in errors), status=400)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(statement, "csv")}"'
    write_csv(response, statement)
    return response


@tenant_required
def statement_pdf(request: HttpRequest) -> HttpResponse:
    account, _, _, errors, statement = _statement(request)
    if statement is None:
        return HttpResponse("; ".join(f.error for f in errors), status=400)
    html = render_to_string(
        "web/statement_pdf.html",
        {
            "account": account,
            "tenants": list(account.tenancy.tenants.all()),
            "property": account.tenancy.property,
            "statement": statement,
            "printed_on": timezone.localdate(),
        },
        request=request,
    )
    from rentbook.web import pdf

    try:
        body = pdf.html_to_pdf(html)
    except pdf.PdfTimeout:
        return HttpResponse("The PDF took too long to make. Choose a shorter period.", status=503)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(statement, "pdf")}"'
    return response


@tenant_required
def letters(request: HttpRequest) -> HttpResponse:
    account = request.tenant.account  # type: ignore[attr-defined]
    return render(request, "selfservice/letters.html", {"messages_sent": overview.letters(account)})


@tenant_required
def letter(request: HttpRequest, message_id: int) -> HttpResponse:
    account = request.tenant.account  # type: ignore[attr-defined]
    m = overview.sent_to(account).filter(pk=message_id).first()
    if m is None:
        raise Http404("No such letter on your account")
    return render(request, "selfservice/letter.html", {"m": m})
