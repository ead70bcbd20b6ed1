"""Who may see what. Every page already needs sign-in (LoginRequiredMiddleware); these are
the further checks some pages make, by role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from rentbook.portfolio.models import Role

#: The roles that may read the audit log: those who answer for what changed.
AUDIT_READERS = frozenset({Role.AUDITOR, Role.INCOME_MANAGER, Role.ADMINISTRATOR})

#: The roles that may download a statement (CSV or PDF): all staff roles.
EXPORTERS = frozenset(Role)


#: The only pages a revenues officer may open: the council's debts, not the rent service's
#: records (a sundry-debt officer sees no rent diary notes: docs/corporate-debt.md).
REVENUES_PAGES = frozenset(
    {
        "customers", "customer", "customer-matches", "customer-match", "debt-work", "debt-step",
        "revenues", "revenues-csv", "revenues-xlsx", "revenues-pdf", "revenues-work-out",
        "revenues-cost",
        "combined-arrangement-new", "combined-arrangement", "combined-arrangement-letter",
        "combined-arrangement-pdf", "combined-arrangement-cancel",
        "sign-in", "sign-in-code", "sign-out", "two-factor", "health",
    }
)  # fmt: skip


def _role(user: Any) -> str | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return getattr(user, "role", None)


def is_administrator(user: Any) -> bool:
    return _role(user) == Role.ADMINISTRATOR or bool(getattr(user, "is_superuser", False))


def can_read_audit_log(user: Any) -> bool:
    return _role(user) in AUDIT_READERS or is_administrator(user)


def sees_rent(user: Any) -> bool:
    """Whether the user may see rent accounts, their diary and the rent service's pages."""
    return _role(user) != Role.REVENUES_OFFICER


def may_open(user: Any, url_name: str) -> bool:
    return sees_rent(user) or url_name in REVENUES_PAGES


def can_export(user: Any) -> bool:
    return _role(user) in EXPORTERS


def can_change(user: Any) -> bool:
    """Whether to offer change controls at all; the auditor reads and never changes."""
    return _role(user) is not None and not getattr(user, "is_read_only", False)


def allowed(check: Callable[[Any], bool]) -> Callable[[Callable[..., HttpResponse]], Any]:
    """Refuse the view (403) unless ``check(request.user)`` holds."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
