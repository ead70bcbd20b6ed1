"""Improvement plans: the list, importing a plan's table, and the quarterly position report
on screen, as PDF and as Excel."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from rentbook.performance.indicators import Period, rent_year_of
from rentbook.plans.models import Plan
from rentbook.plans.services import (
    HEADINGS,
    PlanFileError,
    import_plan,
    quarterly_report,
    read_table,
    report_xlsx,
)
from rentbook.web import permissions
from rentbook.web.forms import DateField
from rentbook.web.uploads import CSV_OR_EXCEL, upload_problem
from rentbook.web.views.performance import XLSX, can_set_targets


def plans(request: HttpRequest) -> HttpResponse:
    """Every plan, and the form that imports one from CSV or Excel."""
    errors: list[dict[str, str]] = []
    row_errors: list[str] = []
    form = {"name": request.POST.get("name", "").strip()}
    as_at = DateField.read(request.POST, "as-at", "Date of the position statements")
    if request.method == "POST":
        if not can_set_targets(request.user):
            raise PermissionDenied
        if not form["name"]:
            errors.append({"id": "name", "message": "Enter the plan's name"})
        if as_at.empty:
            as_at.error = "Enter the date of the position statements"
        if as_at.error:
            errors.append({"id": as_at.id, "message": as_at.error})
        upload = request.FILES.get("file")
        rows = None
        problem = upload_problem(upload, CSV_OR_EXCEL, "a CSV or Excel file of the plan")
        if problem:
            errors.append({"id": "file", "message": problem})
        else:
            try:
                rows = read_table(upload.read(), upload.name or "")
            except PlanFileError as e:
                errors.append({"id": "file", "message": f"The file could not be used: {e}"})
        if not errors and rows is not None and as_at.value is not None:
            plan, _ = Plan.objects.get_or_create(name=form["name"])
            result = import_plan(plan, rows, as_at.value, request.user)
            row_errors = result.errors
            if not row_errors:
                return redirect("web:plan", plan_id=plan.pk)
            errors.extend({"id": "file", "message": e} for e in row_errors)
    if as_at.empty and not errors:
        as_at = DateField.of("as-at", "Date of the position statements", timezone.localdate())
    return render(
        request,
        "web/plans/plans.html",
        {
            "plans": Plan.objects.all(),
            "errors": errors,
            "errors_by": {e["id"]: e["message"] for e in errors},
            "form": form,
            "as_at": as_at,
            "can_import": can_set_targets(request.user),
        },
        status=400 if errors else 200,
    )


def _quarter(request: HttpRequest) -> Period:
    g = request.GET
    today = timezone.localdate()
    year = g.get("year", "")
    q = g.get("q", "")
    if year.isdigit() and len(year) == 4 and q in ("1", "2", "3", "4"):
        return Period.quarter(int(year), int(q))
    return Period.of_day(today, "quarter")


def plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    p = get_object_or_404(Plan, pk=plan_id)
    period = _quarter(request)
    rows = quarterly_report(p, period)
    year = rent_year_of(period.start)
    quarter = (period.start - Period.year(year).start).days // 91 + 1
    query = f"?year={year}&q={quarter}"
    return render(
        request,
        "web/plans/plan.html",
        {
            "plan": p,
            "period": period,
            "rows": rows,
            "headings": HEADINGS,
            "years": list(range(rent_year_of(timezone.localdate()), 1999, -1)),
            "year": year,
            "quarter": str(quarter),
            "query": query,
        },
    )


@permissions.allowed(permissions.can_export)
def plan_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    p = get_object_or_404(Plan, pk=plan_id)
    period = _quarter(request)
    html = render_to_string(
        "web/plans/report_pdf.html",
        {"plan": p, "period": period, "rows": quarterly_report(p, period), "headings": HEADINGS},
        request=request,
    )
    from rentbook.web import pdf

    try:
        body = pdf.html_to_pdf(html)
    except pdf.PdfTimeout:
        return HttpResponse("The report took too long to prepare. Try again.", status=503)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_name(p, period, "pdf")}"'
    return response


@permissions.allowed(permissions.can_export)
def plan_xlsx(request: HttpRequest, plan_id: int) -> HttpResponse:
    p = get_object_or_404(Plan, pk=plan_id)
    period = _quarter(request)
    response = HttpResponse(report_xlsx(p, period, quarterly_report(p, period)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_name(p, period, "xlsx")}"'
    return response


def _name(p: Plan, period: Period, ext: str) -> str:
    return f"plan-{p.pk}-position-{period.end.isoformat()}.{ext}"


def action(request: HttpRequest, plan_id: int, action_id: int) -> HttpResponse:
    """One action: its details, milestones and position statements over time; managers add a
    statement or a milestone, or change its status, here."""
    from rentbook.plans.models import Action, Milestone, PositionStatement, Status

    act = get_object_or_404(
        Action.objects.select_related("plan", "objective"), pk=action_id, plan_id=plan_id
    )
    errors: list[dict[str, str]] = []
    form = {k: request.POST.get(k, "") for k in ("what", "text", "title", "status")}
    day = DateField.read(request.POST, "day", "Date")
    if request.method == "POST":
        if not can_set_targets(request.user):
            raise PermissionDenied
        what = form["what"]
        if what in ("statement", "milestone"):
            if day.empty:
                day.error = "Enter the date"
            if day.error:
                errors.append({"id": day.id, "message": day.error})
            field, label = (
                ("text", "position statement") if what == "statement" else ("title", "milestone")
            )
            if not form[field].strip():
                errors.append({"id": field, "message": f"Enter the {label}"})
            if not errors and day.value is not None:
                if what == "statement":
                    PositionStatement.objects.update_or_create(
                        action=act, as_at=day.value,
                        defaults={"text": form["text"].strip(), "recorded_by": request.user},
                    )  # fmt: skip
                else:
                    Milestone.objects.create(action=act, title=form["title"].strip(), due=day.value)
                return redirect("web:plan-action", plan_id=plan_id, action_id=act.pk)
        elif what == "status":
            if form["status"] not in Status.values:
                errors.append({"id": "status", "message": "Choose a status"})
            else:
                act.status = form["status"]
                act.save(update_fields=["status"])
                return redirect("web:plan-action", plan_id=plan_id, action_id=act.pk)
    period = Period.of_day(timezone.localdate(), "quarter")
    from rentbook.plans.services import action_status

    value, target, colour = action_status(act, period)
    return render(
        request,
        "web/plans/action.html",
        {
            "action": act,
            "statements": act.statements.all(),
            "milestones": act.milestones.all(),
            "statuses": Status.choices,
            "errors": errors,
            "errors_by": {e["id"]: e["message"] for e in errors},
            "form": form,
            "day": day,
            "indicator": {"value": value, "target": target, "rag": colour, "period": period},
            "can_change": can_set_targets(request.user),
        },
        status=400 if errors else 200,
    )
