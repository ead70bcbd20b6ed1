"""Paying online (a card payment through the payment service) and setting up a Direct Debit.
Both enter rentbook through the import door (selfservice/door.py)."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from rentbook.arrangements.schedules import WEEKDAYS
from rentbook.banking import details
from rentbook.banking.models import Frequency
from rentbook.money import format_plain
from rentbook.selfservice import direct_debit, door, pay, payments
from rentbook.selfservice.models import CardPayment, FakePayment
from rentbook.selfservice.session import tenant_required
from rentbook.web.views.arrangements import read_money
from rentbook.web.views.cases import FormErrors


@tenant_required
def pay_page(request: HttpRequest) -> HttpResponse:
    signed = request.tenant  # type: ignore[attr-defined]
    if not pay.enabled():
        return render(request, "selfservice/pay_off.html", status=404)
    errors = FormErrors()
    balance = overview_balance(signed.account)
    amount_text = format_plain(balance) if balance > 0 else ""
    status = 200
    if request.method == "POST":
        amount_text = request.POST.get("amount", "").strip()
        amount = read_money(errors, "amount", amount_text, "amount to pay", required=True)
        if amount is not None and not errors:
            try:
                payments.check_amount(amount)
            except payments.PaymentError as e:
                errors.add("amount", str(e))
        if not errors and amount is not None:
            try:
                p = payments.start(
                    signed.account,
                    signed.tenant,
                    amount,
                    lambda token: request.build_absolute_uri(
                        reverse("selfservice:pay-return", args=[token])
                    ),
                    timezone.now(),
                )
            except pay.PayError as e:
                errors.add("amount", f"We could not start the payment: {e}")
                status = 503
            else:
                return redirect(p.next_url)
        status = status if status != 200 else 400
    return render(
        request,
        "selfservice/pay.html",
        {"errors": errors.summary(), "error": errors.by_id, "amount": amount_text},
        status=status,
    )


def overview_balance(account) -> int:  # type: ignore[no-untyped-def]
    from rentbook.ledger.balances import balances_on

    return balances_on([account.pk], timezone.localdate()).get(account.pk, 0)


@tenant_required
def pay_return(request: HttpRequest, token: str) -> HttpResponse:
    signed = request.tenant  # type: ignore[attr-defined]
    p = CardPayment.objects.filter(token=token, account=signed.account).first()
    if p is None:
        raise Http404("No such payment on your account")
    error = ""
    try:
        p = payments.confirm(p)
    except (pay.PayError, payments.PaymentError, door.DoorRefused) as e:
        error = str(e)
    return render(request, "selfservice/pay_done.html", {"p": p, "error": error})


@login_not_required
def fake_pay(request: HttpRequest, payment_id: str) -> HttpResponse:
    """The fake payment service's own page (RENTBOOK_PAY_BACKEND=fake only): pay or cancel."""
    if settings.RENTBOOK_PAY_BACKEND != "fake":
        raise Http404("The fake payment service is off")
    fp = FakePayment.objects.filter(payment_id=payment_id).first()
    if fp is None:
        raise Http404("No such payment")
    if request.method == "POST" and fp.status == "created":
        fp.status = "success" if request.POST.get("choice") == "pay" else "cancelled"
        fp.save(update_fields=["status"])
        return redirect(fp.return_url)
    return render(request, "selfservice/fake_pay.html", {"fp": fp})


# ---- Direct Debit ------------------------------------------------------------------------------

DD_KEY = "_rentbook_dd"
FREQUENCIES = [(f.value, f.label) for f in Frequency]


def _read_dd(data, errors: FormErrors) -> dict:  # type: ignore[no-untyped-def]
    values = {
        k: data.get(k, "").strip()[:60]
        for k in ("name", "sort_code", "account_number", "frequency", "weekday", "day", "amount")
    }
    values["sole"] = data.get("sole", "")
    if not values["name"]:
        errors.add("name", "Enter the name on the bank account")
    elif not details.bacs_text(values["name"]):
        errors.add("name", "Name on the account must have letters in it")
    for key, check in (
        ("sort_code", details.sort_code),
        ("account_number", details.account_number),
    ):
        if not values[key]:
            errors.add(key, f"Enter the {key.replace('_', ' ')}")
            continue
        try:
            check(values[key])
        except details.DetailError:
            errors.add(
                key,
                "Sort code must be 6 digits, like 30 94 57"
                if key == "sort_code"
                else "Account number must be 6 to 8 digits",
            )
    if values["sole"] != "yes":
        errors.add(
            "sole",
            "Select yes if you can set up Direct Debits from this account on your own. If more"
            " than one person must agree, call us for a paper form.",
        )
    if values["frequency"] not in Frequency.values:
        errors.add("frequency", "Select how often to pay")
    elif values["frequency"] == Frequency.MONTHLY:
        if not values["day"].isdigit() or not 1 <= int(values["day"]) <= 31:
            errors.add("day", "Day of the month must be a number from 1 to 31")
    elif values["weekday"] not in {str(i) for i in range(7)}:
        errors.add("weekday", "Select the day of the week to pay")
    amount = read_money(errors, "amount", values["amount"], "amount each time", required=True)
    if amount is not None and amount <= 0:
        errors.add("amount", "Amount each time must be more than £0")
    values["pence"] = amount or 0
    return values


