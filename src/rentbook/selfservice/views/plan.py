"""Proposing a payment plan: the Standard Financial Statement in a tenant's words, then an
offer checked by the same affordability rules and clearance dates the officers' proposals
use (arrangements/offers.py). An offer that breaks a rule is explained on the page; the
tenant may change it or send it anyway for an officer to consider. It lands on the officers'
worktray (Proposals from tenants) and the officer's reply comes back to this page."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from rentbook.arrangements import offers, proposals, services, statements
from rentbook.arrangements.models import Statement
from rentbook.arrangements.schedules import FREQUENCY_LABELS, Frequency, Rule
from rentbook.audit.services import acting_as
from rentbook.benefits.facts import expected_for
from rentbook.ledger.balances import account_position
from rentbook.ledger.models import PaymentMethod
from rentbook.money import format_plain, format_pounds
from rentbook.selfservice.codes import tenant_actor
from rentbook.selfservice.session import tenant_required
from rentbook.web.forms import DateField
from rentbook.web.views.arrangements import read_count, read_money
from rentbook.web.views.cases import FormErrors

#: The statement's items as a tenant is asked them: (label, hint).
ASK: dict[str, tuple[str, str]] = {
    "earnings": ("Wages or self-employed income", "After tax and National Insurance"),
    "universal_credit": ("Universal Credit", "What you get, after any deductions"),
    "other_benefits": ("Other benefits", "Such as PIP, Child Benefit, Carer's Allowance"),
    "pensions": ("Pensions", ""),
    "other_income": ("Other money coming in", "Such as maintenance, or money from family"),
    "rent": ("Rent", "What you pay us each month for your home"),
    "council_tax": ("Council Tax", ""),
    "utilities": ("Gas, electricity and water", ""),
    "childcare": ("Childcare", ""),
    "insurance": ("Insurance and TV licence", ""),
    "communications": ("Phone, internet and TV", ""),
    "food": ("Food and household shopping", ""),
    "personal": ("Clothes, toiletries and prescriptions", ""),
    "travel": ("Travel", "Bus fares, petrol, car costs"),
    "priority_debts": ("Payments to other important bills", "Such as energy arrears or fines"),
    "other_debts": ("Payments to other debts", "Such as credit cards, loans, catalogues"),
}
SECTION_WORDS = {
    statements.INCOME: "Money coming in each month",
    statements.FIXED: "Bills each month",
    statements.FLEXIBLE: "Living costs each month",
    statements.PRIORITY: "Other important bills",
    statements.OTHER: "Other debts",
}
#: How a tenant may say they will pay a plan's payments.
METHODS = [
    (m.value, m.label)
    for m in (
        PaymentMethod.DIRECT_DEBIT, PaymentMethod.CARD, PaymentMethod.STANDING_ORDER,
        PaymentMethod.BANK_TRANSFER, PaymentMethod.PAYPOINT, PaymentMethod.POST_OFFICE,
    )
]  # fmt: skip
STATEMENT_KEY = "_rentbook_plan_statement"
OFFER_FREQUENCIES = [(f.value, FREQUENCY_LABELS[f]) for f in Frequency if f != Frequency.ONE_OFF]


@tenant_required
def budget(request: HttpRequest) -> HttpResponse:
    signed = request.tenant  # type: ignore[attr-defined]
    today = timezone.localdate()
    position = account_position(signed.account, today, expected_for(signed.account.pk, today))
    errors = FormErrors()
    items = [i for _, i, _ in statements.ITEMS]
    values = dict.fromkeys(items, "")
    values.update(adults="1", children="0")
    if position.weekly_charge:
        values["rent"] = format_plain(position.weekly_charge * 52 // 12)
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip()[:20] for k in [*items, "adults", "children"]}
        adults = read_count(errors, "adults", values["adults"], "Adults", 1, 20)
        children = read_count(errors, "children", values["children"], "Children", 0, 20)
        amounts = {}
        for item in items:
            amount = read_money(errors, item, values[item], ASK[item][0].lower())
            if amount:
                amounts[item] = amount
        income = [i for s, i, _ in statements.ITEMS if s == statements.INCOME]
        if not errors and not any(amounts.get(i) for i in income):
            errors.add("earnings", "Enter the money your household has coming in each month")
        if not errors:
            with acting_as(tenant_actor(signed.tenant)):
                s = services.record_statement(
                    signed.account, today, amounts, adults=adults, children=children,
                    note=f"From {signed.tenant.full_name}, online",
                )  # fmt: skip
            request.session[STATEMENT_KEY] = s.pk
            return redirect("selfservice:plan-offer")
    sections = [
        (
            SECTION_WORDS[section],
            [(i, *ASK[i], values[i], errors.by_id.get(i, "")) for s, i, _ in statements.ITEMS
             if s == section],
        )
        for section in SECTION_WORDS
    ]  # fmt: skip
    return render(
        request,
        "selfservice/plan_budget.html",
        {
            "errors": errors.summary(), "error": errors.by_id, "values": values,
            "sections": sections, "position": position,
        },
        status=400 if errors else 200,
    )  # fmt: skip


@tenant_required
def offer(request: HttpRequest) -> HttpResponse:
    signed = request.tenant  # type: ignore[attr-defined]
    account = signed.account
    st = Statement.objects.filter(pk=request.session.get(STATEMENT_KEY), account=account).first()
    if st is None:
        return redirect("selfservice:plan")
    today = timezone.localdate()
    position = account_position(account, today, expected_for(account.pk, today))
    summary = services.summary(st)
    arrears = position.balance
    max_months = settings.RENTBOOK_ARRANGEMENT_MAX_MONTHS
    errors = FormErrors()
    values = {"frequency": "weekly", "amount": "", "method": "", "note": ""}
    first = DateField.of("first", "First payment date", today + timedelta(days=7))
    checked: offers.Offer | None = None
    status = 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip()[:500] for k in values}
        f = values["frequency"]
        if f not in {v for v, _ in OFFER_FREQUENCIES}:
            errors.add("frequency", "Select how often you will pay")
        amount = read_money(
            errors, "amount", values["amount"], "amount towards what you owe", required=True
        )
        if values["method"] not in {v for v, _ in METHODS}:
            errors.add("method", "Select how you will pay")
        first = DateField.read(request.POST, "first", "First payment date")
        if first.error:
            errors.add("first-day", first.error)
        elif first.value is None:
            errors.add("first-day", "Enter the date of your first payment")
        elif not today <= first.value <= today + timedelta(days=31):
            errors.add("first-day", "First payment date must be between today and a month from now")
        if "first-day" in errors.by_id and not first.error:
            first.error, first.error_parts = errors.by_id["first-day"], {"day", "month", "year"}
        if not errors and amount is not None and first.value is not None:
            frequency = Frequency(f)
            rule = (
                Rule(frequency, day_of_month=first.value.day)
                if frequency == Frequency.MONTHLY
                else Rule(frequency, weekday=first.value.weekday())
            )
            checked = offers.check_offer(
                arrears=arrears, weekly_charge=position.weekly_charge,
                surplus_monthly=summary.surplus, rule=rule, instalment=amount,
                first_payment=first.value, max_months=max_months,
            )  # fmt: skip
            blocking = {offers.NOTHING_OWED, offers.NO_INSTALMENT, offers.BAD_TERMS}
            can_send = not any(x.code in blocking for x in checked.findings)
            if can_send and (checked.meets_rules or request.POST.get("anyway") == "yes"):
                with acting_as(tenant_actor(signed.tenant)):
                    p = proposals.submit(
                        account, signed.tenant, st, rule=rule, offer=checked,
                        first_payment=first.value, payment_method=values["method"],
                        arrears=arrears, note=values["note"], now=timezone.now(),
                    )  # fmt: skip
                request.session.pop(STATEMENT_KEY, None)
                request.session["_rentbook_plan_sent"] = p.pk
                return redirect("selfservice:plan-sent")
            status = 200 if can_send else 400
        else:
            status = 400
    return render(
        request,
        "selfservice/plan_offer.html",
        {
            "errors": errors.summary(), "error": errors.by_id, "values": values, "first": first,
            "frequencies": OFFER_FREQUENCIES, "methods": METHODS, "summary": summary,
            "position": position, "arrears": arrears, "checked": checked,
            "max_months": max_months,
            "surplus_words": format_pounds(summary.surplus) if summary.surplus > 0 else "",
            "options": services.proposals(
                arrears, position.weekly_charge, summary.surplus,
                Rule(Frequency.WEEKLY, weekday=today.weekday()), today + timedelta(days=7),
            ) if arrears > 0 else [],
        },
        status=status,
    )  # fmt: skip


@tenant_required
def sent(request: HttpRequest) -> HttpResponse:
    signed = request.tenant  # type: ignore[attr-defined]
    p = signed.account.proposals.filter(pk=request.session.get("_rentbook_plan_sent")).first()
    if p is None:
        return redirect("selfservice:home")
    return render(
        request,
        "selfservice/plan_sent.html",
        {"p": p, "terms": proposals.terms_words(p), "clears_on": proposals.clears_on(p)},
    )
