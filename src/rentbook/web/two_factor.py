"""Optional two-factor sign-in for managers and administrators: a time-based one-time code
(TOTP, RFC 6238: 6 digits, 30 seconds, as authenticator apps make them) after the password.

Plain functions over the user and the code; the views in web/views/sign_in.py call them.
"""

from __future__ import annotations

from typing import Any

import pyotp

from rentbook.portfolio.models import Role

#: The roles that may turn two-factor sign-in on (issue 17: managers and administrators).
ROLES = frozenset({Role.INCOME_MANAGER, Role.TEAM_LEADER, Role.ADMINISTRATOR})
#: Wrong codes allowed after a right password before signing in starts again.
TRIES = 5
ISSUER = "rentbook"


def may_use(user: Any) -> bool:
    return getattr(user, "role", None) in ROLES or bool(getattr(user, "is_superuser", False))


def is_on(user: Any) -> bool:
    return bool(getattr(user, "totp_enabled_at", None) and getattr(user, "totp_secret", ""))


def new_secret() -> str:
    return pyotp.random_base32()


def setup_uri(user: Any, secret: str, landlord: str) -> str:
    """The otpauth:// address an authenticator app reads (typed in, or from a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.username, issuer_name=f"{ISSUER} {landlord}".strip()
    )


def grouped(secret: str) -> str:
    """The key in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def verify(secret: str, code: str) -> bool:
    """Whether ``code`` is the current code (or the one just before or after: clocks drift)."""
    code = "".join(ch for ch in code if ch.isdigit())
    return bool(secret) and len(code) == 6 and pyotp.TOTP(secret).verify(code, valid_window=1)
