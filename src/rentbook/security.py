"""Refusing to serve the site with the published development key.

The key signs sessions and password-reset links: with the one in this repository anyone could
forge a signed-in session. Commands (migrate, import, the run) may start without a key of their
own; serving the site (the WSGI application, so `runserver`, gunicorn and granian alike) may
not, except with DEBUG on or in the demo.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT_KEY = "rentbook-insecure-development-key-change-me"


def refuse_published_key(settings: Any) -> None:
    if settings.SECRET_KEY != DEVELOPMENT_KEY or settings.DEBUG:
        return
    if getattr(settings, "RENTBOOK_DEMO", False):
        return
    raise ImproperlyConfigured(
        "SECRET_KEY is not set, so the site would be served with the development key published"
        " in rentbook's source, with which anyone could forge a sign-in. Set SECRET_KEY to a long"
        " random value (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        " The demo (rentbook demo) and DEBUG=1 are the only exceptions."
    )
