"""Token authentication per client, scopes, and the same role rules as the pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from rentbook.api.models import ApiClient
from rentbook.api.scopes import WRITE_SCOPES

# How often a client's "last used" time is written: not on every request.
LAST_USED_EVERY = timedelta(minutes=1)


class ClientTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer rb_<key id>_<secret>``."""

    def authenticate(self, request: Any) -> tuple[Any, ApiClient] | None:
        header = get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _, token = header.partition(" ")
        token = token.strip()
        if keyword.lower() != "bearer" or not token:
            raise AuthenticationFailed("Send the client's token as: Authorization: Bearer <token>.")
        key_id = ApiClient.key_id_of(token)
        client = (
            ApiClient.objects.select_related("user").filter(key_id=key_id).first()
            if key_id
            else None
        )
        if client is None or not client.matches(token) or not client.active:
            raise AuthenticationFailed("The token is not valid, or its client has been revoked.")
        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at > LAST_USED_EVERY:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        return client.user, client

    def authenticate_header(self, request: Any) -> str:
        return 'Bearer realm="rentbook"'


class HasScope(BasePermission):
    """The view's scope for the request's method must be among the client's; a write also
    needs a role that may change things (an auditor's client never writes)."""

    message = "This token may not do that."

    def has_permission(self, request: Any, view: Any) -> bool:
        client = request.auth
        if not isinstance(client, ApiClient):
            return False
        scope = view.scopes.get("GET" if request.method == "HEAD" else request.method)
        if scope is None:
            return request.method == "OPTIONS"  # a description of the endpoint, no data
        if scope not in client.scopes:
            self.message = f"This token does not have the scope {scope}."
            return False
        if scope in WRITE_SCOPES and getattr(request.user, "is_read_only", False):
            self.message = "This client's role (auditor) can read everything but change nothing."
            return False
        return True


class ClientRateThrottle(SimpleRateThrottle):
    """Requests per client (settings RENTBOOK_API_RATE)."""

    scope = "client"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        client = request.auth
        if not isinstance(client, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.pk}
