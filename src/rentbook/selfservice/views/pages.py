"""A tenant's own pages: their balance and arrears in words, upcoming charges, the rent
statement (on screen, CSV and PDF, the same rows the officers' statement has) and the letters
and messages sent to them. Each reads only the signed-in tenant's own account: nothing in an
address names an account, and a letter's number is looked up within that account."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rentbook.selfservice import overview, pay
from rentbook.selfservice.direct_debit import active_mandate
from rentbook.selfservice.session import tenant_required
from rentbook.web.views.statements import chosen_statement, csv_response, pdf_response


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
    return (account, *chosen_statement(request, account))


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
    return csv_response(statement, _filename(statement, "csv"))


@tenant_required
def statement_pdf(request: HttpRequest) -> HttpResponse:
    account, _, _, errors, statement = _statement(request)
    if statement is None:
        return HttpResponse("; ".join(f.error for f in errors), status=400)
    return pdf_response(request, account, statement, _filename(statement, "pdf"))


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
