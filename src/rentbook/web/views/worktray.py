"""The worktray: what the latest arrears run recommends, case by case, and its exports."""

from __future__ import annotations

import io

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rentbook.audit.services import record
from rentbook.cases.models import Category
from rentbook.engine.models import Run
from rentbook.ledger.models import Benefit
from rentbook.portfolio.models import Patch
from rentbook.spreadsheet import csv_writer, workbook
from rentbook.web import permissions
from rentbook.web import worktray as wt
from rentbook.web.views.tenant_proposals import waiting_count


def _selection(request: HttpRequest) -> tuple[Run | None, wt.Filters]:
    return wt.latest_run(), wt.Filters.read(request.GET, request.user)


def worktray(request: HttpRequest) -> HttpResponse:
    run, filters = _selection(request)
    context: dict = {"run": run, "filters": filters, "bands": wt.BANDS}
    # plans tenants proposed online wait here for an officer (web/views/tenant_proposals.py)
    context["proposals_waiting"] = waiting_count(request.user)
    if run is not None:
        text = wt.policy_text(run.policy)
        qs = wt.recommendations(run, request.user, filters)
        page = Paginator(qs, wt.PAGE_SIZE).get_page(request.GET.get("page"))
        rows = wt.rows_for(page.object_list, run)
        context.update(
            policy=text,
            page=page,
            rows=rows,
            # the run's scores, where a risk model was used (docs/risk.md)
            scored=any(r.risk is not None for r in rows) or filters.watch or bool(filters.risk),
            risk_bands=wt.RISK_BANDS,
            watch_link="?" + wt.Filters(view=filters.view, watch=True).query(),
            risk_link="?" + wt.Filters(**{**filters.__dict__, "sort": "risk"}).query(),
            watch_risk=wt.WATCH_RISK,
            extra=filters.query(),
            tabs=[
                {
                    "view": v,
                    "label": wt.VIEW_LABELS[v],
                    "href": "?" + wt.Filters(view=v).query(),
                    "current": v == filters.view,
                }
                for v in wt.views_for(request.user)
            ],
            actions=sorted(
                ((name, label) for name, (label, _) in text.actions.items()),
                key=lambda a: a[1],
            ),
            categories=[c for c in Category.choices if c[0] != Category.NONE],
            patches=list(Patch.objects.order_by("code").values_list("code", "name")),
            benefits=Benefit.choices,
            query_csv=filters.query(),
            can_export=permissions.can_export(request.user),
        )
    return render(request, "web/worktray.html", context)


def _export(request: HttpRequest, kind: str) -> tuple[Run | None, list[list[str]]]:
    run, filters = _selection(request)
    if run is None:
        return None, []
    rows = list(wt.export_rows(wt.recommendations(run, request.user, filters), run))
    record(
        "export",
        object_type="engine.Run",
        object_id=str(run.pk),
        summary=f"worktray {kind}: {len(rows)} rows ({filters.query()})",
        after={"format": kind, "rows": len(rows), "filters": filters.query()},
    )
    return run, rows


def _filename(run: Run, extension: str) -> str:
    return f"worktray-{run.policy}-{run.as_of.isoformat()}.{extension}"


@permissions.allowed(permissions.can_export)
def worktray_csv(request: HttpRequest) -> HttpResponse:
    run, rows = _export(request, "csv")
    if run is None:
        return HttpResponse("There is no finished arrears run yet.", status=404)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(run, "csv")}"'
    w = csv_writer(response)
    w.writerow(wt.COLUMNS)
    w.writerows(rows)
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@permissions.allowed(permissions.can_export)
def worktray_xlsx(request: HttpRequest) -> HttpResponse:

    run, rows = _export(request, "xlsx")
    if run is None:
        return HttpResponse("There is no finished arrears run yet.", status=404)
    out = io.BytesIO()
    book = workbook(out)
    sheet = book.add_worksheet("Worktray")
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "£#,##0.00"})
    sheet.write_row(0, 0, wt.COLUMNS, bold)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row[:3])
        sheet.write_number(i, 3, float(row[3]), money)  # pounds for a spreadsheet cell
        if row[4]:
            sheet.write_number(i, 4, float(row[4]))
        sheet.write_row(i, 5, row[5:])
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(wt.COLUMNS) - 1)
    sheet.set_column(0, 2, 14)
    sheet.set_column(5, 7, 40)
    book.close()
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(run, "xlsx")}"'
    return response
