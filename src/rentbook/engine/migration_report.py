"""What a landlord must check before turning letters on after migrating its cases.

Each check is a named list of accounts with the reason, read with one query each (plain
values out; the command prints them and writes CSV):

- ``court_no_outcome``: a hearing has passed (or a case was applied for a year ago with no
  hearing) and no outcome is recorded: the policies will ask for the outcome, and a letter may
  contradict an order the housing system knew about.
- ``notice_near_expiry``: a notice in force that expires within the window and no court case
  applied for since it was served: proceedings must start, or a fresh notice be served.
- ``flag_no_end``: a breathing space, mental health crisis or benefit claim flag with no end
  date: a standard breathing space lasts 60 days; one with no end holds the case for ever.
- ``unmapped_code``: diary codes no mapping gives, by code, with how many entries: they count
  as no action until mapped (cases/code_mapping.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q

from rentbook.cases.code_mapping import NOT_AN_ACTION, NOTE
from rentbook.cases.models import DiaryEntry, Flag
from rentbook.legal.models import CourtCase, Notice

#: How far ahead a notice's expiry is "near".
EXPIRY_WINDOW_DAYS = 56
#: Flags that hold a case and are expected to end.
ENDING_FLAGS = (
    Flag.Type.BREATHING_SPACE,
    Flag.Type.MENTAL_HEALTH_CRISIS,
    Flag.Type.BENEFIT_CLAIM_PENDING,
)
CHECKS = {
    "court_no_outcome": "Court cases with a hearing passed and no outcome",
    "notice_near_expiry": f"Notices expiring within {EXPIRY_WINDOW_DAYS} days with no court case",
    "flag_no_end": "Holding flags with no end date",
    "unmapped_code": "Diary codes no mapping gives (not counted as actions)",
}


@dataclass(frozen=True)
class Finding:
    check: str
    account: str
    detail: str
    on: date | None = None
    count: int = 1


def court_no_outcome(as_of: date) -> list[Finding]:
    cases = (
        CourtCase.objects.filter(outcome="", struck_out_on__isnull=True)
        .filter(
            Q(hearing_on__lte=as_of)
            | Q(hearing_on__isnull=True, applied_on__lte=as_of - timedelta(days=365))
        )
        .select_related("account")
        .order_by("hearing_on", "applied_on", "id")
    )
    return [
        Finding(
            "court_no_outcome",
            c.account.reference,
            f"hearing {c.hearing_on:%d/%m/%Y}"
            if c.hearing_on
            else f"applied for {c.applied_on:%d/%m/%Y}, no hearing recorded",
            c.hearing_on or c.applied_on,
        )
        for c in cases.iterator()
    ]


def notice_near_expiry(as_of: date) -> list[Finding]:
    later_case = CourtCase.objects.filter(
        account_id=OuterRef("account_id"), applied_on__gte=OuterRef("served_on")
    )
    notices = (
        Notice.objects.filter(
            served_on__lte=as_of,
            expires_on__gte=as_of,
            expires_on__lte=as_of + timedelta(days=EXPIRY_WINDOW_DAYS),
            withdrawn_on__isnull=True,
        )
        .filter(~Exists(later_case))
        .select_related("account")
        .order_by("expires_on", "id")
    )
    return [
        Finding(
            "notice_near_expiry",
            n.account.reference,
            f"{n.get_type_display()} served {n.served_on:%d/%m/%Y},"
            f" expires {n.expires_on:%d/%m/%Y}",
            n.expires_on,
        )
        for n in notices.iterator()
    ]


def flag_no_end(as_of: date) -> list[Finding]:
    flags = (
        Flag.objects.filter(type__in=ENDING_FLAGS, ends_on__isnull=True, starts_on__lte=as_of)
        .select_related("account")
        .order_by("starts_on", "id")
    )
    return [
        Finding(
            "flag_no_end",
            f.account.reference,
            f"{f.get_type_display()} from {f.starts_on:%d/%m/%Y}, no end date",
            f.starts_on,
        )
        for f in flags.iterator()
    ]


def unmapped_codes() -> list[Finding]:
    rows = (
        DiaryEntry.objects.filter(source=DiaryEntry.Source.IMPORT, category=NOT_AN_ACTION)
        .exclude(code=NOTE)
        .values("source_code")
        .annotate(n=Count("id"))
        .order_by("-n", "source_code")
    )
    return [Finding("unmapped_code", "", f"code {r['source_code']}", None, r["n"]) for r in rows]


def migration_report(as_of: date) -> dict[str, list[Finding]]:
    return {
        "court_no_outcome": court_no_outcome(as_of),
        "notice_near_expiry": notice_near_expiry(as_of),
        "flag_no_end": flag_no_end(as_of),
        "unmapped_code": unmapped_codes(),
    }
