"""The rent statement: on screen, as CSV and as PDF, for the same period and the same rows."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone

from rentbook.ledger.models import Account
from rentbook.ledger.statements import Statement, account_statement
from rentbook.money import format_plain
from rentbook.spreadsheet import csv_writer
from rentbook.web import permissions
from rentbook.web.forms import DateField

#: With no dates chosen, a statement covers the last year up to today.
DEFAULT_PERIOD = timedelta(days=364)


def statement_period(
    request: HttpRequest, as_of: date
) -> tuple[DateField, DateField, list[DateField]]:
    """The chosen from/to dates (defaults when not given) and any fields in error."""
    data = request.GET
    start = DateField.read(data, "from", "Date from")
    end = DateField.read(data, "to", "Date to")
    if start.empty and end.empty:
        start = DateField.of("from", "Date from", as_of - DEFAULT_PERIOD)
        end = DateField.of("to", "Date to", as_of)
    errors = [f for f in (start, end) if f.error]
    if not errors and start.value and end.value and start.value > end.value:
        end.error = "Date to must be the same as or after date from"
        end.error_parts = {"day", "month", "year"}
        errors.append(end)
    return start, end, errors


def _statement(request: HttpRequest, reference: str):  # type: ignore[no-untyped-def]
    account = get_object_or_404(
        Account.objects.select_related("tenancy__property"), reference=reference
    )
    return (account, *chosen_statement(request, account))


def chosen_statement(request: HttpRequest, account: Account):  # type: ignore[no-untyped-def]
    """The period the request chose (or the default), any fields in error, and the account's
    statement for it (None while a field is in error)."""
    as_of = timezone.localdate()
    start, end, errors = statement_period(request, as_of)
    statement = None
    if not errors:
        statement = account_statement(account, start=start.value, end=end.value or as_of)
    return start, end, errors, statement


def statement_page(request: HttpRequest, reference: str) -> HttpResponse:
    account, start, end, errors, statement = _statement(request, reference)
    query = request.GET.urlencode()
    return render(
        request,
        "web/statement.html",
        {
            "account": account,
            "tenancy": account.tenancy,
            "tenants": list(account.tenancy.tenants.all()),
            "property": account.tenancy.property,
            "start": start,
            "end": end,
            "errors": errors,
            "statement": statement,
            "query": f"?{query}" if query else "",
        },
        status=400 if errors else 200,
    )


def _filename(statement: Statement, extension: str) -> str:
    span = "-".join(d.isoformat() for d in (statement.start, statement.end) if d is not None)
    return f"statement-{statement.reference}{'-' + span if span else ''}.{extension}"


@permissions.allowed(permissions.can_export)
def statement_csv(request: HttpRequest, reference: str) -> HttpResponse:
    _, _, _, errors, statement = _statement(request, reference)
    if statement is None:
        return HttpResponse("; ".join(f.error for f in errors), status=400)
    return csv_response(statement, _filename(statement, "csv"))


def csv_response(statement: Statement, filename: str) -> HttpResponse:
    """The statement as a CSV download (the staff's and the tenant's)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_csv(response, statement)
    return response


def write_csv(out, statement: Statement) -> None:  # type: ignore[no-untyped-def]
    """The statement's rows as on screen, with plain numbers (pounds, no £ or commas)."""
    w = csv_writer(out)
    w.writerow(["date", "description", "debit", "credit", "balance"])
    opening_date = statement.start.isoformat() if statement.start else ""
    w.writerow([opening_date, "Opening balance", "", "", format_plain(statement.opening_balance)])
    for line in statement.lines:
        w.writerow(
            [
                line.posted_on.isoformat(),
                line.description,
                format_plain(line.debit) if line.debit else "",
                format_plain(line.credit) if line.credit else "",
                format_plain(line.balance),
            ]
        )
    w.writerow(
        [
            statement.end.isoformat() if statement.end else "",
            "Totals and closing balance",
            format_plain(statement.total_debits),
            format_plain(statement.total_credits),
            format_plain(statement.closing_balance),
        ]
    )


@permissions.allowed(permissions.can_export)
def statement_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    account, _, _, errors, statement = _statement(request, reference)
    if statement is None:
        return HttpResponse("; ".join(f.error for f in errors), status=400)
    return pdf_response(request, account, statement, _filename(statement, "pdf"))


def pdf_response(
    request: HttpRequest, account: Account, statement: Statement, filename: str
) -> HttpResponse:
    """The statement as a PDF download (the staff's and the tenant's)."""
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
    # WeasyPrint takes a second to import: load it only when a PDF is asked for, not on every
    # start of the rentbook command (URL checks import every view).
    from rentbook.web import pdf

    try:
        body = pdf.html_to_pdf(html)
    except pdf.PdfTimeout:
        return HttpResponse(
            "The PDF took too long to make. Choose a shorter period and try again.", status=503
        )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
