"""Combination arrangements from the customer page: the customer's debts with what each owes
and owes next, the terms (how often, how much, from when), a check of how each payment is
shared before anything is saved, then the arrangement (each stream's part and state) and its
one letter (print and PDF). The rules live in rentbook.debts.arrangements and .combined."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from rentbook.arrangements import services as rent_arrangements
from rentbook.arrangements.breach import DEFAULT_TOLERANCE_DAYS, Tolerance
from rentbook.arrangements.models import Statement
from rentbook.arrangements.schedules import (
    FREQUENCY_LABELS,
    PER_YEAR,
    Frequency,
    Rule,
    describe,
)
from rentbook.debts import arrangements as service
from rentbook.debts.combined import CombinedError
from rentbook.debts.models import CombinedArrangement, Customer
from rentbook.ledger.models import PaymentMethod
from rentbook.money import MoneyError, parse_pounds
from rentbook.web import permissions
from rentbook.web.forms import DateField
from rentbook.web.views.cases import FormErrors, _refuse_readers

FREQUENCIES = [f for f in Frequency if f != Frequency.ONE_OFF]
#: Payments shown on the page and in the letter before "and so on".
SHOWN = 12


def _rows(payments: Any, keys: list[str]) -> list[tuple[Any, list[int]]]:
    """Each payment with what each debt (in ``keys`` order) gets from it, ongoing and arrears
    together."""
    return [(p, [p.ongoing.get(k, 0) + p.arrears.get(k, 0) for k in keys]) for p in payments]


def _customer(ref: str) -> Customer:
    return get_object_or_404(Customer.objects.select_related("account__tenancy"), import_ref=ref)


def _rule(frequency: Frequency, first: date) -> Rule:
    if frequency == Frequency.MONTHLY:
        return Rule(frequency, day_of_month=first.day)
    return Rule(frequency, weekday=first.weekday())


def _statement(customer: Customer, value: str) -> Statement | None:
    if customer.account_id is None:
        return None
    found = Statement.objects.filter(account_id=customer.account_id)
    if value.isdigit():
        return found.filter(pk=int(value)).first()
    return found.first()  # the latest


def new_arrangement(request: HttpRequest, customer_ref: str) -> HttpResponse:
    _refuse_readers(request)
    customer = _customer(customer_ref)
    today = timezone.localdate()
    errors = FormErrors()
    data = request.POST if request.method == "POST" else request.GET
    step = request.POST.get("step", "") if request.method == "POST" else ""
    values = {
        "frequency": data.get("frequency", Frequency.WEEKLY.value),
        "payment": data.get("payment", "").strip(),
        "payment_method": data.get("payment_method", PaymentMethod.CARD.value),
        "tolerance_days": data.get("tolerance_days", str(DEFAULT_TOLERANCE_DAYS)).strip(),
        "statement": data.get("statement", ""),
    }
    if values["frequency"] not in [f.value for f in FREQUENCIES]:
        errors.add("frequency", "Choose how often the customer will pay")
        values["frequency"] = Frequency.WEEKLY.value
    frequency = Frequency(values["frequency"])
    if request.method == "POST":
        first = DateField.read(request.POST, "first", "First payment date")
        if first.error:
            errors.add(first.id, first.error)
        elif first.value is None:
            first.error, first.error_parts = "Enter the first payment date", {"day"}
            errors.add(first.id, first.error)
        elif first.value < today:
            first.error = "First payment date must be today or in the future"
            first.error_parts = {"day", "month", "year"}
            errors.add(first.id, first.error)
    else:
        first = DateField.of("first", "First payment date", today + timedelta(days=7))
    if values["payment_method"] not in PaymentMethod.values:
        errors.add("payment_method", "Choose how the customer will pay")
    tolerance_days = DEFAULT_TOLERANCE_DAYS
    if not values["tolerance_days"].isdigit() or int(values["tolerance_days"]) > 28:
        errors.add("tolerance_days", "Days of grace must be a whole number from 0 to 28")
    else:
        tolerance_days = int(values["tolerance_days"])
    payment = None
    if values["payment"]:
        try:
            payment = parse_pounds(values["payment"])
        except MoneyError:
            errors.add("payment", "Each payment must be an amount, like 120.50")
    elif step:
        errors.add("payment", "Enter how much the customer will pay each time")
    statement = _statement(customer, values["statement"])
    summary = rent_arrangements.summary(statement) if statement else None
    start = first.value or today
    rule = _rule(frequency, start)
    owing = service.owing(customer, today, rule, start)
    ongoing = sum(o.part.ongoing_each for o in owing)
    arrears = sum(o.part.arrears for o in owing)
    if not arrears:
        errors.add("payment", "There are no arrears to clear, so no arrangement is needed")
    the_plan = None
    if payment is not None and not errors and first.value is not None:
        try:
            the_plan = service.make_plan([o.part for o in owing], payment, rule, first.value)
        except CombinedError as e:
            errors.add("payment", str(e))
    surplus = None
    if summary is not None:
        surplus = summary.surplus * 12 // PER_YEAR[frequency]
    if the_plan is not None and step == "confirm" and first.value is not None:
        assert payment is not None
        try:
            ca = service.agree(
                customer,
                rule=rule,
                payment=payment,
                start=today,
                first_payment=first.value,
                payment_method=values["payment_method"],
                tolerance=Tolerance(tolerance_days, 0),
                statement=statement,
                by=request.user,
            )
        except (CombinedError, service.AgreeError) as e:
            errors.add("payment", str(e))
        else:
            messages.success(request, "Arrangement agreed. Print or send the letter.")
            return redirect("web:combined-arrangement", customer_ref=customer_ref, pk=ca.pk)
    context: dict[str, Any] = {
        "customer": customer,
        "owing": owing,
        "ongoing": ongoing,
        "arrears": arrears,
        "summary": summary,
        "statement": statement,
        "surplus": surplus,
        "values": values,
        "first": first,
        "frequencies": [(f.value, FREQUENCY_LABELS[f]) for f in FREQUENCIES],
        "methods": PaymentMethod.choices,
        "errors": errors.summary(),
        "error": errors.by_id,
        "plan": the_plan,
        "rule_text": describe(rule),
        "shown": _rows(the_plan.payments[:SHOWN], [o.part.key for o in owing]) if the_plan else [],
        "more": max(0, len(the_plan.payments) - SHOWN) if the_plan else 0,
        "columns": [o.label for o in owing],
        "ie_url": (
            reverse("web:arrangement-new", args=[customer.account.reference])
            + f"?customer={customer.import_ref}"
            if customer.account is not None and permissions.sees_rent(request.user)
            else ""
        ),
    }
    if the_plan is not None:
        context["shares"] = [
            (o, the_plan.payments[0].ongoing.get(o.part.key, 0),
             the_plan.payments[0].arrears.get(o.part.key, 0), the_plan.clears(o.part.key))
            for o in owing
        ]  # fmt: skip
    template = "web/debts/arrangement_check.html" if the_plan and step == "check" else None
    return render(
        request,
        template or "web/debts/arrangement_terms.html",
        context,
        status=400 if errors and step else 200,
    )


def _arrangement(customer_ref: str, pk: int) -> CombinedArrangement:
    return get_object_or_404(
        CombinedArrangement.objects.select_related("customer__account", "created_by"),
        pk=pk,
        customer__import_ref=customer_ref,
    )


def _context(ca: CombinedArrangement, as_of: date) -> dict[str, Any]:
    parts = service.assess(ca, as_of)
    the_plan = service.plan_of(ca, [v.part for v in parts])
    return {
        "customer": ca.customer,
        "arrangement": ca,
        "parts": parts,
        "plan": the_plan,
        "shown": _rows(the_plan.payments[:SHOWN], [v.part.key for v in parts]),
        "more": max(0, len(the_plan.payments) - SHOWN),
        "columns": [v.label for v in parts],
        "letter_rows": [
            (v, the_plan.payments[0].ongoing.get(v.part.key, 0) + v.first_share)
            if the_plan.payments
            else (v, 0)
            for v in parts
        ],
        "rule_text": describe(service.rule_of(ca)),
        "method": PaymentMethod(ca.payment_method).label
        if ca.payment_method in PaymentMethod.values
        else ca.payment_method,
        "printed_on": as_of,
    }


def arrangement_page(request: HttpRequest, customer_ref: str, pk: int) -> HttpResponse:
    ca = _arrangement(customer_ref, pk)
    return render(request, "web/debts/arrangement.html", _context(ca, timezone.localdate()))


def letter(request: HttpRequest, customer_ref: str, pk: int) -> HttpResponse:
    ca = _arrangement(customer_ref, pk)
    return render(request, "web/debts/arrangement_letter.html", _context(ca, timezone.localdate()))


@permissions.allowed(permissions.can_export)
def letter_pdf(request: HttpRequest, customer_ref: str, pk: int) -> HttpResponse:
    ca = _arrangement(customer_ref, pk)
    html = render_to_string(
        "web/debts/arrangement_letter.html",
        {**_context(ca, timezone.localdate()), "pdf": True},
        request=request,
    )
    from rentbook.web import pdf

    try:
        body = pdf.html_to_pdf(html)
    except pdf.PdfTimeout:
        return HttpResponse("The PDF took too long to make. Try again.", status=503)
    response = HttpResponse(body, content_type="application/pdf")
    name = f"arrangement-{ca.customer.import_ref}-{ca.start:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def cancel(request: HttpRequest, customer_ref: str, pk: int) -> HttpResponse:
    _refuse_readers(request)
    ca = _arrangement(customer_ref, pk)
    if request.method == "POST" and ca.cancelled_on is None:
        service.cancel(ca, timezone.localdate(), "cancelled by an officer", by=request.user)
        messages.success(request, "The arrangement is cancelled")
    return redirect("web:combined-arrangement", customer_ref=customer_ref, pk=pk)
