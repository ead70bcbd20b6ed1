"""Auditors may read everything and change nothing: refuse every unsafe request from them.
A sign-in left idle ends."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

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


class RevenuesOnlyMiddleware:
    """A revenues officer opens the council's debts and nothing of the rent service: the
    start pages send them to the customers, any other rent page is refused."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs):  # type: ignore[no-untyped-def]
        from rentbook.web import permissions

        user = getattr(request, "user", None)
        match = request.resolver_match
        if user is None or not user.is_authenticated or match is None:
            return None
        if match.namespace != "web" or permissions.may_open(user, match.url_name or ""):
            return None
        if match.url_name in ("home", "worktray") and request.method in SAFE_METHODS:
            return redirect("web:customers")
        return render(
            request,
            "web/errors/403.html",
            {"reason": "Your role (revenues officer) sees the council's debts, not rent records."},
            status=403,
        )


SEEN = "_rentbook_seen"
# How stale the "last seen" time may get before it is written again: a write every few
# minutes, not one per request.
SEEN_EVERY = 60


def _now() -> int:
    return int(timezone.now().timestamp())


@receiver(user_logged_in)
def _seen_at_sign_in(sender, request, user, **kwargs) -> None:  # type: ignore[no-untyped-def]
    if request is not None and hasattr(request, "session"):
        request.session[SEEN] = _now()


class IdleTimeoutMiddleware:
    """Sign out a session with no request for SESSION_IDLE_SECONDS (the page then asks the
    officer to sign in again, LoginRequiredMiddleware's redirect)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = _now()
            seen = request.session.get(SEEN)
            if seen is not None and now - seen > settings.SESSION_IDLE_SECONDS:
                logout(request)
            elif seen is None or now - seen > SEEN_EVERY:
                request.session[SEEN] = now
        return self.get_response(request)
