"""Setting up a payment arrangement, step by step: income and expenditure → proposal → check
and confirm; then the arrangement (schedule with each payment's status, history), its written
confirmation (print and PDF), review and cancel.

The forms read and parse the request; the rules live in rentbook.arrangements.services.
Nothing the officer typed is lost on an error: every value goes back into its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from rentbook.arrangements import services, statements
from rentbook.arrangements.breach import Tolerance
from rentbook.arrangements.models import Arrangement, ArrangementEvent, Kind, Statement
from rentbook.arrangements.schedules import (
    FREQUENCY_LABELS,
    LAST,
    WEEKDAYS,
    Frequency,
    Rule,
    ScheduleError,
    Terms,
    add_months,
    describe,
    first_payment_date,
    schedule,
)
from rentbook.benefits.facts import expected_for
from rentbook.ledger.balances import account_position
from rentbook.ledger.models import Account, PaymentMethod
from rentbook.money import MoneyError, format_plain, parse_pounds
from rentbook.web import permissions
from rentbook.web.forms import DateField
from rentbook.web.views.cases import FormErrors, _account, _refuse_readers, _tenants

SECTION_TITLES = {
    statements.INCOME: "Income",
    statements.FIXED: "Fixed costs",
    statements.FLEXIBLE: "Flexible costs",
    statements.PRIORITY: "Priority debts",
    statements.OTHER: "Other debts",
}


def read_money(
    errors: FormErrors, field: str, text: str, label: str, *, required: bool = False
) -> int | None:
    if not text:
        if required:
            errors.add(field, f"Enter {label}")
        return None
    try:
        value = parse_pounds(text)
    except MoneyError:
        errors.add(field, f"{label[0].upper()}{label[1:]} must be an amount, like 120.50")
        return None
    if value < 0:
        errors.add(field, f"{label[0].upper()}{label[1:]} cannot be negative")
        return None
    return value


def read_count(errors: FormErrors, field: str, text: str, label: str, low: int, high: int) -> int:
    if not text.isdigit() or not low <= int(text) <= high:
        errors.add(field, f"{label} must be a whole number from {low} to {high}")
        return low
    return int(text)


# ---- step 1: income and expenditure ---------------------------------------------------------


def income_expenditure(request: HttpRequest, reference: str) -> HttpResponse:
    _refuse_readers(request)
    account = _account(reference)
    today = timezone.localdate()
    errors = FormErrors()
    items = [i for _, i, _ in statements.ITEMS]
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in [*items, "adults", "children"]}
        values["note"] = request.POST.get("note", "").strip()
        taken = DateField.read(request.POST, "taken", "Date of the statement")
        if taken.error:
            errors.add("taken-day", taken.error)
        elif taken.value is None:
            errors.add("taken-day", "Enter the date of the statement")
            taken.error, taken.error_parts = "Enter the date of the statement", {"day"}
        elif taken.value > today:
            errors.add("taken-day", "Date of the statement must be today or in the past")
            taken.error = "Date of the statement must be today or in the past"
            taken.error_parts = {"day", "month", "year"}
        adults = read_count(errors, "adults", values["adults"], "Adults", 1, 20)
        children = read_count(errors, "children", values["children"], "Children", 0, 20)
        amounts = {}
        for _, item, label in statements.ITEMS:
            amount = read_money(errors, item, values[item], label.lower())
            if amount:
                amounts[item] = amount
        if (
            not amounts.get("earnings")
            and not any(amounts.get(i) for s, i, _ in statements.ITEMS if s == statements.INCOME)
            and not errors
        ):
            errors.add("earnings", "Enter the household's income")
        if not errors and taken.value is not None:
            s = services.record_statement(
                account,
                taken.value,
                amounts,
                adults=adults,
                children=children,
                note=values["note"],
                by=request.user,
            )
            ref = request.GET.get("customer", "")
            if ref and account.customers.filter(import_ref=ref).exists():
                # taken for a combination arrangement across the customer's debts
                url = reverse("web:combined-arrangement-new", args=[ref])
                return redirect(f"{url}?statement={s.pk}")
            return redirect(f"{_url('web:arrangement-terms', account)}?statement={s.pk}")
    else:
        values = dict.fromkeys(items, "")
        values.update(adults="1", children="0", note="")
        latest = Statement.objects.filter(account=account).first()
        if latest is not None:
            for item, amount in services.statement_amounts(latest).items():
                values[item] = format_plain(amount)
            values.update(adults=str(latest.adults), children=str(latest.children))
        position = account_position(account, today, expected_for(account.pk, today))
        if not values["rent"] and position.weekly_charge:
            values["rent"] = format_plain(position.weekly_charge * 52 // 12)
        taken = DateField.of("taken", "Date of the statement", today)
    sections = [
        (
            SECTION_TITLES[section],
            [
                (item, label, values[item], errors.by_id.get(item, ""))
                for s, item, label in statements.ITEMS
                if s == section
            ],
        )
        for section in SECTION_TITLES
    ]
    return render(
        request,
        "web/arrangements/income_expenditure.html",
        {
            "account": account,
            "tenants": _tenants(account),
            "sections": sections,
            "values": values,
            "taken": taken,
            "errors": errors.summary(),
            "error": errors.by_id,
        },
        status=400 if errors else 200,
    )


def _url(name: str, account: Account, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=[account.reference, *args])


# ---- step 2 and 3: terms, proposal, check and confirm ---------------------------------------


@dataclass
class TermsForm:
    values: dict[str, str]
    first: DateField
    lump_on: DateField
    errors: FormErrors
    rule: Rule | None = None
    instalment: int | None = None
    lump_sum: int = 0
    tolerance: Tolerance | None = None


FIELDS = (
    "kind",
    "frequency",
    "weekday",
    "day_of_month",
    "nth",
    "payment_method",
    "choice",
    "own_amount",
    "lump_sum",
    "tolerance_days",
    "tolerance_pounds",
    "statement",
)


def _read_terms(data: Any, today: date, *, choosing: bool) -> TermsForm:
    values = {k: (data.get(k) or "").strip() for k in FIELDS}
    first = DateField.read(data, "first", "First payment date")
    lump_on = DateField.read(data, "lump", "Lump sum date")
    errors = FormErrors()
    form = TermsForm(values, first, lump_on, errors)
    if values["kind"] not in Kind.values:
        errors.add("kind", "Select the type of arrangement")
    freq = values["frequency"]
    if freq not in Frequency._value2member_map_:
        errors.add("frequency", "Select how often the tenant will pay")
    weekday = (
        int(values["weekday"]) if values["weekday"] in {"0", "1", "2", "3", "4", "5", "6"} else None
    )
    nth = None
    day = None
    if freq == Frequency.MONTHLY and values["nth"]:
        if values["nth"] not in {"1", "2", "3", "4", str(LAST)}:
            errors.add("nth", "Select which weekday of the month")
        else:
            nth = int(values["nth"])
            if weekday is None:
                errors.add("weekday", "Select the weekday")
    elif freq == Frequency.MONTHLY:
        if not values["day_of_month"].isdigit() or not 1 <= int(values["day_of_month"]) <= 31:
            errors.add("day_of_month", "Day of the month must be a number from 1 to 31")
        else:
            day = int(values["day_of_month"])
    if first.error:
        errors.add("first-day", first.error)
    elif first.value is None:
        errors.add("first-day", "Enter the first payment date")
        first.error, first.error_parts = "Enter the first payment date", {"day"}
    elif first.value < today:
        errors.add("first-day", "First payment date must be today or in the future")
        first.error, first.error_parts = (
            "First payment date must be today or in the future",
            {"day", "month", "year"},
        )
    if values["payment_method"] not in PaymentMethod.values:
        errors.add("payment_method", "Select how the tenant will pay")
    lump = read_money(errors, "lump_sum", values["lump_sum"], "the lump sum") or 0
    form.lump_sum = lump
    if lump and lump_on.error:
        errors.add("lump-day", lump_on.error)
    elif lump and lump_on.value is None:
        errors.add("lump-day", "Enter the date of the lump sum")
        lump_on.error, lump_on.error_parts = "Enter the date of the lump sum", {"day"}
    elif lump and lump_on.value is not None and lump_on.value < today:
        errors.add("lump-day", "Lump sum date must be today or in the future")
        lump_on.error, lump_on.error_parts = (
            "Lump sum date must be today or in the future",
            {"day", "month", "year"},
        )
    days = read_count(errors, "tolerance_days", values["tolerance_days"], "Days of grace", 0, 28)
    pence = read_money(errors, "tolerance_pounds", values["tolerance_pounds"], "the tolerance") or 0
    form.tolerance = Tolerance(days, pence)
    if freq in Frequency._value2member_map_ and not {"frequency", "nth", "day_of_month"} & set(
        errors.by_id
    ):
        wd = (
            weekday
            if freq in (Frequency.WEEKLY, Frequency.FORTNIGHTLY, Frequency.FOUR_WEEKLY)
            else None
        )
        try:
            form.rule = Rule(Frequency(freq), day, wd if nth is None else weekday, nth)
        except ScheduleError as e:
            errors.add("frequency", str(e))
    if form.rule is not None and first.value is not None and "first-day" not in errors.by_id:
        fits = first_payment_date(first.value, form.rule)
        if fits != first.value:
            message = (
                f"First payment date must fit the terms ({describe(form.rule).lower()}),"
                f" like {fits:%-d %B %Y}"
            )
            errors.add("first-day", message)
            first.error, first.error_parts = message, {"day", "month", "year"}
    if choosing:
        if not values["choice"]:
            errors.add("choice", "Select an instalment, or set your own")
        elif values["choice"] == "own":
            form.instalment = read_money(
                errors, "own_amount", values["own_amount"], "the instalment", required=True
            )
            if form.instalment == 0:
                errors.add("own_amount", "The instalment must be more than £0.00")
        else:
            form.instalment = read_money(errors, "choice", values["choice"], "the instalment")
    return form


def _defaults(today: date, account: Account) -> dict[str, str]:
    return {
        "kind": Kind.INFORMAL.value,
        "frequency": Frequency.WEEKLY.value,
        "weekday": "0",
        "day_of_month": str(today.day),
        "nth": "",
        "payment_method": account.payment_method or PaymentMethod.CARD.value,
        "choice": "",
        "own_amount": "",
        "lump_sum": "",
        "tolerance_days": "5",
        "tolerance_pounds": "0.00",
        "statement": "",
    }


def arrangement_terms(request: HttpRequest, reference: str) -> HttpResponse:
    _refuse_readers(request)
    account = _account(reference)
    today = timezone.localdate()
    arrears = services.balance_through(account.pk, today - timedelta(days=1))
    position = account_position(account, today, expected_for(account.pk, today))
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if request.method == "POST":
        form = _read_terms(request.POST, today, choosing=step in ("check", "confirm"))
    else:
        values = _defaults(today, account)
        values["statement"] = request.GET.get("statement", "")
        rule = Rule(Frequency.WEEKLY, weekday=0)
        form = TermsForm(
            values,
            DateField.of("first", "First payment date", first_payment_date(today, rule)),
            DateField(name="lump", label="Lump sum date"),
            FormErrors(),
            rule=rule,
            tolerance=Tolerance(),
        )
    statement = None
    if form.values["statement"].isdigit():
        statement = Statement.objects.filter(
            account=account, pk=int(form.values["statement"])
        ).first()
    summary = services.summary(statement) if statement else None
    if arrears <= 0:
        form.errors.add("choice", "There are no arrears to clear, so no arrangement is needed")
    options: list[services.Proposal] = []
    first = form.first.value
    if form.rule is not None and first is not None and arrears > 0:
        options = services.proposals(
            arrears,
            position.weekly_charge,
            summary.surplus if summary else 0,
            form.rule,
            first,
            lump_sum=min(form.lump_sum, arrears) if form.lump_on.value else 0,
            lump_sum_on=form.lump_on.value if form.lump_sum else None,
        )
    plan = None
    if step in ("check", "confirm") and not form.errors and form.rule and first and form.instalment:
        try:
            terms = Terms(
                arrears,
                form.instalment,
                form.rule,
                first,
                min(form.lump_sum, arrears),
                form.lump_on.value if form.lump_sum else None,
            )
            plan = schedule(terms)
        except ScheduleError as e:
            form.errors.add("own_amount" if form.values["choice"] == "own" else "choice", str(e))
    if plan is not None and step == "confirm" and not form.errors:
        assert form.rule is not None and first is not None and form.instalment is not None
        a = services.create_arrangement(
            account,
            kind=form.values["kind"],
            rule=form.rule,
            instalment=form.instalment,
            start=today,
            first_payment=first,
            payment_method=form.values["payment_method"],
            starting_balance=arrears,
            ongoing_charge=services.charge_per_payment(position.weekly_charge, form.rule.frequency),
            lump_sum=min(form.lump_sum, arrears),
            lump_sum_on=form.lump_on.value if form.lump_sum else None,
            tolerance=form.tolerance,
            statement=statement,
            by=request.user,
        )
        messages.success(request, "Arrangement set up. Print or send the written confirmation.")
        return redirect("web:arrangement", reference=account.reference, pk=a.pk)
    context = {
        "account": account,
        "tenants": _tenants(account),
        "arrears": arrears,
        "position": position,
        "statement": statement,
        "summary": summary,
        "labels": statements.LABELS,
        "values": form.values,
        "first": form.first,
        "lump_on": form.lump_on,
        "options": [(format_plain(p.instalment), p) for p in options],
        "kinds": Kind.choices,
        "frequencies": [(f.value, FREQUENCY_LABELS[f]) for f in Frequency],
        "weekdays": list(enumerate(WEEKDAYS)),
        "nths": [("1", "1st"), ("2", "2nd"), ("3", "3rd"), ("4", "4th"), (str(LAST), "Last")],
        "methods": PaymentMethod.choices,
        "errors": form.errors.summary(),
        "error": form.errors.by_id,
    }
    if plan is not None and not form.errors and form.rule is not None:
        charge = services.charge_per_payment(position.weekly_charge, form.rule.frequency)
        context.update(
            plan=plan,
            rule_text=describe(form.rule),
            instalment=form.instalment,
            charge=charge,
            review_on=add_months(today, services.REVIEW_MONTHS),
            kind_label=Kind(form.values["kind"]).label,
            method_label=PaymentMethod(form.values["payment_method"]).label,
            tolerance=form.tolerance,
            post=[
                (k, v) for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "step")
            ],
        )
        return render(request, "web/arrangements/confirm.html", context)
    return render(
        request,
        "web/arrangements/terms.html",
        context,
        status=400 if form.errors and step else 200,
    )


# ---- the arrangement -------------------------------------------------------------------------


def _arrangement(reference: str, pk: int) -> Arrangement:
    return get_object_or_404(
        Arrangement.objects.select_related("account__tenancy__property", "created_by"),
        pk=pk,
        account__reference=reference,
    )


def arrangement_context(a: Arrangement, as_of: date) -> dict[str, Any]:
    """What the account page and the arrangement page show: terms, the schedule with each
    payment's status, and the history (brought up to date from the ledger first)."""
    last = as_of if a.cancelled_on is None else min(as_of, a.cancelled_on)
    if last >= a.start:
        services.record_changes(a, last)
    return {
        "arrangement": a,
        "rule_text": describe(a.rule),
        "statuses": services.statuses(a, as_of) if as_of >= a.start else [],
        "events": list(ArrangementEvent.objects.filter(arrangement=a)),
        "review_due": a.state == "live" and a.review_on <= as_of,
        "statement_summary": services.summary(a.statement) if a.statement else None,
    }


