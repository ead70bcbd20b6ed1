"""Optional two-factor sign-in for managers and administrators: a time-based one-time code
(TOTP, RFC 6238: 6 digits, 30 seconds, as authenticator apps make them) after the password.

Plain functions over the user and the code; the views in web/views/sign_in.py call them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

import pyotp
from django.contrib.auth import get_user_model
from django.db import transaction

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


def clock() -> float:
    """Seconds since the epoch (a seam: tests move the clock on a 30-second step)."""
    return time.time()


def _digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def matched_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The 30-second step whose code ``code`` is: this step's, or the one just before or after
    (clocks drift); None when it is none of them."""
    code = _digits(code)
    if not secret or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    step = int((clock() if now is None else now) // totp.interval)
    for candidate in (step, step - 1, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def verify(secret: str, code: str) -> bool:
    """Whether ``code`` is a current code for ``secret`` (setting up: no step used yet)."""
    return matched_step(secret, code) is not None


def accept(user: Any, code: str) -> bool:
    """Whether ``code`` is the user's current code and not one already used: each code signs
    in once (RFC 6238 s5.2), so a code seen over a shoulder or in a log cannot be replayed.
    The step is claimed by a conditional update, so two requests racing with one code cannot
    both win."""
    step = matched_step(user.totp_secret, code)
    if step is None:
        return False
    claimed = get_user_model().objects.filter(pk=user.pk, totp_last_step__lt=step)
    if not claimed.update(totp_last_step=step):
        return False
    user.totp_last_step = step
    return True


# ---- recovery codes: for a lost phone, each good once ---------------------------------------

RECOVERY_CODES = 10
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L to misread


def _normal(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _hash(code: str) -> str:
    return hashlib.sha256(_normal(code).encode()).hexdigest()


def new_recovery_codes() -> list[str]:
    """Ten codes of ten characters (about 49 bits each), shown once as ABCDE-FGHJK."""
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def store_recovery_codes(user: Any, codes: list[str]) -> None:
    user.totp_recovery = [_hash(c) for c in codes]
    user.save(update_fields=["totp_recovery"])


def looks_like_recovery(code: str) -> bool:
    return len(_normal(code)) == 10 and not _normal(code).isdigit()


def use_recovery(user: Any, code: str) -> bool:
    """Whether ``code`` is one of the user's unused recovery codes; if so it is used up."""
    digest = _hash(code)
    with transaction.atomic():
        fresh = get_user_model().objects.select_for_update().get(pk=user.pk)
        left = list(fresh.totp_recovery or [])
        if not any(hmac.compare_digest(digest, h) for h in left):
            return False
        left.remove(digest)
        fresh.totp_recovery = left
        fresh.save(update_fields=["totp_recovery"])
    user.totp_recovery = left
    return True
