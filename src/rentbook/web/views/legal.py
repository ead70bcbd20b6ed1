"""The legal pages: record a notice (refused while a pre-action step is missing) and the
post-court review. Thin: the rules live in rentbook.legal.services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from rentbook.ledger.models import Account
from rentbook.legal import rules, services
from rentbook.money import MoneyError, parse_pounds
from rentbook.web import permissions
from rentbook.web.forms import DateField
from rentbook.web.views.cases import FormErrors

PAGE_SIZE = 50


def _account(reference: str) -> Account:
    return get_object_or_404(Account.objects.select_related("tenancy"), reference=reference)


def record_notice(request: HttpRequest, reference: str) -> HttpResponse:
    if not permissions.can_change(request.user):
        raise PermissionDenied
    account = _account(reference)
    today = timezone.localdate()
    j = services.jurisdiction(account)
    types = [(t, rules.NOTICE_TYPES[t]) for t in rules.JURISDICTION_NOTICES[j]]
    errors = FormErrors()
    values = {"type": types[0][0] if len(types) == 1 else "", "grounds": ""}
    served = DateField.of("served", "Date served", today)
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in ("type", "grounds")}
        served = DateField.read(request.POST, "served", "Date served")  # type: ignore[arg-type]
        if served.error:
            errors.add("served-day", served.error)
        elif served.value is None:
            served.error = "Enter the date the notice was served"
            errors.add("served-day", served.error)
        if not errors:
            try:
                n = services.record_notice(
                    account,
                    values["type"],
                    served.value,
                    by=request.user,
                    today=today,
                    grounds=values["grounds"],
                )
            except services.LegalError as e:
                ids = {"served_on": "served-day", "steps": "steps"}
                for key, message in e.errors.items():
                    errors.add(ids.get(key, key), message)
                    if key == "served_on":
                        served.error = message
            else:
                messages.success(
                    request,
                    f"{n.get_type_display()} recorded: court from {n.earliest_court_on:%-d %B %Y},"
                    f" expires {n.expires_on:%-d %B %Y}",
                )
                return redirect("web:account", reference=account.reference)
    on = served.value or today
    return render(
        request,
        "web/legal/record_notice.html",
        {
            "account": account,
            "types": types,
            "values": values,
            "served": served,
            "jurisdiction": j,
            "checklist": services.pre_action_checklist(account, on),
            "errors": errors.summary(),
            "error": errors.by_id,
        },
        status=400 if errors else 200,
    )


def post_court_review(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    errors = FormErrors()
    threshold_text = request.GET.get("above", "1000.00").strip()
    try:
        threshold = parse_pounds(threshold_text)
    except MoneyError:
        errors.add("above", "Balance above must be an amount, like 1000.00")
        threshold = services.DEFAULT_REVIEW_THRESHOLD
    if request.method == "POST":
        if not permissions.can_change(request.user):
            raise PermissionDenied
        account = _account(request.POST.get("account", ""))
        try:
            services.record_review_plan(
                account, request.POST.get("plan", ""), today, by=request.user
            )
        except services.LegalError as e:
            errors.add(f"plan-{account.reference}", e.errors["plan"])
        else:
            messages.success(request, f"Plan recorded for {account.reference}")
            return redirect(f"{request.path}?above={threshold_text}")
    rows = services.post_court_review(today, threshold)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/legal/post_court_review.html",
        {
            "rows": page,
            "page": page,
            "total": len(rows),
            "without_plan": sum(1 for r in rows if r.plan is None),
            "above": threshold_text,
            "extra": urlencode({"above": threshold_text}),
            "errors": errors.summary(),
            "error": errors.by_id,
        },
        status=400 if errors else 200,
    )


#: The forms of the court page, each with the date fields it reads.
COURT_FORMS = {
    "apply": (("applied", "Date applied"), ("hearing", "Hearing date")),
    "outcome": (("decided", "Date of the decision"),),
    "warrant": (("warrant", "Date applied for"),),
    "issued": (("issued", "Date issued"), ("eviction", "Eviction date")),
    "consult": (("consulted", "Date consulted"),),
    "notify": (("notified", "Date sent"),),
    "authorise": (),
    "evicted": (("happened", "Date"),),
}
REQUIRED_DATES = {"applied", "decided", "warrant", "issued", "eviction", "consulted"}
REQUIRED_DATES |= {"notified", "happened"}


def _money(text: str, field: str, label: str, errors: FormErrors) -> int | None:
    if not text:
        return None
    try:
        return parse_pounds(text)
    except MoneyError:
        errors.add(field, f"{label} must be an amount, like 5.00")
        return None


def court(request: HttpRequest, reference: str) -> HttpResponse:
    """The account's court case and eviction: each step's form, in order."""
    account = _account(reference)
    today = timezone.localdate()
    case = services.CourtCase.objects.filter(account=account).first()
    eviction = getattr(case, "eviction", None) if case else None
    errors = FormErrors()
    form = request.POST.get("form", "") if request.method == "POST" else ""
    values = {k: request.POST.get(k, "").strip() for k in request.POST} if form else {}
    dates = {
        name: (
            DateField.read(request.POST, name, label)  # type: ignore[arg-type]
            if form
            else DateField.of(name, label, today if name in REQUIRED_DATES else None)
        )
        for fields in COURT_FORMS.values()
        for name, label in fields
    }
    if form:
        if not permissions.can_change(request.user) or form not in COURT_FORMS:
            raise PermissionDenied
        for name, label in COURT_FORMS[form]:
            f = dates[name]
            if f.error:
                errors.add(f.id, f.error)
            elif f.value is None and name in REQUIRED_DATES:
                f.error = f"Enter the {label.lower()}"
                errors.add(f.id, f.error)
        terms = _money(values.get("terms", ""), "terms", "Weekly amount", errors)
        costs = _money(values.get("costs", ""), "costs", "Court costs", errors)
        if not errors:
            by = request.user
            d = {k: f.value for k, f in dates.items()}
            ids = {
                "applied_on": "applied-day",
                "hearing_on": "hearing-day",
                "terms_weekly": "terms",
                "eviction_on": "eviction-day",
                "notified_on": "notified-day",
            }
            if form == "evicted":
                ids["outcome"] = "eviction_outcome"
            try:
                if form == "apply":
                    assert d["applied"] is not None
                    services.apply_to_court(account, d["applied"], by=by, hearing_on=d["hearing"])
                elif form == "outcome" and case:
                    assert d["decided"] is not None
                    services.record_outcome(
                        case,
                        values.get("outcome", ""),
                        d["decided"],
                        by=by,
                        terms_weekly=terms,
                        costs=costs or 0,
                    )
                elif form == "warrant" and case:
                    assert d["warrant"] is not None
                    services.warrant_applied(case, d["warrant"], by=by)
                elif form == "issued" and case:
                    assert d["issued"] is not None and d["eviction"] is not None
                    services.warrant_issued(case, d["issued"], d["eviction"], by=by)
                elif form == "consult" and eviction:
                    assert d["consulted"] is not None
                    services.record_consultation(
                        eviction, values.get("consultation", ""), d["consulted"], by=by
                    )
                elif form == "notify" and eviction:
                    assert d["notified"] is not None
                    recipients = values.get("recipients", "").splitlines()
                    services.notify_eviction(eviction, recipients, d["notified"], by=by)
                elif form == "authorise" and eviction:
                    services.authorise_eviction(eviction, today, by=by)
                elif form == "evicted" and eviction:
                    assert d["happened"] is not None
                    services.record_eviction_outcome(
                        eviction, values.get("eviction_outcome", ""), d["happened"], by=by
                    )
                else:
                    raise services.LegalError({"form": "That step is not open on this case"})
            except services.LegalError as e:
                for key, message in e.errors.items():
                    errors.add(ids.get(key, key), message)
            else:
                messages.success(request, "Recorded")
                return redirect("web:court", reference=account.reference)
    return render(
        request,
        "web/legal/court.html",
        {
            "account": account,
            "case": case,
            "eviction": eviction,
            "blockers": services.eviction_blockers(eviction, today) if eviction else [],
            "may_authorise": getattr(request.user, "role", None) in rules.AUTHORISING_ROLES,
            "outcomes": rules.OUTCOMES,
            "consultations": [
                (k, rules.CONSULTATION_LABELS.get(k, k), (eviction.consultations or {}).get(k))
                for k in services.required_consultations()
            ]
            if eviction
            else [],
            "eviction_outcomes": services.Eviction.Outcome.choices,
            "dates": dates,
            "values": values,
            "form": form,
            "errors": errors.summary(),
            "error": errors.by_id,
        },
        status=400 if errors else 200,
    )
