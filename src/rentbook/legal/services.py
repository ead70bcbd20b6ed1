"""Recording the legal pathway: notices, court cases, warrants, evictions, post-court review.

Plain functions; each validates what it is given and raises :class:`LegalError` naming every
field in error, then saves and writes the audit log with who did it. Nothing reads the clock:
callers pass ``today``/``now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rentbook.arrangements import services as arrangements
from rentbook.arrangements.breach import State
from rentbook.arrangements.models import Arrangement
from rentbook.arrangements.models import Kind as ArrangementKind
from rentbook.arrangements.schedules import Frequency, Rule
from rentbook.audit.services import acting_as, record_object
from rentbook.cases.models import DiaryEntry, Flag
from rentbook.cases.services import record_action
from rentbook.errors import FieldErrors
from rentbook.ledger.balances import balances_on
from rentbook.ledger.models import Account, Kind
from rentbook.ledger.postings import Posting, post
from rentbook.legal import rules
from rentbook.legal.models import CourtCase, Eviction, Notice, ReviewPlan
from rentbook.portfolio.models import Tenure

SCOTTISH_TENURES = frozenset({Tenure.SCOTTISH_SECURE, Tenure.SHORT_SCOTTISH_SECURE})


class LegalError(FieldErrors):
    """What was wrong with a notice, court step or eviction, by field."""


def _audit(action: str, obj: Any, by: Any, summary: str) -> None:
    record_object(action, obj, actor=by, summary=summary)


def _noon(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(12, 0)))


def jurisdiction(account: Account) -> str:
    """Scotland for a Scottish secure tenancy or a Scottish landlord, else England (and Wales)."""
    if account.tenancy.tenure in SCOTTISH_TENURES:
        return rules.SCOTLAND
    return rules.SCOTLAND if settings.RENTBOOK_JURISDICTION == "scotland" else rules.ENGLAND


def pre_action_checklist(account: Account, on: date) -> list[rules.ChecklistItem]:
    """The jurisdiction's pre-action steps, each done (with its date) or missing, on ``on``."""
    actions = [
        (code, timezone.localtime(at).date())
        for code, at in DiaryEntry.objects.filter(account=account).values_list("code", "at")
    ]
    return rules.checklist(jurisdiction(account), actions, on)


def record_notice(
    account: Account,
    notice_type: str,
    served_on: date | None,
    *,
    by: Any,
    today: date,
    grounds: str = "",
) -> Notice:
    """Record a served notice: refused unless every pre-action step is on the case."""
    errors: dict[str, str] = {}
    j = jurisdiction(account)
    allowed = rules.JURISDICTION_NOTICES[j]
    if notice_type not in allowed:
        names = " or ".join(rules.NOTICE_TYPES[t].lower() for t in allowed)
        errors["type"] = f"Select the notice served: in {j.title()} a {names}"
    if served_on is None:
        errors["served_on"] = "Enter the date the notice was served"
    elif served_on > today:
        errors["served_on"] = "The date served must be today or in the past"
    if served_on is not None and not errors:
        items = pre_action_checklist(account, served_on)
        missing = rules.missing_steps(items)
        if missing:
            errors["steps"] = "A notice cannot be recorded until the pre-action steps are: " + (
                "missing: " + "; ".join(missing)
            )
        blockers = flag_blockers(account, served_on)
        if blockers:
            errors["served_on"] = ". ".join(blockers)
    if errors:
        raise LegalError(errors)
    assert served_on is not None
    earliest, expires = rules.notice_dates(notice_type, served_on)
    with transaction.atomic(), acting_as(by):
        notice = Notice.objects.create(
            account=account,
            type=notice_type,
            served_on=served_on,
            earliest_court_on=earliest,
            expires_on=expires,
            grounds=grounds.strip(),
            steps=[
                {"key": i.key, "label": i.label, "done_on": i.done_on.isoformat()}
                for i in items
                if i.done_on
            ],
            recorded_by=by if getattr(by, "pk", None) else None,
            recorded_at=_noon(today),
        )
        # the diary entry the run reads as notice_type and notice_served
        record_action(account, rules.NOTICE_CODE[notice_type], _noon(served_on), by)
        _audit("legal.notice_recorded", notice, by, f"{notice} on {account.reference}")
    return notice