def account_arrangement(account: Account, as_of: date) -> dict[str, Any]:
    """For the account page: the latest arrangement, if any."""
    a = Arrangement.objects.filter(account=account).order_by("-start", "-id").first()
    # a plan the tenant proposed online, waiting for an officer (web/views/tenant_proposals.py)
    waiting = account.proposals.filter(status="pending").first()
    return {"arr": arrangement_context(a, as_of) if a is not None else None, "proposal": waiting}


def arrangement_page(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    a = _arrangement(reference, pk)
    as_of = timezone.localdate()
    return render(
        request,
        "web/arrangements/arrangement.html",
        {
            "account": a.account,
            "tenants": _tenants(a.account),
            "arr": arrangement_context(a, as_of),
        },
    )


def _confirmation_context(a: Arrangement) -> dict[str, Any]:
    return {
        "account": a.account,
        "tenants": list(a.account.tenancy.tenants.all()),
        "property": a.account.tenancy.property,
        "arrangement": a,
        "rule_text": describe(a.rule),
        "plan": services.payments_of(a),
        "printed_on": timezone.localdate(),
    }


def confirmation(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    a = _arrangement(reference, pk)
    return render(request, "web/arrangements/confirmation.html", _confirmation_context(a))


@permissions.allowed(permissions.can_export)
def confirmation_pdf(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    a = _arrangement(reference, pk)
    html = render_to_string(
        "web/arrangements/confirmation.html",
        {**_confirmation_context(a), "pdf": True},
        request=request,
    )
    from rentbook.web import pdf

    try:
        body = pdf.html_to_pdf(html)
    except pdf.PdfTimeout:
        return HttpResponse("The PDF took too long to make. Try again.", status=503)
    response = HttpResponse(body, content_type="application/pdf")
    name = f"arrangement-{a.account.reference}-{a.start:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def mark_reviewed(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    _refuse_readers(request)
    a = _arrangement(reference, pk)
    if request.method == "POST":
        services.reviewed(a, timezone.localdate())
        messages.success(request, f"Reviewed. The next review is on {a.review_on:%-d %B %Y}")
    return redirect("web:arrangement", reference=reference, pk=pk)


def cancel_arrangement(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    _refuse_readers(request)
    a = _arrangement(reference, pk)
    if request.method == "POST" and a.cancelled_on is None:
        services.cancel(a, timezone.localdate(), "cancelled by an officer")
        messages.success(request, "The arrangement is cancelled")
    return redirect("web:arrangement", reference=reference, pk=pk)
