"""Sign in (with a one-time code after the password where two-factor sign-in is on), sign
out, and turning two-factor sign-in on and off (web/two_factor.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from rentbook.audit.services import record
from rentbook.web import two_factor
from rentbook.web.forms import SignInForm

PENDING = "rentbook_two_factor"


class SignInView(auth_views.LoginView):
    """Sign in. Failed attempts are counted and locked out by django-axes (see settings)."""

    template_name = "web/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not two_factor.is_on(user):
            return super().form_valid(form)
        # the password was right: the code comes next, and only then is the user signed in
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "tries": 0,
        }
        return redirect("web:sign-in-code")


@login_not_required
def sign_in_code(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("web:sign-in")
    error = ""
    if request.method == "POST":
        user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
        code = request.POST.get("code", "")
        recovery = two_factor.looks_like_recovery(code)
        if user is not None and (
            two_factor.use_recovery(user, code) if recovery else two_factor.accept(user, code)
        ):
            del request.session[PENDING]
            login(request, user, backend=pending["backend"])
            if recovery:
                _audit(user, "recovery_code_used")
                messages.warning(
                    request,
                    f"You signed in with a recovery code: {len(user.totp_recovery)} left."
                    " Make new ones below.",
                )
            nxt = pending.get("next") or "/"
            if not url_has_allowed_host_and_scheme(nxt, {request.get_host()}):
                nxt = "/"
            # after a recovery code, the page that makes new ones (and says how many are left)
            return redirect("web:two-factor") if recovery else redirect(nxt)
        pending["tries"] += 1
        if pending["tries"] >= two_factor.TRIES or user is None:
            del request.session[PENDING]
            messages.error(request, "Too many wrong codes. Sign in again.")
            return redirect("web:sign-in")
        request.session[PENDING] = pending
        error = "Enter the 6-digit code your authenticator app shows now, or a recovery code"
    return render(
        request,
        "web/sign_in_code.html",
        {"error": error, "errors": [{"id": "code", "message": error}] if error else []},
        status=400 if error else 200,
    )


_SUMMARIES = {
    "on": "two-factor sign-in turned on",
    "off": "two-factor sign-in turned off",
    "recovery_codes": "new two-factor recovery codes made",
    "recovery_code_used": "signed in with a two-factor recovery code",
}


def _audit(user: Any, state: str) -> None:
    # the secret and recovery codes are the audit log's SECRET_FIELDS: never in an event
    record(
        f"two_factor.{state}",
        object_type="portfolio.User",
        object_id=str(user.pk),
        summary=f"{_SUMMARIES[state]} by {user.username}",
        actor=user,
    )


def two_factor_settings(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in on (a new key, confirmed by a code from the app) or off."""
    user = request.user
    if not two_factor.may_use(user):
        raise PermissionDenied
    error = ""
    recovery: list[str] = []
    secret = request.session.get("rentbook_two_factor_setup", "")
    if request.method == "POST":
        action = request.POST.get("action", "")
        code = request.POST.get("code", "")
        if action == "start" and not two_factor.is_on(user):
            secret = two_factor.new_secret()
            request.session["rentbook_two_factor_setup"] = secret
        elif action == "confirm" and secret and not two_factor.is_on(user):
            step = two_factor.matched_step(secret, code)
            if step is not None:
                # the code that confirmed the set-up is used: it cannot sign in as well
                user.totp_secret, user.totp_enabled_at = secret, timezone.now()
                user.totp_last_step = step
                user.save(update_fields=["totp_secret", "totp_enabled_at", "totp_last_step"])
                del request.session["rentbook_two_factor_setup"]
                recovery = two_factor.new_recovery_codes()
                two_factor.store_recovery_codes(user, recovery)
                _audit(user, "on")
                messages.success(request, "Two-factor sign-in is on.")
                secret = ""
            else:
                error = "Enter the 6-digit code your authenticator app shows now"
        elif action == "new_codes" and two_factor.is_on(user):
            if two_factor.accept(user, code):
                recovery = two_factor.new_recovery_codes()
                two_factor.store_recovery_codes(user, recovery)
                _audit(user, "recovery_codes")
            else:
                error = "Enter the 6-digit code your authenticator app shows now"
        elif action == "turn_off" and two_factor.is_on(user):
            if two_factor.accept(user, code):
                user.totp_secret, user.totp_enabled_at, user.totp_recovery = "", None, []
                user.save(update_fields=["totp_secret", "totp_enabled_at", "totp_recovery"])
                _audit(user, "off")
                messages.success(request, "Two-factor sign-in is off.")
                return redirect("web:two-factor")
            error = "Enter the 6-digit code your authenticator app shows now"
        else:
            error = "Choose what to do"
    from django.conf import settings

    landlord = settings.RENTBOOK_LANDLORD_NAME
    return render(
        request,
        "web/two_factor.html",
        {
            "on": two_factor.is_on(user),
            "recovery": recovery,
            "recovery_left": len(user.totp_recovery or []),
            "secret": secret if not two_factor.is_on(user) else "",
            "grouped": two_factor.grouped(secret) if secret else "",
            "uri": two_factor.setup_uri(user, secret, landlord) if secret else "",
            "error": error,
            "errors": [{"id": "code", "message": error}] if error else [],
        },
        status=400 if error else 200,
    )


class SignOutView(auth_views.LogoutView):
    pass