def flag_blockers(account: Account, on: date) -> list[str]:
    """Why the account's flags on ``on`` stop a notice, court step or warrant."""
    active = (
        Flag.objects.filter(account=account, starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .values_list("type", flat=True)
    )
    reviews = DiaryEntry.objects.filter(account=account, code__in=rules.VULNERABILITY_REVIEW)
    reviewed_on = [timezone.localtime(at).date() for at in reviews.values_list("at", flat=True)]
    return rules.flag_blockers(active, reviewed_on, on)


def current_notice(account: Account, on: date) -> Notice | None:
    for n in Notice.objects.filter(account=account, served_on__lte=on):
        return n
    return None


def apply_to_court(
    account: Account, applied_on: date, *, by: Any, hearing_on: date | None = None
) -> CourtCase:
    """Raise proceedings on the account's notice: only after its earliest date, before expiry."""
    notice = current_notice(account, applied_on)
    errors: dict[str, str] = {}
    if notice is None:
        errors["notice"] = "No notice has been served: proceedings need a notice"
    elif applied_on < notice.earliest_court_on:
        errors["applied_on"] = (
            f"Proceedings may not begin before {notice.earliest_court_on:%-d %B %Y}"
        )
    elif not rules.notice_valid(notice.expires_on, notice.withdrawn_on, applied_on):
        errors["notice"] = "The notice has lapsed: serve a fresh notice"
    if hearing_on is not None and hearing_on < applied_on:
        errors["hearing_on"] = "The hearing date must be on or after the application"
    blockers = flag_blockers(account, applied_on)
    if blockers and "applied_on" not in errors:
        errors["applied_on"] = ". ".join(blockers)
    if errors:
        raise LegalError(errors)
    with transaction.atomic(), acting_as(by):
        case = CourtCase.objects.create(
            account=account,
            notice=notice,
            applied_on=applied_on,
            hearing_on=hearing_on,
            created_at=_noon(applied_on),
        )
        record_action(account, "CRT", _noon(applied_on), by)
        _audit("legal.court_applied", case, by, f"court case on {account.reference}")
    return case


def record_outcome(
    case: CourtCase,
    outcome: str,
    outcome_on: date,
    *,
    by: Any,
    terms_weekly: int | None = None,
    costs: int = 0,
) -> CourtCase:
    """The hearing's outcome; terms for an order on terms; court costs posted to the account."""
    errors: dict[str, str] = {}
    o = rules.OUTCOME_BY_CODE.get(outcome)
    if o is None:
        errors["outcome"] = "Select the court's decision"
    elif o.terms and (terms_weekly is None or terms_weekly <= 0):
        errors["terms_weekly"] = "Enter the weekly amount off the arrears the court ordered"
    elif not o.terms and terms_weekly:
        errors["terms_weekly"] = "Only an order on terms has a weekly amount"
    if costs < 0:
        errors["costs"] = "Court costs cannot be negative"
    if case.outcome:
        errors["outcome"] = "The outcome of this hearing is already recorded"
    if errors:
        raise LegalError(errors)
    with transaction.atomic(), acting_as(by):
        case.outcome = outcome
        case.outcome_on = outcome_on
        case.hearing_on = case.hearing_on or outcome_on
        case.terms_weekly = terms_weekly
        case.costs = costs
        if outcome == "STR":
            case.struck_out_on = outcome_on
        case.save()
        if costs:
            post(
                case.account,
                Posting(
                    kind=Kind.COURT_COSTS,
                    amount=costs,
                    posted_on=outcome_on,
                    source="court",
                    source_ref=f"CC-{case.pk}",
                    description="Court costs awarded",
                ),
                actor=by,
            )
        monitor_terms(case, by=by)
        _audit("legal.court_outcome", case, by, f"{o.label if o else outcome} on {case.account}")
    return case


def court_terms(case: CourtCase) -> dict[str, Any] | None:
    """The terms an order sets, for the arrangement that monitors them (the seam to the
    arrangements app: it builds a formal arrangement from these)."""
    o = rules.OUTCOME_BY_CODE.get(case.outcome)
    if o is None or not o.terms or case.terms_weekly is None:
        return None
    return {
        "account_id": case.account_id,
        "start": case.outcome_on,
        "weekly_amount": case.terms_weekly,
        "formal": True,
        "court_case_id": case.pk,
    }


def warrant_applied(case: CourtCase, on: date, *, by: Any) -> CourtCase:
    if case.outcome not in rules.WARRANT_OUTCOMES:
        raise LegalError({"warrant": "A warrant needs a possession order or decree"})
    blockers = flag_blockers(case.account, on)
    if blockers:
        raise LegalError({"warrant": ". ".join(blockers)})
    with transaction.atomic(), acting_as(by):
        case.warrant_applied_on = on
        case.save(update_fields=["warrant_applied_on"])
        record_action(case.account, "WPA", _noon(on), by)
        _audit("legal.warrant_applied", case, by, f"warrant applied on {case.account}")
    return case


def warrant_issued(case: CourtCase, on: date, eviction_on: date, *, by: Any) -> Eviction:
    """The warrant is issued with an eviction date: the eviction now needs authorising."""
    errors: dict[str, str] = {}
    if case.warrant_applied_on is None and case.outcome != "DEC":
        errors["warrant"] = "No warrant was applied for"
    if eviction_on <= on:
        errors["eviction_on"] = "The eviction date must be after the warrant is issued"
    if errors:
        raise LegalError(errors)
    with transaction.atomic(), acting_as(by):
        case.warrant_issued_on = on
        case.eviction_on = eviction_on
        case.save(update_fields=["warrant_issued_on", "eviction_on"])
        ev = Eviction.objects.create(court_case=case, eviction_on=eviction_on)
        _audit("legal.warrant_issued", case, by, f"eviction date {eviction_on} on {case.account}")
    return ev


def required_consultations() -> tuple[str, ...]:
    return tuple(getattr(settings, "RENTBOOK_EVICTION_CONSULTATIONS", rules.DEFAULT_CONSULTATIONS))


def record_consultation(ev: Eviction, key: str, on: date, *, by: Any) -> Eviction:
    if key not in rules.CONSULTATION_LABELS:
        raise LegalError({"consultation": "Select who was consulted"})
    ev.consultations = {**ev.consultations, key: on.isoformat()}
    with acting_as(by):
        ev.save(update_fields=["consultations"])
        _audit("legal.eviction_consulted", ev, by, rules.CONSULTATION_LABELS[key])
    return ev


def _consultations(ev: Eviction) -> dict[str, date | None]:
    return {k: date.fromisoformat(v) for k, v in ev.consultations.items()}


def authorise_eviction(ev: Eviction, on: date, *, by: Any) -> Eviction:
    """Only an income manager or administrator, after every consultation the policy names."""
    errors: dict[str, str] = {}
    if getattr(by, "role", None) not in rules.AUTHORISING_ROLES:
        errors["authorise"] = "Only an income manager or administrator may authorise an eviction"
    done = _consultations(ev)
    missing = [
        rules.CONSULTATION_LABELS.get(k, k) for k in required_consultations() if k not in done
    ]
    if missing:
        errors["consultations"] = "Consult first: " + "; ".join(missing)
    if ev.outcome:
        errors["authorise"] = "This eviction is already closed"
    if errors:
        raise LegalError(errors)
    with acting_as(by):
        ev.authorised_by = by
        ev.authorised_on = on
        ev.save(update_fields=["authorised_by", "authorised_on"])
        _audit("legal.eviction_authorised", ev, by, f"eviction authorised by {by}")
    return ev


def notify_eviction(ev: Eviction, recipients: list[str], on: date, *, by: Any) -> Eviction:
    recipients = [r.strip() for r in recipients if r.strip()]
    errors: dict[str, str] = {}
    if not recipients:
        errors["recipients"] = "Name at least one recipient of the written notification"
    if (ev.eviction_on - on).days < rules.NOTIFY_DAYS:
        errors["notified_on"] = (
            f"The written notification must go at least {rules.NOTIFY_DAYS} days before"
        )
    if errors:
        raise LegalError(errors)
    with acting_as(by):
        ev.recipients = recipients
        ev.notified_on = on
        ev.save(update_fields=["recipients", "notified_on"])
        _audit("legal.eviction_notified", ev, by, f"{len(recipients)} recipients told")
    return ev


def eviction_blockers(ev: Eviction, on: date) -> list[str]:
    role = getattr(ev.authorised_by, "role", None) if ev.authorised_by_id else None
    return rules.eviction_blockers(
        eviction_on=ev.eviction_on,
        authorised_by_role=role,
        authorised_on=ev.authorised_on,
        consultations=_consultations(ev),
        required=required_consultations(),
        notified_on=ev.notified_on,
        recipients=ev.recipients,
        on=on,
    )


def record_eviction_outcome(ev: Eviction, outcome: str, on: date, *, by: Any) -> Eviction:
    """Evicted only when nothing blocks it; cancelled or stayed at any time."""
    if outcome not in Eviction.Outcome.values:
        raise LegalError({"outcome": "Select what happened"})
    if ev.outcome:
        raise LegalError({"outcome": "The outcome is already recorded"})
    if outcome == Eviction.Outcome.EVICTED:
        blockers = eviction_blockers(ev, on)
        if blockers:
            raise LegalError({"outcome": "The eviction cannot proceed: " + "; ".join(blockers)})
    with acting_as(by):
        ev.outcome = outcome
        ev.outcome_on = on
        ev.save(update_fields=["outcome", "outcome_on"])
        _audit("legal.eviction_outcome", ev, by, f"eviction {outcome}")
    return ev


def serial_decree(account: Account, on: date) -> bool:
    """Three possession orders or decrees within ten years of this tenancy's start."""
    dates = CourtCase.objects.filter(
        account=account, outcome__in=rules.WARRANT_OUTCOMES, outcome_on__isnull=False
    ).values_list("outcome_on", flat=True)
    return rules.serial_decrees(account.tenancy.start_date, [d for d in dates if d], on)


@dataclass(frozen=True)
class ReviewRow:
    account: Account
    balance: int
    case: CourtCase
    plan: ReviewPlan | None


DEFAULT_REVIEW_THRESHOLD = 100_000


def post_court_review(on: date, threshold: int | None = None) -> list[ReviewRow]:
    """Post-court cases (an order made) with a balance above the threshold (default £1,000),
    each with the plan recorded against it, those with no plan first."""
    if threshold is None:
        threshold = getattr(settings, "RENTBOOK_POST_COURT_REVIEW_PENCE", DEFAULT_REVIEW_THRESHOLD)
    latest: dict[int, int] = {}  # account -> its latest order's case, read as ids
    for account_id, case_id in (
        CourtCase.objects.filter(outcome__in=rules.WARRANT_OUTCOMES | {"AOT"}, outcome_on__lte=on)
        .order_by("outcome_on", "id")
        .values_list("account_id", "id")
    ):
        latest[account_id] = case_id
    balances = balances_on(list(latest), on)
    over = [a for a in latest if (balances.get(a) or 0) > threshold]
    plans: dict[int, ReviewPlan] = {}
    # ReviewPlan's own ordering puts the one shown first, as .first() did per account
    for p in ReviewPlan.objects.filter(account_id__in=over):
        plans.setdefault(p.account_id, p)
    accounts = Account.objects.in_bulk(over)
    cases = CourtCase.objects.in_bulk([latest[a] for a in over])
    rows = [
        ReviewRow(accounts[a], balances.get(a) or 0, cases[latest[a]], plans.get(a)) for a in over
    ]
    rows.sort(key=lambda r: (r.plan is not None, -r.balance))
    return rows


def record_review_plan(account: Account, plan: str, on: date, *, by: Any) -> ReviewPlan:
    if not plan.strip():
        raise LegalError({"plan": "Enter the plan for this case"})
    with acting_as(by):
        p = ReviewPlan.objects.create(
            account=account,
            plan=plan.strip(),
            recorded_on=on,
            recorded_by=by if getattr(by, "pk", None) else None,
        )
        _audit("legal.review_plan", p, by, f"post-court plan on {account}")
    return p


def monitor_terms(case: CourtCase, *, by: Any) -> Arrangement | None:
    """Make the court-ordered arrangement that monitors an order's terms (the arrangements
    app's breach detection): weekly instalments of the ordered amount off the arrears, from a
    week after the order, clearing the balance at the order (costs included). None when the
    order has no terms or nothing is owed."""
    terms = court_terms(case)
    if terms is None or case.outcome_on is None:
        return None
    start = case.outcome_on
    owed = arrangements.balance_through(case.account_id, start)
    if owed <= 0:
        return None
    a = arrangements.create_arrangement(
        case.account,
        kind=ArrangementKind.COURT_ORDERED,
        rule=Rule(Frequency.WEEKLY, weekday=start.weekday()),
        instalment=terms["weekly_amount"],
        start=start,
        first_payment=start + timedelta(days=7),
        payment_method=case.account.payment_method,
        starting_balance=owed,
        by=by,
    )
    case.arrangement_id = a.pk
    case.save(update_fields=["arrangement_id"])
    return a


def terms_breached(case: CourtCase, on: date) -> bool:
    """Whether the order's terms are broken on ``on``, as the arrangements app's breach
    detection finds for the court-ordered arrangement made from them."""
    if case.arrangement_id is None:
        return False
    a = Arrangement.objects.get(pk=case.arrangement_id)
    return arrangements.assessment(a, on).state == State.BREACHED
