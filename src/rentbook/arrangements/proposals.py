"""Arrangements tenants propose online: recorded with their income and expenditure and what
the affordability rules found, then accepted (the arrangement is made, as an officer would
make it) or declined by an officer, with a reply the tenant sees. Each step leaves a diary
entry on the account, so the case history shows it beside everything else."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction

from rentbook.arrangements import services
from rentbook.arrangements.models import Arrangement, Kind, Statement, TenantProposal
from rentbook.arrangements.offers import Offer
from rentbook.arrangements.schedules import (
    FREQUENCY_LABELS,
    Frequency,
    Rule,
    ScheduleError,
    Terms,
    clearance_date,
    describe,
)
from rentbook.audit.services import acting_as
from rentbook.cases.models import Category, DiaryEntry
from rentbook.ledger.models import Account
from rentbook.money import format_pounds
from rentbook.portfolio.models import Tenant

REPLY_MAX = 2000


class ProposalError(ValueError):
    pass


def terms_words(p: TenantProposal) -> str:
    f = Frequency(p.frequency)
    return (
        f"{format_pounds(p.per_payment)} {FREQUENCY_LABELS[f].lower()}"
        f" ({format_pounds(p.ongoing_charge)} rent and {format_pounds(p.instalment)} towards"
        f" the arrears), {describe(p.rule).lower()}, from {p.first_payment:%-d %B %Y}"
    )


def clears_on(p: TenantProposal) -> date | None:
    """When the arrears would be paid off on the proposed terms (None: they never would)."""
    if p.instalment <= 0 or p.arrears <= 0:
        return None
    try:
        return clearance_date(Terms(p.arrears, p.instalment, p.rule, p.first_payment))
    except ScheduleError:
        return None


@transaction.atomic
def submit(
    account: Account,
    tenant: Tenant,
    statement: Statement,
    *,
    rule: Rule,
    offer: Offer,
    first_payment: date,
    payment_method: str,
    arrears: int,
    note: str,
    now: datetime,
) -> TenantProposal:
    if tenant.tenancy_id != account.tenancy_id or statement.account_id != account.pk:
        raise ProposalError("the tenant, statement and account must be the same tenancy's")
    # a newer proposal replaces one still waiting: the officer decides on the latest
    for old in TenantProposal.objects.filter(account=account, status=TenantProposal.Status.PENDING):
        old.status = TenantProposal.Status.DECLINED
        old.decided_at = now
        old.reply = "Replaced by a newer proposal."
        old.save()
    p = TenantProposal.objects.create(
        account=account,
        tenant=tenant,
        statement=statement,
        frequency=rule.frequency.value,
        day_of_month=rule.day_of_month,
        weekday=rule.weekday,
        instalment=offer.instalment,
        ongoing_charge=offer.ongoing_charge,
        first_payment=first_payment,
        payment_method=payment_method,
        arrears=arrears,
        findings=offer.as_json(),
        tenant_note=note.strip(),
        submitted_at=now,
    )
    rules = "meets the affordability rules" if offer.meets_rules else (
        "does not meet: " + ", ".join(f["code"] for f in p.findings)
    )  # fmt: skip
    DiaryEntry.objects.create(
        account=account,
        at=now,
        code="OLP",
        category=Category.ARRANGEMENT,
        outcome="Waiting for an officer",
        note=f"{tenant.full_name} proposed {terms_words(p)}; it {rules}.",
        source=DiaryEntry.Source.TENANT,
    )
    return p


def waiting() -> Any:
    return TenantProposal.objects.filter(status=TenantProposal.Status.PENDING)


def _decided(p: TenantProposal) -> None:
    if p.status != TenantProposal.Status.PENDING:
        raise ProposalError(f"this proposal was already {p.get_status_display().lower()}")


@transaction.atomic
def accept(p: TenantProposal, *, by: Any, now: datetime, reply: str = "") -> Arrangement:
    """Make the arrangement the tenant proposed, from today (or the first payment they
    chose, if later), and reply to them."""
    p = TenantProposal.objects.select_for_update().get(pk=p.pk)
    _decided(p)
    today = now.date()
    start = min(today, p.first_payment)
    first = p.first_payment if p.first_payment >= today else today
    rule = p.rule
    if rule.frequency != Frequency.MONTHLY:
        rule = Rule(rule.frequency, weekday=first.weekday())
    with acting_as(by):
        try:
            a = services.create_arrangement(
                p.account,
                kind=Kind.INFORMAL,
                rule=rule,
                instalment=p.instalment,
                start=start,
                first_payment=first,
                payment_method=p.payment_method,
                ongoing_charge=p.ongoing_charge,
                statement=p.statement,
                by=by,
            )
        except (services.ArrangementError, ValueError) as e:
            raise ProposalError(f"The arrangement could not be made: {e}") from None
        p.status = TenantProposal.Status.ACCEPTED
        p.decided_at, p.decided_by, p.arrangement = now, by, a
        p.reply = (reply.strip() or (
            f"We have agreed your payment plan: {terms_words(p)}. Please make every payment"
            " on time. If you cannot, tell us straight away."
        ))[:REPLY_MAX]  # fmt: skip
        p.save()
        DiaryEntry.objects.create(
            account=p.account,
            at=now,
            code="ARR",
            category=Category.ARRANGEMENT,
            outcome="Agreed (proposed online)",
            note=p.reply,
            officer=by if getattr(by, "pk", None) else None,
            source=DiaryEntry.Source.OFFICER,
        )
    return a


@transaction.atomic
def decline(p: TenantProposal, *, by: Any, now: datetime, reply: str) -> TenantProposal:
    """Decline the proposal with the reason the tenant is given (required)."""
    reply = reply.strip()
    if not reply:
        raise ProposalError("Enter the reply to the tenant: say why, and what would be agreed")
    if len(reply) > REPLY_MAX:
        raise ProposalError(f"The reply must be {REPLY_MAX} characters or fewer")
    p = TenantProposal.objects.select_for_update().get(pk=p.pk)
    _decided(p)
    with acting_as(by):
        p.status = TenantProposal.Status.DECLINED
        p.decided_at, p.decided_by, p.reply = now, by, reply
        p.save()
        DiaryEntry.objects.create(
            account=p.account,
            at=now,
            code="ARO",
            category=Category.ARRANGEMENT,
            outcome="Online proposal declined",
            note=reply,
            officer=by if getattr(by, "pk", None) else None,
            source=DiaryEntry.Source.OFFICER,
        )
    return p
