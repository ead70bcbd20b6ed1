"""The legal pathway's rules as plain functions over plain values (no models, no clock).

- Which pre-action steps each jurisdiction requires before a notice, and which of them a
  case's diary shows (England: the Pre-Action Protocol for social landlords; Scotland:
  Housing (Scotland) Act 2001 s14A). The action codes are those of cases/codes.py, grouped as
  the shipped policies group them.
- A notice's earliest court date and expiry (NOSP: Housing Act 1985 s83; section 8: Housing
  Act 1988 s8; notice of proceedings: 2001 Act s14).
- When an eviction may proceed: authorised by a role that may, after the consultations named,
  recipients told in writing at least 14 days before, and not inside the 7-day appeal window.
- The serial-decree rule: three decrees within ten years of the tenancy's start.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

ENGLAND = "england"
SCOTLAND = "scotland"

#: How recently a pre-action step must have been recorded to count (as the policies).
PRE_ACTION_WINDOW_DAYS = 183


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    codes: tuple[str, ...]


CONTACT = ("CALL", "CALLNA", "SMS", "GMS", "EMAIL", "INT", "VIS", "VISNA")
WRITTEN = ("IC1", "IC2", "PAP", "STMT")
ADVICE = ("MAR",)
BENEFITS = ("BCK", "BEN", "DHP", "APA")
PLAN = ("ARO", "ARR", "ARRN", "PTP")

PRE_ACTION_STEPS: dict[str, tuple[Step, ...]] = {
    ENGLAND: (
        Step("contacted", "Contact the tenant about the arrears (PAP para 1)", CONTACT),
        Step("written", "Write to the tenant with a rent statement (PAP paras 1 and 3)", WRITTEN),
        Step("advice", "Signpost free independent debt advice (PAP para 6)", ADVICE),
        Step(
            "benefits", "Consider benefit entitlement and DWP payments (PAP paras 4, 5)", BENEFITS
        ),
        Step("plan", "Try to agree affordable repayments (PAP para 2)", PLAN),
    ),
    SCOTLAND: (
        Step("contacted", "Contact the tenant about the tenancy and arrears (s14A(2)(a))", CONTACT),
        Step("written", "Give clear written information about the arrears (s14A(2)(a))", WRITTEN),
        Step("housing_costs", "Advise on help with housing costs (s14A(2)(b))", BENEFITS),
        Step("advice", "Say where to get debt advice (s14A(2)(c))", ADVICE),
        Step("plan", "Make reasonable efforts to agree a plan (s14A(2)(d))", PLAN),
    ),
}

NOTICE_TYPES = {
    "nosp": "Notice of seeking possession",
    "section8": "Section 8 notice",
    "nop": "Notice of proceedings",
}
NOTICE_CODE = {"nosp": "NOSP", "section8": "S8", "nop": "NOP"}
JURISDICTION_NOTICES = {ENGLAND: ("nosp", "section8"), SCOTLAND: ("nop",)}


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done_on: date | None

    @property
    def done(self) -> bool:
        return self.done_on is not None


def checklist(
    jurisdiction: str, actions: Iterable[tuple[str, date]], on: date
) -> list[ChecklistItem]:
    """Each pre-action step the jurisdiction requires and the latest date it was recorded
    within the window before ``on`` (None: missing). ``actions`` are (code, date) pairs."""
    since = on - timedelta(days=PRE_ACTION_WINDOW_DAYS)
    items = []
    recorded = [(c, d) for c, d in actions if since <= d <= on]
    for step in PRE_ACTION_STEPS[jurisdiction]:
        dates = [d for c, d in recorded if c in step.codes]
        items.append(ChecklistItem(step.key, step.label, max(dates) if dates else None))
    return items


def missing_steps(items: Iterable[ChecklistItem]) -> list[str]:
    return [i.label for i in items if not i.done]


#: The code a person records once they have reviewed a vulnerable tenant's case, and how long
#: the review stands (as the shipped policies' ``vulnerability_review_life``).
VULNERABILITY_REVIEW = ("VRV",)
VULNERABILITY_REVIEW_DAYS = 28

_FLAG_BLOCKS = {
    "breathing_space": "The account was in a breathing space on that date: no notice,"
    " proceedings or warrant (Debt Respite Scheme)",
    "mental_health_crisis": "The account was in a mental health crisis breathing space on that"
    " date: no notice, proceedings or warrant",
    "deceased": "The tenant has died: deal with the estate or the successor, not a notice or"
    " proceedings against the tenant",
    "dispute": "The tenant disputes the arrears: look into it and answer before a notice or"
    " proceedings",
}


def flag_blockers(flags: Iterable[str], reviewed_on: Iterable[date], on: date) -> list[str]:
    """Why the flags active on ``on`` stop a notice, a court step or a warrant (empty: none do).

    ``reviewed_on`` are the dates a person recorded a review of the case (VRV): a vulnerable
    tenant's step needs one in the 28 days before it (Equality Act 2010 ss15 and 149)."""
    active = set(flags)
    out = [message for flag, message in _FLAG_BLOCKS.items() if flag in active]
    if "vulnerable" in active:
        since = on - timedelta(days=VULNERABILITY_REVIEW_DAYS)
        if not any(since <= d <= on for d in reviewed_on):
            out.append(
                "The tenant is flagged vulnerable: a person must review the case and record it"
                f" (VRV) in the {VULNERABILITY_REVIEW_DAYS} days before this step"
            )
    return out


