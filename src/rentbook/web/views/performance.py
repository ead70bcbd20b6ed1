"""The performance dashboard (landlord → area → patch → officer), the accounts behind a number,
CSV and Excel exports, the committee report (PDF), targets and custom indicators."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from rentbook.money import format_plain, format_pounds
from rentbook.performance import dashboard as dash
from rentbook.performance import indicators as ind
from rentbook.performance import stored
from rentbook.performance.indicators import Period, Scope, ScopeKind
from rentbook.performance.models import Better, CustomIndicator, Target
from rentbook.performance.targets import import_custom_values, set_custom_value, set_target
from rentbook.portfolio.models import Area, Patch, Role, User
from rentbook.spreadsheet import csv_writer, workbook
from rentbook.web import permissions
from rentbook.web.uploads import CSV, upload_problem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MANAGERS = frozenset({Role.INCOME_MANAGER, Role.TEAM_LEADER, Role.ADMINISTRATOR})
PAGE_SIZE = 50


def can_set_targets(user: Any) -> bool:
    return permissions.can_change(user) and (
        getattr(user, "role", None) in MANAGERS or permissions.is_administrator(user)
    )


def _choice(request: HttpRequest) -> tuple[Period, Scope, dict[str, str]]:
    g = request.GET
    try:
        scope = dash.scope_from(g.get("scope", ""), g.get("id"))
    except (ValueError, ObjectDoesNotExist):
        raise Http404("no such area, patch or officer") from None
    kind = "quarter" if g.get("period") == "quarter" else "year"
    period = dash.period_from(kind, g.get("year"), g.get("q"), timezone.localdate())
    query = {"period": kind}
    for k in ("year", "q"):
        if g.get(k):
            query[k] = g[k]
    if scope.id is not None:
        query.update(scope=scope.kind, id=str(scope.id))
    return period, scope, query


def _link(view: str, query: dict[str, str], **extra: str) -> str:
    from django.urls import reverse

    return f"{reverse(view)}?{urlencode({**query, **extra})}"


def _scope_query(base: dict[str, str], scope: Scope) -> dict[str, str]:
    q = {k: v for k, v in base.items() if k not in ("scope", "id")}
    if scope.id is not None:
        q.update(scope=scope.kind, id=str(scope.id))
    return q


def _not_ready(request: HttpRequest, period: Period, scope: Scope, query: dict[str, str]):  # type: ignore[no-untyped-def]
    """No figures are stored for the period yet: say so, show any set being worked out, and
    let a manager ask for them."""
    waiting = stored.pending(period)
    return render(
        request,
        "web/performance/not_ready.html",
        {
            "period": period,
            "scope": scope,
            "query": query,
            "waiting": waiting,
            "can_request": can_set_targets(request.user),
            "work_out_url": _link("web:performance-work-out", query),
            "years": _years(),
        },
    )


def _years() -> list[int]:
    return list(range(ind.rent_year_of(timezone.localdate()), 2000, -1))[:6]


def dashboard(request: HttpRequest) -> HttpResponse:
    period, scope, query = _choice(request)
    s = stored.latest(period)
    if s is None:
        return _not_ready(request, period, scope, query)
    # The year profile is the longest part of the page: drawn when asked for.
    with_profile = request.GET.get("profile") == "1"
    try:
        board = dash.from_set(s, scope, profile=with_profile)
    except LookupError:
        raise Http404("the figures were worked out before that scope existed") from None
    newer = stored.pending(period)
    if newer and newer.created_at <= (s.finished_at or s.created_at):
        newer = None  # a set that failed or waited before this one was done
    return render(
        request,
        "web/performance/dashboard.html",
        {
            "board": board,
            "set": s,
            "newer": newer
            if newer and newer.created_at > (s.finished_at or s.created_at)
            else None,
            "query": query,
            "years": _years(),
            "trail": [(x, _link("web:performance", _scope_query(query, x))) for x in board.trail],
            "children": [
                (c, _link("web:performance", _scope_query(query, c.scope))) for c in board.children
            ],
            "child_heads": [ind.BY_CODE[c].name for c in dash.CHILD_CODES],
            "drill": {
                r.code: _link("web:performance-accounts", query, indicator=r.code)
                for r in board.rows
                if r.drillable
            },
            "csv": _link("web:performance-csv", query),
            "xlsx": _link("web:performance-xlsx", query),
            "pdf": _link("web:performance-report", query),
            "can_set_targets": can_set_targets(request.user),
            "profile_link": _link("web:performance", query, profile="1"),
            "work_out_url": _link("web:performance-work-out", query),
            "revenues": _revenues(scope),
        },
    )


def _revenues(scope: Scope) -> Any:
    """The council's revenues by fund for this financial year, for the whole landlord: a few
    stored rows (debts/funds.py), or None where the council's debts are not held here."""
    if scope.id is not None:
        return None
    from rentbook.debts.funds import stored_summary, year_label

    today = timezone.localdate()
    year = today.year if today.month >= 4 else today.year - 1
    found = stored_summary(year)
    return {"label": year_label(year), "year": year, "stored": found} if found else None


