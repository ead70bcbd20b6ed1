"""API clients: the housing system and other council systems that call rentbook.

Each client acts as its own user (a system account with a role), so every write it makes is
audited in its name and the same role rules as the pages apply: an auditor client reads and
never writes. Its token is shown once when made; only a hash is kept.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "rb"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClient(models.Model):
    name = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client"
    )
    scopes = models.JSONField(default=list)
    # The diary's code mapping this system's codes are read with (empty: rentbook's own).
    codes = models.CharField(max_length=200, blank=True)
    key_id = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.user.is_active

    def new_token(self) -> str:
        """A fresh token for this client (the old one stops working); shown once."""
        self.key_id = secrets.token_hex(6)
        token = f"{TOKEN_PREFIX}_{self.key_id}_{secrets.token_urlsafe(32)}"
        self.key_hash = hash_token(token)
        return token

    def matches(self, token: str) -> bool:
        return hmac.compare_digest(self.key_hash, hash_token(token))

    @staticmethod
    def key_id_of(token: str) -> str | None:
        parts = token.split("_", 2)
        if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1]:
            return None
        return parts[1]
