"""Every refusal of a request's content (400) has one shape: what was refused and why, by field."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class QueryRefused(ParseError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field


def rejected(errors: list[dict[str, str]]) -> dict[str, Any]:
    detail = "; ".join(
        f"{e['field']}: {e['reason']}" if e["field"] else e["reason"] for e in errors
    )
    return {"status": "rejected", "detail": detail, "errors": errors}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is None or response.status_code != 400:
        return response
    if isinstance(exc, ValidationError) and isinstance(exc.detail, dict):
        errors = [
            {"field": str(f), "reason": " ".join(str(m) for m in msgs)}
            for f, msgs in exc.detail.items()
        ]
    else:
        errors = [{"field": getattr(exc, "field", ""), "reason": str(getattr(exc, "detail", exc))}]
    response.data = rejected(errors)
    return response