def work_out(request: HttpRequest) -> HttpResponse:
    """A manager asks for a period's figures to be worked out again (a background task)."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    if not can_set_targets(request.user):
        raise PermissionDenied
    period, _, query = _choice(request)
    stored.request(period, reason=f"asked for by {request.user.display_name}", by=request.user)
    messages.success(
        request,
        f"The figures for {period.name} are being worked out. Refresh this page to see "
        "how far it has got.",
    )
    return redirect(_link("web:performance", query))


def _set_or_redirect(request: HttpRequest, period: Period, query: dict[str, str]):  # type: ignore[no-untyped-def]
    s = stored.latest(period)
    if s is None:
        messages.error(request, f"The figures for {period.name} have not been worked out yet.")
        return None, redirect(_link("web:performance", query))
    return s, None


def _board(request: HttpRequest):  # type: ignore[no-untyped-def]
    period, scope, query = _choice(request)
    s, refusal = _set_or_redirect(request, period, query)
    if s is None:
        return None, refusal
    try:
        return dash.from_set(s, scope, profile=False), None
    except LookupError:
        raise Http404("the figures were worked out before that scope existed") from None


def accounts(request: HttpRequest) -> HttpResponse:
    """The accounts behind an indicator's number, largest balance first, a page at a time."""
    period, scope, query = _choice(request)
    code = request.GET.get("indicator", "")
    if code not in dash.DRILLABLE:
        raise Http404("that indicator has no accounts to list")
    s, refusal = _set_or_redirect(request, period, query)
    if s is None:
        return refusal
    rows = stored.drilled(s, scope, code)
    if request.GET.get("format") == "csv":
        if not permissions.can_export(request.user):
            raise PermissionDenied
        response = StreamingHttpResponse(_drill_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="accounts-{code}.csv"'
        return response
    own = stored.figures(s, [scope.key]).get(scope.key)
    if own is None:
        raise Http404("the figures were worked out before that scope existed")
    value, numerator, denominator = own["values"].get(code, [None, None, None])
    totals = rows.aggregate(n=Count("id"), owed=Sum("closing", filter=Q(closing__gt=0)))
    paginator = Paginator(rows, PAGE_SIZE)
    paginator.count = totals["n"]  # counted once above, with the balance
    page = paginator.get_page(request.GET.get("page"))
    indicator = ind.BY_CODE[code]
    return render(
        request,
        "web/performance/accounts.html",
        {
            "indicator": indicator,
            "shown": dash.show(value, indicator.unit),
            "value": ind.Value(value, numerator, denominator),
            "period": stored.period_of(s),
            "set": s,
            "scope": scope,
            "page": page,
            "extra": urlencode({**query, "indicator": code}),
            "total": totals["n"],
            "balance_total": format_pounds(int(totals["owed"] or 0)),
            "back": _link("web:performance", query),
            "csv": _link("web:performance-accounts", query, indicator=code, format="csv"),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _drill_csv(rows):  # type: ignore[no-untyped-def]
    """The CSV a row at a time, so 100,000 accounts stream rather than wait in memory."""
    w = csv_writer(_Echo())
    yield w.writerow(["reference", "balance", "weekly_charge", "technical_arrears", "tenancy_end"])
    fields = ("reference", "closing", "weekly_charge", "technical", "tenancy_end")
    for ref, closing, weekly, technical, end in rows.values_list(*fields).iterator(5000):
        yield w.writerow(
            [ref, format_plain(closing), format_plain(weekly), format_plain(technical or 0),
             end or ""]
        )  # fmt: skip


def _table(board: dash.Dashboard) -> list[list[str]]:
    out = [["code", "indicator", "value", "target", "status", "numerator", "denominator"]]
    for r in board.rows:
        out.append([r.code, r.name, r.shown, r.target, r.rag_label if r.target else "",
                    "" if r.numerator is None else str(r.numerator),
                    "" if r.denominator is None else str(r.denominator)])  # fmt: skip
    return out


def _fund_table(board: dash.Dashboard) -> list[list[str]]:
    out = [["Fund", "Cash collected", "Sum billed", "% collected", "Written off", "% w/off"]]
    for f in board.funds:
        out.append([f.fund, format_pounds(f.collected), format_pounds(f.billed),
                    dash.show(f.collected_pct, "%"), format_pounds(f.written_off),
                    dash.show(f.written_off_pct, "%")])  # fmt: skip
    return out


def _name(board: dash.Dashboard, ext: str) -> str:
    return f"indicators-{board.scope.key.replace(':', '-')}-{board.period.key}.{ext}"


@permissions.allowed(permissions.can_export)
def indicators_csv(request: HttpRequest) -> HttpResponse:
    board, refusal = _board(request)
    if board is None:
        return refusal
    scope, period = board.scope, board.period
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_name(board, "csv")}"'
    w = csv_writer(response)
    w.writerow(["scope", scope.label, "period", period.name])
    w.writerows(_table(board))
    return response


@permissions.allowed(permissions.can_export)
def indicators_xlsx(request: HttpRequest) -> HttpResponse:
    board, refusal = _board(request)
    if board is None:
        return refusal
    scope, period = board.scope, board.period
    out = io.BytesIO()
    book = workbook(out)
    bold = book.add_format({"bold": True})
    for title, table in (("Indicators", _table(board)), ("Collection by fund", _fund_table(board))):
        sheet = book.add_worksheet(title)
        sheet.write_row(0, 0, [scope.label, period.name], bold)
        sheet.write_row(2, 0, table[0], bold)
        for i, row in enumerate(table[1:], start=3):
            sheet.write_row(i, 0, row)
        sheet.set_column(0, 1, 40)
        sheet.set_column(2, 6, 16)
    sheet = book.add_worksheet("Weekly arrears")
    sheet.write_row(0, 0, ["Week ending", "Current tenants' arrears"], bold)
    money = book.add_format({"num_format": "£#,##0.00"})
    for i, (d, a) in enumerate(board.weeks, start=1):
        sheet.write_string(i, 0, d.isoformat())
        sheet.write_number(i, 1, a / 100, money)
    book.close()
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_name(board, "xlsx")}"'
    return response


@permissions.allowed(permissions.can_export)
def committee_report(request: HttpRequest) -> HttpResponse:
    board, refusal = _board(request)
    if board is None:
        return refusal
    html = render_to_string(
        "web/performance/report_pdf.html",
        {
            "board": board,
            "printed_on": timezone.localdate(),
            "child_heads": [ind.BY_CODE[c].name for c in dash.CHILD_CODES],
        },
        request=request,
    )
    from rentbook.web import pdf

    try:
        body = pdf.html_to_pdf(html)
    except pdf.PdfTimeout:
        return HttpResponse("The report took too long to prepare. Try again.", status=503)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_name(board, "pdf")}"'
    return response


