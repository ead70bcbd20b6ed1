"""The case: what the account page adds for case work, and its forms.

The forms read and parse the request (dates, times, money); the rules live in
``rentbook.cases.services``, whose errors name the field they belong to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from rentbook.cases import services
from rentbook.cases.codes import ACTION_CODES, BY_CODE
from rentbook.cases.models import Category, DiaryEntry, Flag, Pause
from rentbook.engine.models import Recommendation
from rentbook.ledger.models import Account
from rentbook.money import MoneyError, parse_pounds
from rentbook.risk.access import scores_of
from rentbook.web import permissions
from rentbook.web import worktray as wt
from rentbook.web.forms import DateField

DIARY_SHOWN = 100
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


@dataclass
class Recommended:
    rec: Recommendation
    run: Any
    action_label: str
    rule_label: str
    code: str | None  # the diary code recording this action, if the policy names one


def current_recommendation(account: Account) -> Recommended | None:
    run = wt.latest_run()
    if run is None:
        return None
    rec = Recommendation.objects.filter(run=run, account=account).first()
    if rec is None:
        return None
    text = wt.policy_text(run.policy)
    return Recommended(
        rec=rec,
        run=run,
        action_label=text.action_label(rec.action),
        rule_label=text.rule_label(rec.rule) if rec.rule else "",
        code=text.action_code(rec.action),
    )


def case_context(account: Account, today: date) -> dict[str, Any]:
    """What the account page shows for case work."""
    diary = list(
        DiaryEntry.objects.filter(account=account)
        .select_related("officer")
        .order_by("-at", "-id")[: DIARY_SHOWN + 1]
    )
    recommended = current_recommendation(account)
    return {
        "recommended": recommended,
        "risk_scores": scores_of(recommended.rec if recommended else None),
        "diary": diary[:DIARY_SHOWN],
        "diary_more": len(diary) > DIARY_SHOWN,
        "labels": {a.code: a.label for a in ACTION_CODES},
        "pause": services.active_pause(account, today),
        "flags": services.active_flags(account, today),
    }


def _account(reference: str) -> Account:
    return get_object_or_404(Account.objects.select_related("tenancy"), reference=reference)


def _refuse_readers(request: HttpRequest) -> None:
    # The middleware refuses the auditor's posts; this also hides the forms from them.
    if not permissions.can_change(request.user):
        raise PermissionDenied


def _tenants(account: Account) -> str:
    return " and ".join(t.full_name for t in account.tenancy.tenants.all())


def code_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """ACTION_CODES grouped by category, in the order the vocabulary lists them."""
    order = [c.value for c in Category]
    codes = sorted(ACTION_CODES, key=lambda a: order.index(a.category))
    return [
        (Category(cat).label, [(a.code, a.label) for a in group])
        for cat, group in groupby(codes, key=lambda a: a.category)
    ]


def _read_time(text: str) -> time | None:
    m = _TIME.match(text.strip())
    if not m:
        return None
    hour, minute = int(m[1]), int(m[2])
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class FormErrors:
    """Errors by form element id, in page order, for the GOV.UK error summary."""

    def __init__(self) -> None:
        self.by_id: dict[str, str] = {}

    def add(self, element_id: str, message: str) -> None:
        self.by_id.setdefault(element_id, message)

    def summary(self) -> list[dict[str, str]]:
        return [{"id": k, "message": v} for k, v in self.by_id.items()]

    def __bool__(self) -> bool:
        return bool(self.by_id)


def record_action(request: HttpRequest, reference: str) -> HttpResponse:
    _refuse_readers(request)
    account = _account(reference)
    now = timezone.localtime()
    recommended = current_recommendation(account)
    errors = FormErrors()
    data = request.POST if request.method == "POST" else None
    if data is None:
        code = (recommended.code if recommended else "") or request.GET.get("code", "")
        done = DateField.of("done", "Date done", now.date())
        done_time = now.strftime("%H:%M")
        promise = DateField(name="promise", label="Promised date")
        values = {"code": code, "outcome": "", "note": "", "promise_amount": ""}
        rec_id = str(recommended.rec.pk) if recommended and recommended.code == code else ""
    else:
        values = {k: data.get(k, "").strip() for k in ("code", "outcome", "note")}
        values["promise_amount"] = data.get("promise_amount", "").strip()
        done = DateField.read(data, "done", "Date done")
        done_time = data.get("done-time", "").strip()
        promise = DateField.read(data, "promise", "Promised date")
        rec_id = data.get("recommendation_id", "").strip()
        at = None
        if values["code"] not in BY_CODE:
            errors.add("code", "Select the action you took")
        if done.error:
            errors.add("done-day", done.error)
        elif done.value is None:
            errors.add("done-day", "Enter the date the action was done")
            done.error, done.error_parts = "Enter the date the action was done", {"day"}
        parsed_time = _read_time(done_time) if done_time else None
        if done_time and parsed_time is None:
            errors.add("done-time", "Time done must be a real time, like 14:30")
        if done.value is not None and not done_time:
            errors.add("done-time", "Enter the time the action was done, like 14:30")
        if done.value is not None and parsed_time is not None:
            at = timezone.make_aware(datetime.combine(done.value, parsed_time))
        amount = None
        if values["promise_amount"]:
            try:
                amount = parse_pounds(values["promise_amount"])
            except MoneyError:
                errors.add("promise_amount", "Promised amount must be an amount, like 25.00")
        if promise.error:
            errors.add("promise-day", promise.error)
        if not errors:
            try:
                services.record_action(
                    account,
                    values["code"],
                    at,
                    request.user,
                    outcome=values["outcome"],
                    note=values["note"],
                    promise_amount=amount,
                    promise_date=promise.value,
                    recommendation_id=int(rec_id) if rec_id.isdigit() else None,
                    now=timezone.now(),
                )
            except services.CaseError as e:
                ids = {"at": "done-day", "promise_date": "promise-day"}
                for key, message in e.errors.items():
                    errors.add(ids.get(key, key), message)
                    if key == "at":
                        done.error, done.error_parts = message, {"day", "month", "year"}
                    if key == "promise_date":
                        promise.error, promise.error_parts = message, {"day", "month", "year"}
            else:
                label = BY_CODE[values["code"]].label
                messages.success(request, f"Action recorded: {label}")
                return redirect("web:account", reference=account.reference)
    return render(
        request,
        "web/record_action.html",
        {
            "account": account,
            "tenants": _tenants(account),
            "recommended": recommended,
            "groups": code_groups(),
            "values": values,
            "done": done,
            "done_time": done_time,
            "promise": promise,
            "recommendation_id": rec_id,
            "errors": errors.summary(),
            "error": errors.by_id,
        },
        status=400 if errors else 200,
    )


def pause_case(request: HttpRequest, reference: str) -> HttpResponse:
    _refuse_readers(request)
    account = _account(reference)
    errors = FormErrors()
    values = {"reason": "", "note": ""}
    until = DateField(name="until", label="Pause until")
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        until = DateField.read(request.POST, "until", "Pause until")
        if until.error:
            errors.add("until-day", until.error)
        else:
            try:
                services.pause_case(
                    account,
                    values["reason"],
                    until.value,
                    by=request.user,
                    now=timezone.localtime(),
                    note=values["note"],
                )
            except services.CaseError as e:
                for key, message in e.errors.items():
                    errors.add({"until": "until-day"}.get(key, key), message)
                    if key == "until":
                        until.error, until.error_parts = message, {"day", "month", "year"}
            else:
                messages.success(request, f"The case is paused until {until.value:%-d %B %Y}")
                return redirect("web:account", reference=account.reference)
    return render(
        request,
        "web/pause_case.html",
        {
            "account": account,
            "tenants": _tenants(account),
            "reasons": Pause.Reason.choices,
            "values": values,
            "until": until,
            "errors": errors.summary(),
            "error": errors.by_id,
        },
        status=400 if errors else 200,
    )


def lift_pause(request: HttpRequest, reference: str, pause_id: int) -> HttpResponse:
    _refuse_readers(request)
    if request.method != "POST":
        return redirect("web:account", reference=reference)
    account = _account(reference)
    pause = get_object_or_404(Pause, pk=pause_id, account=account)
    try:
        services.lift_pause(pause, by=request.user, now=timezone.localtime())
    except services.CaseError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "The pause has been lifted")
    return redirect("web:account", reference=account.reference)


def add_flag(request: HttpRequest, reference: str) -> HttpResponse:
    _refuse_readers(request)
    account = _account(reference)
    errors = FormErrors()
    values = {"type": "", "note": ""}
    starts = DateField.of("starts", "Start date", timezone.localdate())
    ends = DateField(name="ends", label="End date")
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        starts = DateField.read(request.POST, "starts", "Start date")
        ends = DateField.read(request.POST, "ends", "End date")
        for f in (starts, ends):
            if f.error:
                errors.add(f.id, f.error)
        if not errors:
            try:
                flag = services.add_flag(
                    account,
                    values["type"],
                    starts.value,
                    by=request.user,
                    ends_on=ends.value,
                    note=values["note"],
                )
            except services.CaseError as e:
                ids = {"starts_on": "starts-day", "ends_on": "ends-day"}
                for key, message in e.errors.items():
                    errors.add(ids.get(key, key), message)
                    field = {"starts_on": starts, "ends_on": ends}.get(key)
                    if field is not None:
                        field.error, field.error_parts = message, {"day", "month", "year"}
            else:
                messages.success(request, f"Flag added: {flag.get_type_display()}")
                return redirect("web:account", reference=account.reference)
    return render(
        request,
        "web/add_flag.html",
        {
            "account": account,
            "tenants": _tenants(account),
            "types": Flag.Type.choices,
            "values": values,
            "starts": starts,
            "ends": ends,
            "errors": errors.summary(),
            "error": errors.by_id,
        },
        status=400 if errors else 200,
    )