def add_months(d: date, months: int) -> date:
    month = d.month - 1 + months
    year, month = d.year + month // 12, month % 12 + 1
    days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30]
    days += [31, 31, 30, 31, 30, 31]
    return date(year, month, min(d.day, days[month - 1]))


def notice_dates(notice_type: str, served_on: date) -> tuple[date, date]:
    """(earliest court date, expiry) of a notice served on ``served_on``.

    NOSP: proceedings not before a date at least 28 days on, and it lapses 12 months after
    that date. Section 8: 4 weeks (grounds 8, 10, 11), proceedings within 12 months of
    service. Notice of proceedings: at least 4 weeks, then 6 months to raise proceedings.
    """
    earliest = served_on + timedelta(days=28)
    if notice_type == "nosp":
        return earliest, add_months(earliest, 12)
    if notice_type == "section8":
        return earliest, add_months(served_on, 12)
    if notice_type == "nop":
        return earliest, add_months(earliest, 6)
    raise ValueError(f"unknown notice type {notice_type!r}")


def notice_valid(expires_on: date, withdrawn_on: date | None, on: date) -> bool:
    return on < expires_on and (withdrawn_on is None or withdrawn_on > on)


# Court outcomes: code, label, whether it orders terms, whether it gives possession.
@dataclass(frozen=True)
class Outcome:
    code: str
    label: str
    terms: bool
    possession: bool


OUTCOMES: tuple[Outcome, ...] = (
    # Codes as the Hackney policy tests them (shared/conformance/hackney-policy.md), plus ours.
    Outcome("OPD", "Outright possession order with a date", False, True),
    Outcome("OPF", "Outright possession order forthwith", False, True),
    Outcome("SOT", "Suspended possession order on terms", True, True),
    Outcome("PPO", "Postponed possession order on terms", True, True),
    Outcome("AOT", "Adjourned on terms", True, False),
    Outcome("AGP", "Adjourned generally with permission to restore", False, False),
    Outcome("AAH", "Adjourned to another hearing date", False, False),
    Outcome("ADH", "Adjourned for a directions hearing", False, False),
    Outcome("SOE", "Stay of execution on terms", True, False),
    Outcome("DIS", "Dismissed", False, False),
    Outcome("STR", "Struck out", False, False),
    Outcome("DEC", "Decree for recovery of possession (Scotland)", False, True),
)
OUTCOME_BY_CODE = {o.code: o for o in OUTCOMES}
#: Outcomes after which a breach of terms (or the order itself) allows a warrant.
WARRANT_OUTCOMES = frozenset({"OPD", "OPF", "SOT", "PPO", "DEC"})

# Eviction
NOTIFY_DAYS = 14
APPEAL_DAYS = 7
AUTHORISING_ROLES = frozenset({"income_manager", "administrator"})
#: The consultations before an eviction is authorised (seed 002, 2.7), by default.
DEFAULT_CONSULTATIONS = ("housing_options", "social_work")
CONSULTATION_LABELS = {
    "housing_options": "Housing options (homelessness) consulted",
    "social_work": "Social work consulted",
    "area_manager": "Area housing manager consulted",
}


def eviction_blockers(
    *,
    eviction_on: date,
    authorised_by_role: str | None,
    authorised_on: date | None,
    consultations: Mapping[str, date | None],
    required: Iterable[str],
    notified_on: date | None,
    recipients: Iterable[str],
    on: date,
) -> list[str]:
    """Why an eviction set for ``eviction_on`` cannot proceed on ``on`` (empty: it may)."""
    out = []
    if authorised_on is None or authorised_by_role not in AUTHORISING_ROLES:
        out.append("The eviction has not been authorised by an income manager or administrator")
    for key in required:
        done = consultations.get(key)
        if done is None or (authorised_on is not None and done > authorised_on):
            label = CONSULTATION_LABELS.get(key, key)
            out.append(f"Consultation missing before authorisation: {label}")
    if notified_on is None or not list(recipients):
        out.append("The written notification has not been sent to the recipients")
    elif (eviction_on - notified_on).days < NOTIFY_DAYS:
        out.append(f"The written notification went less than {NOTIFY_DAYS} days before")
    if authorised_on is not None and on < appeal_ends(authorised_on):
        until = appeal_ends(authorised_on)
        out.append(f"The {APPEAL_DAYS}-day appeal window is open until {until:%-d %B %Y}")
    if on < eviction_on:
        out.append(f"The eviction date ({eviction_on:%-d %B %Y}) has not come")
    return out


def appeal_ends(authorised_on: date) -> date:
    """The first day after the appeal window (7 days from authorisation)."""
    return authorised_on + timedelta(days=APPEAL_DAYS + 1)


def serial_decrees(tenancy_start: date, decree_dates: Iterable[date], on: date) -> bool:
    """Three or more decrees (possession orders) within ten years of the tenancy's start."""
    limit = add_months(tenancy_start, 120)
    return sum(1 for d in decree_dates if tenancy_start <= d <= min(limit, on)) >= 3


def day_of(at: datetime) -> date:
    return at.date()