# ---- targets and custom indicators ----------------------------------------------------------


def _indicator_choices() -> list[tuple[str, str]]:
    return [(i.code, i.name) for i in ind.INDICATORS] + [
        (c.code, f"{c.name} (custom)") for c in CustomIndicator.objects.all()
    ]


def _scope_choices() -> list[tuple[str, str]]:
    out = [("landlord", "Whole landlord")]
    out += [(f"area:{a.pk}", f"Area {a.name}") for a in Area.objects.all()]
    out += [(f"patch:{p.pk}", f"Patch {p}") for p in Patch.objects.all()]
    out += [
        (f"officer:{u.pk}", f"Officer {u.display_name}")
        for u in User.objects.filter(patches__isnull=False).distinct()
    ]
    return out


def _read_period(form: dict[str, str], errors: list[dict[str, str]]) -> Period | None:
    year = form.get("year", "")
    if not (year.isdigit() and len(year) == 4):
        errors.append(
            {"id": "year", "message": "Enter the rent year as 4 numbers, for example 2025"}
        )
        return None
    q = form.get("quarter", "")
    if q in ("1", "2", "3", "4"):
        return Period.quarter(int(year), int(q))
    if q:
        errors.append({"id": "quarter", "message": "Choose a quarter or the whole year"})
        return None
    return Period.year(int(year))


def _read_scope(text: str, errors: list[dict[str, str]]) -> Scope | None:
    if text in ("", "landlord"):
        return Scope.landlord()
    kind, _, sid = text.partition(":")
    try:
        return Scope.of(kind, int(sid))
    except (ValueError, ObjectDoesNotExist):
        errors.append(
            {"id": "scope", "message": "Choose the landlord, an area, a patch or an officer"}
        )
        return None


