"""Auditors may read everything and change nothing: refuse every unsafe request from them."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ReadOnlyRoleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            request.method not in SAFE_METHODS
            and user is not None
            and user.is_authenticated
            and getattr(user, "is_read_only", False)
            and request.path != reverse("web:sign-out")
        ):
            return render(
                request,
                "web/errors/403.html",
                {"reason": "Your role (auditor) can read everything but change nothing."},
                status=403,
            )
        return self.get_response(request)