def _sign_up(values: dict) -> direct_debit.SignUp:
    monthly = values["frequency"] == Frequency.MONTHLY
    return direct_debit.SignUp(
        payer_name=values["name"],
        sort_code=details.sort_code(values["sort_code"]),
        account_number=details.account_number(values["account_number"]),
        frequency=values["frequency"],
        collection_day=int(values["day"] if monthly else values["weekday"]),
        amount=values["pence"],
    )


@tenant_required
def direct_debit_page(request: HttpRequest) -> HttpResponse:
    signed = request.tenant  # type: ignore[attr-defined]
    existing = direct_debit.active_mandate(signed.account)
    if existing is not None:
        return render(request, "selfservice/dd_exists.html", {"m": existing})
    errors = FormErrors()
    from rentbook.ledger.balances import account_position

    weekly = account_position(signed.account, timezone.localdate()).weekly_charge
    values = {"frequency": "weekly", "amount": format_plain(weekly) if weekly else ""}
    if request.method == "POST":
        values = _read_dd(request.POST, errors)
        if not errors:
            request.session[DD_KEY] = {k: v for k, v in values.items()}
            return redirect("selfservice:direct-debit-check")
    return render(
        request,
        "selfservice/direct_debit.html",
        {
            "errors": errors.summary(),
            "error": errors.by_id,
            "values": values,
            "frequencies": FREQUENCIES,
            "weekdays": list(enumerate(WEEKDAYS)),
            "weekly": weekly,
        },
        status=400 if errors else 200,
    )


@tenant_required
def direct_debit_check(request: HttpRequest) -> HttpResponse:
    signed = request.tenant  # type: ignore[attr-defined]
    values = request.session.get(DD_KEY)
    if not values:
        return redirect("selfservice:direct-debit")
    s = _sign_up(values)
    today = timezone.localdate()
    first = direct_debit.first_collection(s.frequency, s.collection_day, today)
    error = ""
    if request.method == "POST":
        if direct_debit.active_mandate(signed.account) is not None:
            return redirect("selfservice:direct-debit")
        try:
            m = direct_debit.sign_up(signed.account, signed.tenant, s, today)
        except door.DoorRefused as e:
            error = f"We could not set up the Direct Debit: {e}"
        else:
            request.session.pop(DD_KEY, None)
            request.session["_rentbook_dd_done"] = m.pk
            return redirect("selfservice:direct-debit-done")
    return render(
        request,
        "selfservice/dd_check.html",
        {
            "s": s,
            "first": first,
            "error": error,
            "frequency_label": Frequency(s.frequency).label,
            "day_words": (
                f"day {s.collection_day} of each month"
                if s.frequency == Frequency.MONTHLY
                else f"{WEEKDAYS[s.collection_day]}s"
            ),
            "notice_days": settings.RENTBOOK_DD_NOTICE_DAYS,
        },
        status=400 if error else 200,
    )


@tenant_required
def direct_debit_done(request: HttpRequest) -> HttpResponse:
    signed = request.tenant  # type: ignore[attr-defined]
    m = direct_debit.active_mandate(signed.account)
    if m is None or request.session.get("_rentbook_dd_done") != m.pk:
        return redirect("selfservice:home")
    return render(
        request,
        "selfservice/dd_done.html",
        {"m": m, "notice_days": settings.RENTBOOK_DD_NOTICE_DAYS},
    )


# ---- GOV.UK Pay's webhook ----------------------------------------------------------------------


@csrf_exempt
@login_not_required
@require_POST
def pay_webhook(request: HttpRequest) -> HttpResponse:
    """GOV.UK Pay's message that a payment's state changed (a tenant may never come back to
    the return page). Signed with the webhook's secret (the ``Pay-Signature`` header, an
    HMAC-SHA256 of the body); the body is trusted only for the payment's id: its state is
    then asked of the API, as on the tenant's return, and posted once."""
    secret = settings.RENTBOOK_PAY_WEBHOOK_SECRET
    if not secret:
        raise Http404("No webhook is set up")
    given = request.headers.get("Pay-Signature", "")
    expected = hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given, expected):
        return HttpResponse("signature does not match", status=403)
    try:
        payment_id = str(json.loads(request.body)["resource_id"])
    except (ValueError, KeyError, TypeError):
        return HttpResponse("no resource_id", status=400)
    p = CardPayment.objects.filter(provider=pay.GovUkPay.name, provider_id=payment_id).first()
    if p is None:
        return HttpResponse("not a payment of ours", status=200)
    try:
        payments.confirm(p)
    except pay.PayError:
        return HttpResponse("GOV.UK Pay could not be asked: send it again", status=503)
    except (payments.PaymentError, door.DoorRefused) as e:
        return HttpResponse(f"not posted: {e}", status=200)
    return HttpResponse("ok", status=200)