def _decimal(
    text: str, field: str, label: str, errors: list[dict[str, str]], required: bool = True
) -> Decimal | None:
    text = text.strip().rstrip("%").replace(",", "")
    if not text:
        if required:
            errors.append({"id": field, "message": f"Enter the {label}"})
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        errors.append({"id": field, "message": f"The {label} must be a number, like 2.2"})
        return None


def targets(request: HttpRequest) -> HttpResponse:
    """Targets per indicator, period and scope; managers set them here."""
    errors: list[dict[str, str]] = []
    form = {
        k: request.POST.get(k, "")
        for k in ("indicator", "year", "quarter", "scope", "value", "amber")
    }
    if request.method == "POST":
        if not can_set_targets(request.user):
            raise PermissionDenied
        codes = dict(_indicator_choices())
        if form["indicator"] not in codes:
            errors.append({"id": "indicator", "message": "Choose an indicator"})
        period = _read_period(form, errors)
        scope = _read_scope(form["scope"], errors)
        value = _decimal(form["value"], "value", "target", errors)
        amber = _decimal(form["amber"], "amber", "amber margin", errors, required=False)
        if not errors and period and scope and value is not None:
            set_target(form["indicator"], period, scope, value, amber, request.user)
            return redirect("web:performance-targets")
    return render(
        request,
        "web/performance/targets.html",
        {
            "errors": errors,
            "errors_by": {e["id"]: e["message"] for e in errors},
            "form": form,
            "indicators": _indicator_choices(),
            "scopes": _scope_choices(),
            "targets": Target.objects.all()[:200],
            "names": dict(_indicator_choices()),
            "can_set_targets": can_set_targets(request.user),
        },
        status=400 if errors else 200,
    )


def custom_indicators(request: HttpRequest) -> HttpResponse:
    """Define a custom indicator, and enter or import its values per period."""
    errors: list[dict[str, str]] = []
    form = {
        k: request.POST.get(k, "")
        for k in (
            "action",
            "code",
            "name",
            "unit",
            "better",
            "indicator",
            "year",
            "quarter",
            "scope",
            "value",
        )
    }
    import_errors: list[str] = []
    if request.method == "POST":
        if not can_set_targets(request.user):
            raise PermissionDenied
        if form["action"] == "define":
            import re

            if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", form["code"]):
                errors.append(
                    {
                        "id": "code",
                        "message": "Enter a code of lower-case letters, digits and hyphens,"
                        " like hb-processing-days",
                    }
                )
            elif (
                form["code"] in ind.BY_CODE
                or CustomIndicator.objects.filter(code=form["code"]).exists()
            ):
                errors.append({"id": "code", "message": "That code is already used"})
            if not form["name"].strip():
                errors.append({"id": "name", "message": "Enter the indicator's name"})
            if form["better"] not in Better.values:
                errors.append(
                    {"id": "better", "message": "Choose whether higher or lower is better"}
                )
            if not errors:
                CustomIndicator.objects.create(
                    code=form["code"],
                    name=form["name"].strip(),
                    unit=form["unit"].strip(),
                    better=form["better"],
                )
                return redirect("web:performance-custom")
        elif form["action"] == "value":
            indicator = CustomIndicator.objects.filter(code=form["indicator"]).first()
            if indicator is None:
                errors.append({"id": "indicator", "message": "Choose an indicator"})
            period = _read_period(form, errors)
            scope = _read_scope(form["scope"], errors)
            value = _decimal(form["value"], "value", "value", errors)
            if not errors and indicator and period and scope and value is not None:
                set_custom_value(indicator, period, scope, value, by=request.user)
                return redirect("web:performance-custom")
        elif form["action"] == "import":
            upload = request.FILES.get("file")
            problem = upload_problem(upload, CSV, "a CSV file of values")
            if problem:
                errors.append({"id": "file", "message": problem})
            else:
                text = upload.read().decode("utf-8-sig", errors="replace")
                import_errors = import_custom_values(
                    list(csv.DictReader(io.StringIO(text))), request.user
                )
                if not import_errors:
                    return redirect("web:performance-custom")
                errors.extend({"id": "file", "message": e} for e in import_errors)
    return render(
        request,
        "web/performance/custom.html",
        {
            "errors": errors,
            "errors_by": {e["id"]: e["message"] for e in errors},
            "form": form,
            "indicators": CustomIndicator.objects.prefetch_related("values"),
            "scopes": _scope_choices(),
            "better": Better.choices,
            "can_set_targets": can_set_targets(request.user),
        },
        status=400 if errors else 200,
    )


__all__ = ["ScopeKind"]
