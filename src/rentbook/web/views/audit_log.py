"""The audit log: every change, who made it and when, with the values before and after."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rentbook.audit.models import AuditEvent
from rentbook.web import permissions
from rentbook.web.forms import DateField

PAGE_SIZE = 50


def _text(value: Any) -> str:
    return "empty" if value in (None, "") else json.dumps(value, ensure_ascii=False).strip('"')


def changes(before: Any, after: Any) -> list[str]:
    """What an event changed, one line a field: "field: old → new" (or a value for creates)."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    lines = []
    for key in sorted(set(before) | set(after)):
        if key in before and key in after:
            if before[key] != after[key]:
                lines.append(f"{key}: {_text(before[key])} → {_text(after[key])}")
        elif key in after:
            lines.append(f"{key}: {_text(after[key])}")
        else:
            lines.append(f"{key}: was {_text(before[key])}")
    return lines


@permissions.allowed(permissions.can_read_audit_log)
def audit_log(request: HttpRequest) -> HttpResponse:
    data = request.GET
    object_type = data.get("object_type", "").strip()
    person = data.get("person", "").strip()
    start = DateField.read(data, "from", "Date from")
    end = DateField.read(data, "to", "Date to")
    errors = [f for f in (start, end) if f.error]

    events = AuditEvent.objects.all()
    if object_type:
        events = events.filter(object_type=object_type)
    if person:
        events = events.filter(actor_name__iexact=person)
    if start.value:
        events = events.filter(at__date__gte=start.value)
    if end.value:
        # Whole days in the landlord's time zone: "to 3 March" includes all of 3 March.
        events = events.filter(at__date__lt=end.value + timedelta(days=1))

    page = Paginator(events, PAGE_SIZE).get_page(data.get("page"))
    rows = [{"event": e, "changes": changes(e.before, e.after)} for e in page.object_list]
    params = data.copy()
    params.pop("page", None)
    return render(
        request,
        "web/audit_log.html",
        {
            "page": page,
            "rows": rows,
            "object_types": AuditEvent.objects.order_by("object_type")
            .values_list("object_type", flat=True)
            .distinct(),
            "people": AuditEvent.objects.order_by("actor_name")
            .values_list("actor_name", flat=True)
            .distinct(),
            "object_type": object_type,
            "person": person,
            "start": start,
            "end": end,
            "errors": errors,
            "filter_query": params.urlencode(),
        },
    )
