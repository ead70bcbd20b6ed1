"""The risk scores held about one account, for a tenant's subject access request."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from rentbook.audit.services import record
from rentbook.ledger.models import Account
from rentbook.risk.access import HEADER, subject_access_rows
from rentbook.spreadsheet import csv_writer
from rentbook.web import permissions


@permissions.allowed(permissions.can_export)
def risk_scores_csv(request: HttpRequest, reference: str) -> HttpResponse:
    account = get_object_or_404(Account, reference=reference)
    rows = list(subject_access_rows(account.pk))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="risk-scores-{reference}.csv"'
    w = csv_writer(response)
    w.writerow(HEADER)
    w.writerows(rows)
    record(
        "export",
        object_type="ledger.Account",
        object_id=str(account.pk),
        summary=f"risk scores of {reference} (subject access): {len(rows)} rows",
        after={"format": "csv", "rows": len(rows)},
    )
    return response
