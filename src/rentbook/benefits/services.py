"""Recording the landlord's requests to the DWP (managed payment, third-party deduction) and
their outcomes, audited; the figures the evidence pack shows, read from the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum

from rentbook.audit.services import record
from rentbook.benefits import uc_requests
from rentbook.benefits.models import UcRequest
from rentbook.ledger.balances import account_position
from rentbook.ledger.models import Account, Kind, Transaction


class RequestError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class Pack:
    """What the UC47 form and the landlord portal ask for."""

    arrears: int
    weekly_charge: int
    monthly_rent: int
    months: list[tuple[date, int, int]]  # (month, charged, paid), oldest first
    underpaid_months: int
    threshold: uc_requests.Threshold
    deduction_range: tuple[int, int]


def _month_start(d: date) -> date:
    return d.replace(day=1)


def history(account: Account, as_of: date, months: int = 6) -> list[tuple[date, int, int]]:
    """Charged and paid (net of money that came back) in each of the last ``months`` calendar
    months up to ``as_of``."""
    first = _month_start(as_of)
    for _ in range(months - 1):
        first = _month_start(date.fromordinal(first.toordinal() - 1))
    out = []
    start = first
    while start <= as_of:
        following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        rows = Transaction.objects.filter(
            account=account, posted_on__gte=start, posted_on__lt=following, posted_on__lte=as_of
        )
        charged = rows.filter(kind=Kind.CHARGE).aggregate(s=Sum("amount"))["s"] or 0
        money = (
            rows.filter(Q(kind=Kind.PAYMENT) | (Q(kind=Kind.REVERSAL) & ~Q(method=""))).aggregate(
                s=Sum("amount")
            )["s"]
            or 0
        )
        out.append((start, charged, -money))
        start = following
    return out


def evidence(account: Account, as_of: date, expected: dict | None = None) -> Pack:
    position = account_position(account, as_of, expected)
    months = history(account, as_of)
    # the month in progress is not yet underpaid
    whole = months[:-1] if months and months[-1][0] == _month_start(as_of) else months
    run = uc_requests.underpaid_run(whole)
    arrears = max(position.balance, 0)
    return Pack(
        arrears=arrears,
        weekly_charge=position.weekly_charge,
        monthly_rent=uc_requests.monthly_rent(position.weekly_charge),
        months=months,
        underpaid_months=run,
        threshold=uc_requests.threshold(arrears, position.weekly_charge, run),
        deduction_range=uc_requests.deduction_range(settings.RENTBOOK_UC_STANDARD_ALLOWANCE),
    )


def request(
    account: Account, kind: str, pack: Pack, on: date, *, by: Any, deduction: int = 0
) -> UcRequest:
    errors: dict[str, str] = {}
    if kind not in UcRequest.Kind.values:
        errors["kind"] = "Select what to ask the DWP for"
    if not pack.threshold.met:
        errors["kind"] = f"The DWP's thresholds are not met: {pack.threshold.reason}"
    lo, hi = pack.deduction_range
    if kind == UcRequest.Kind.DEDUCTION and not lo <= deduction <= hi:
        errors["deduction"] = (
            f"A deduction is 10% to 20% of the standard allowance: £{lo / 100:,.2f} to"
            f" £{hi / 100:,.2f} a month"
        )
    if errors:
        raise RequestError(errors)
    with transaction.atomic():
        r = UcRequest.objects.create(
            account=account,
            kind=kind,
            requested_on=on,
            arrears=pack.arrears,
            monthly_rent=pack.monthly_rent,
            reason=pack.threshold.reason,
            deduction=deduction if kind == UcRequest.Kind.DEDUCTION else 0,
            made_by=getattr(by, "username", ""),
        )
        record(
            "benefits.uc_request",
            object_type="benefits.UcRequest",
            object_id=str(r.pk),
            summary=f"{r.get_kind_display()} requested for {account.reference}",
            after={"kind": kind, "arrears": pack.arrears, "deduction": r.deduction},
        )
    return r


def outcome(r: UcRequest, status: str, on: date, *, by: Any, dwp_reference: str = "") -> None:
    if status not in (
        UcRequest.Status.ACCEPTED,
        UcRequest.Status.REFUSED,
        UcRequest.Status.WITHDRAWN,
    ):
        raise RequestError({"status": "Select the outcome"})
    if r.status != UcRequest.Status.REQUESTED:
        raise RequestError({"status": "This request already has its outcome"})
    with transaction.atomic():
        before = {"status": r.status}
        r.status, r.outcome_on, r.dwp_reference = status, on, dwp_reference[:40]
        r.save(update_fields=["status", "outcome_on", "dwp_reference"])
        record(
            "benefits.uc_request_outcome",
            object_type="benefits.UcRequest",
            object_id=str(r.pk),
            summary=f"{r.get_kind_display()} for {r.account.reference}: {status}",
            before=before,
            after={"status": status, "outcome_on": on.isoformat()},
        )
