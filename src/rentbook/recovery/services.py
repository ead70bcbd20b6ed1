"""Former tenant arrears and write-offs: plain functions that validate, save, post to the
ledger through rentbook.ledger.postings, and audit who did what. Nothing reads the clock."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from rentbook.audit.services import acting_as, record_object
from rentbook.cases.services import record_action
from rentbook.errors import FieldErrors
from rentbook.ledger.balances import balances_on
from rentbook.ledger.models import Account, Kind, Transaction
from rentbook.ledger.postings import Posting, post
from rentbook.money import format_plain
from rentbook.recovery import rules
from rentbook.recovery.models import AgencyReferral, FormerTenantAccount, MoneyJudgement, WriteOff
from rentbook.spreadsheet import csv_writer

#: Days to wait for a reply to the former tenant letter before a reminder.
REMINDER_DAYS = 14
#: A balance with no payment for this long is static: a money judgement may be sought.
STATIC_DAYS = 90


class RecoveryError(FieldErrors):
    """What was wrong with a recovery step or write-off, by field."""


def _audit(action: str, obj: Any, by: Any, summary: str) -> None:
    record_object(action, obj, actor=by, summary=summary)


def _noon(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(12, 0)))


def balance(account: Account, on: date | None = None) -> int:
    rows = Transaction.objects.filter(account=account)
    if on is not None:
        rows = rows.filter(posted_on__lte=on)
    return int(rows.aggregate(s=Sum("amount"))["s"] or 0)


def limits() -> rules.Limits:
    return rules.Limits(
        small=getattr(settings, "RENTBOOK_WRITE_OFF_SMALL_PENCE", 2_000),
        officer=getattr(settings, "RENTBOOK_WRITE_OFF_OFFICER_PENCE", 2_000),
        manager=getattr(settings, "RENTBOOK_WRITE_OFF_MANAGER_PENCE", 500_000),
    )


# ---- former tenant accounts ------------------------------------------------------------------

FTA_SUFFIX = "-FTA"


def open_former_tenant_account(rent: Account, *, by: Any) -> FormerTenantAccount:
    """Move an ended tenancy's balance to a former tenant account: one transfer posting out of
    the rent account and one into the new account (source "transfer"), so both balance.

    The former tenant account is a ledger account of its own (reference ``<ref>-FTA``,
    ``former`` set) on the same tenancy, so the import door can post an agency's payments to it,
    the rent account closes at £0, and the tenancy, its tenants and their contacts stay one
    record each.
    """
    tenancy = rent.tenancy
    errors: dict[str, str] = {}
    if rent.former:
        errors["account"] = "This is already a former tenant account"
    if tenancy.end_date is None:
        errors["tenancy"] = "The tenancy has not ended"
    if FormerTenantAccount.objects.filter(rent_account=rent).exists():
        errors["tenancy"] = "This tenancy already has a former tenant account"
    owed = balance(rent, tenancy.end_date) if tenancy.end_date else 0
    if not errors and owed <= 0:
        errors["balance"] = "Nothing is owed: there is no former tenant debt to move"
    if errors:
        raise RecoveryError(errors)
    assert tenancy.end_date is not None
    ended = tenancy.end_date
    ref = f"{rent.reference}{FTA_SUFFIX}"
    with transaction.atomic(), acting_as(by):
        account = Account.objects.create(
            tenancy=tenancy, reference=ref, payment_method=rent.payment_method, former=True
        )
        fta = FormerTenantAccount.objects.create(
            rent_account=rent,
            account=account,
            ended_on=ended,
            transferred=owed,
            created_at=_noon(ended),
        )
        _transfer(rent, account, owed, ended, f"FTA-{fta.pk}", by)
        _audit("recovery.former_tenant_account", fta, by, f"{ref} opened with {owed}p")
    return fta


def open_all_former(on: date, *, by: Any = None) -> list[FormerTenantAccount]:
    """Open a former tenant account for every tenancy ended by ``on`` that still owes money
    and has none yet (idempotent): the balance moves as soon as the tenancy ends."""
    ended = (
        Account.objects.filter(tenancy__end_date__lte=on)
        .exclude(former_tenant_account__isnull=False)
        .exclude(former=True)
    )
    # what it owed when the tenancy ended is what moves (open_former_tenant_account): a
    # tenancy that ended clear and was charged later (a recharge after leaving) has none
    owing = (
        Transaction.objects.filter(
            account__in=ended, posted_on__lte=F("account__tenancy__end_date")
        )
        .values("account_id")
        .annotate(b=Sum("amount"))
        .filter(b__gt=0)
        .values_list("account_id", flat=True)
    )
    made = []
    for account in Account.objects.filter(pk__in=list(owing)).select_related("tenancy"):
        made.append(open_former_tenant_account(account, by=by))
    return made


def _transfer(src: Account, dst: Account, amount: int, on: date, ref: str, by: Any) -> None:
    out = f"Moved to former tenant account {dst.reference}"
    post(src, Posting(Kind.ADJUSTMENT, -amount, on, "transfer", f"{ref}-out", out[:100]), actor=by)
    into = f"Moved from rent account {src.reference}"
    post(dst, Posting(Kind.ADJUSTMENT, amount, on, "transfer", f"{ref}-in", into), actor=by)


def letters_due_ids(on: date) -> list[int]:
    """The ids of the former tenant accounts whose first letter is due (as soon as the
    tenancy ends) or whose reminder is due (no reply 14 days after the letter), and who owe."""
    first = FormerTenantAccount.objects.filter(letter_sent_on__isnull=True, ended_on__lte=on)
    reminders = FormerTenantAccount.objects.filter(
        letter_sent_on__lte=on - timedelta(days=REMINDER_DAYS),
        reminder_sent_on__isnull=True,
        replied_on__isnull=True,
    )
    fields = ("pk", "account_id")
    candidates = [*first.values_list(*fields), *reminders.values_list(*fields)]
    owed = balances_on([a for _, a in candidates], on)
    return [pk for pk, account_id in candidates if owed.get(account_id, 0) > 0]


def letters_due(on: date) -> list[FormerTenantAccount]:
    """The former tenant accounts letters_due_ids names, in its order. comms sends them."""
    ids = letters_due_ids(on)
    found = FormerTenantAccount.objects.select_related("account").in_bulk(ids)
    return [found[i] for i in ids]


def letter_due(fta: FormerTenantAccount, on: date) -> bool:
    """Whether ``fta``'s first letter or reminder is due on ``on`` (as letters_due)."""
    first = fta.letter_sent_on is None and fta.ended_on <= on
    reminder = (
        fta.letter_sent_on is not None
        and fta.letter_sent_on <= on - timedelta(days=REMINDER_DAYS)
        and fta.reminder_sent_on is None
        and fta.replied_on is None
    )
    return (first or reminder) and balance(fta.account, on) > 0


def letter_kind(fta: FormerTenantAccount) -> str:
    return "FTL" if fta.letter_sent_on is None else "FTR"


def record_letter(
    fta: FormerTenantAccount, on: date, *, by: Any, diary: bool = True
) -> FormerTenantAccount:
    """The first letter, or the reminder when the first has gone and no reply came. ``diary``
    False: the sender has written the diary entry already (comms does, for what it sends)."""
    code = letter_kind(fta)
    with transaction.atomic(), acting_as(by):
        if code == "FTL":
            fta.letter_sent_on = on
        else:
            fta.reminder_sent_on = on
        fta.save(update_fields=["letter_sent_on", "reminder_sent_on"])
        if diary:
            record_action(fta.account, code, _noon(on), by)
    return fta


def update_contact(
    fta: FormerTenantAccount,
    *,
    by: Any,
    forwarding_address: str | None = None,
    tracing: str | None = None,
    replied_on: date | None = None,
    on: date | None = None,
) -> FormerTenantAccount:
    if tracing is not None and tracing not in FormerTenantAccount.Tracing.values:
        raise RecoveryError({"tracing": "Select the tracing status"})
    with transaction.atomic(), acting_as(by):
        if forwarding_address is not None:
            fta.forwarding_address = forwarding_address.strip()
        if tracing is not None:
            if tracing == FormerTenantAccount.Tracing.TRACING and fta.tracing != tracing and on:
                record_action(fta.account, "TRC", _noon(on), by)
            fta.tracing = tracing
        if replied_on is not None:
            fta.replied_on = replied_on
        fta.save()
        _audit("recovery.contact", fta, by, f"contact details of {fta.account}")
    return fta


# ---- agencies ---------------------------------------------------------------------------------


def refer_to_agency(fta: FormerTenantAccount, agency: str, on: date, *, by: Any) -> AgencyReferral:
    owed = balance(fta.account, on)
    errors = {}
    if not agency.strip():
        errors["agency"] = "Enter the agency's name"
    if owed <= 0:
        errors["balance"] = "Nothing is owed on this former tenant account"
    if fta.referrals.filter(status__in=["referred", "paying"]).exists():
        errors["agency"] = "This debt is already with an agency"
    if errors:
        raise RecoveryError(errors)
    with transaction.atomic(), acting_as(by):
        r = AgencyReferral.objects.create(
            former=fta, agency=agency.strip(), referred_on=on, amount=owed
        )
        record_action(fta.account, "AGR", _noon(on), by)
        _audit("recovery.agency_referral", r, by, f"{fta.account} referred to {r.agency}")
    return r


EXPORT_COLUMNS = (
    "referral_ref",
    "account_ref",
    "names",
    "last_address",
    "postcode",
    "forwarding_address",
    "tenancy_start",
    "tenancy_end",
    "amount",
    "referred_on",
)


def agency_export(referrals: list[AgencyReferral]) -> str:
    """The file sent to the agency: one row per referral, money in pounds."""
    out = io.StringIO()
    w = csv_writer(out)
    w.writerow(EXPORT_COLUMNS)
    for r in referrals:
        fta = r.former
        t = fta.account.tenancy
        p = t.property
        names = "; ".join(f"{x.first_name} {x.last_name}" for x in t.tenants.all())
        w.writerow(
            [
                r.reference,
                fta.account.reference,
                names,
                ", ".join(x for x in (p.address_line_1, p.address_line_2, p.town) if x),
                p.postcode,
                fta.forwarding_address,
                t.start_date.isoformat(),
                fta.ended_on.isoformat(),
                format_plain(r.amount),
                r.referred_on.isoformat(),
            ]
        )
    return out.getvalue()


@dataclass(frozen=True)
class OutcomeResult:
    updated: int
    errors: list[str]


def import_agency_outcomes(text: str, *, by: Any) -> OutcomeResult:
    """Read an agency's outcomes file (referral_ref, status, outcome_on, note): each bad line
    is reported with its line number and reason; the good lines are applied."""
    errors: list[str] = []
    updated = 0
    reader = csv.DictReader(io.StringIO(text))
    missing = {"referral_ref", "status", "outcome_on"} - set(reader.fieldnames or ())
    if missing:
        return OutcomeResult(0, [f"line 1: missing columns {', '.join(sorted(missing))}"])
    for n, row in enumerate(reader, start=2):
        ref = (row.get("referral_ref") or "").strip()
        status = (row.get("status") or "").strip()
        pk = ref[3:] if ref.startswith("AG-") else ""
        r = AgencyReferral.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
        if r is None:
            errors.append(f"line {n}: no referral {ref!r}")
            continue
        if status not in AgencyReferral.Status.values:
            errors.append(f"line {n}: status {status!r} is not one of the agency statuses")
            continue
        try:
            on = date.fromisoformat((row.get("outcome_on") or "").strip())
        except ValueError:
            errors.append(f"line {n}: outcome_on must be a date like 2026-05-31")
            continue
        with acting_as(by):
            r.status, r.outcome_on = status, on
            r.note = (row.get("note") or "").strip()[:200]
            r.save()
            _audit("recovery.agency_outcome", r, by, f"{r.reference}: {status}")
        updated += 1
    return OutcomeResult(updated, errors)


# ---- money judgements ------------------------------------------------------------------------


def static_balance(fta: FormerTenantAccount, on: date) -> bool:
    """No money received for STATIC_DAYS and something owed: a money judgement candidate."""
    last = (
        Transaction.objects.filter(account=fta.account, kind=Kind.PAYMENT, posted_on__lte=on)
        .order_by("-posted_on")
        .values_list("posted_on", flat=True)
        .first()
    )
    since = last or fta.ended_on
    return balance(fta.account, on) > 0 and (on - since).days >= STATIC_DAYS


def seek_money_judgement(fta: FormerTenantAccount, on: date, *, by: Any) -> MoneyJudgement:
    if not static_balance(fta, on):
        raise RecoveryError(
            {"balance": f"A money judgement is for a balance static for {STATIC_DAYS} days"}
        )
    with transaction.atomic(), acting_as(by):
        j = MoneyJudgement.objects.create(
            former=fta, applied_on=on, amount=balance(fta.account, on)
        )
        record_action(fta.account, "MJA", _noon(on), by)
        _audit("recovery.money_judgement", j, by, f"small claim on {fta.account}")
    return j


# ---- write-offs -------------------------------------------------------------------------------


def propose_write_off(
    account: Account, amount: int | None, reason: str, on: date, *, by: Any, note: str = ""
) -> WriteOff:
    """Propose writing off ``amount`` of an account's debt for a reason; the level needed
    follows from the amount and reason."""
    errors: dict[str, str] = {}
    if reason not in WriteOff.Reason.values:
        errors["reason"] = "Select the reason for the write-off"
    owed = balance(account, on) - pending_total(account)
    if amount is None:
        errors["amount"] = "Enter the amount to write off"
    elif amount <= 0:
        errors["amount"] = "The amount must be more than £0"
    elif amount > owed:
        errors["amount"] = (
            "The amount cannot be more than the debt not yet proposed"
            f" (£{format_plain(max(owed, 0))})"
        )
    lim = limits()
    if reason == WriteOff.Reason.SMALL_BALANCE and amount and amount > lim.small:
        errors["reason"] = f"A small balance is £{format_plain(lim.small)} or less"
    if reason == WriteOff.Reason.UNTRACEABLE:
        fta = FormerTenantAccount.objects.filter(account=account).first()
        if fta is None or fta.tracing != FormerTenantAccount.Tracing.UNTRACEABLE:
            errors["reason"] = "Record the tracing as untraceable before writing off as untraceable"
    if (
        reason == WriteOff.Reason.UNECONOMIC
        and not AgencyReferral.objects.filter(
            former__account=account, status=AgencyReferral.Status.UNECONOMIC
        ).exists()
    ):
        errors["reason"] = "Only an agency's advice makes a debt uneconomic to pursue"
    if reason == WriteOff.Reason.EXCEPTIONAL and not note.strip():
        errors["note"] = "Describe the exceptional circumstances"
    if errors:
        raise RecoveryError(errors)
    assert amount is not None
    with acting_as(by):
        w = WriteOff.objects.create(
            account=account,
            amount=amount,
            reason=reason,
            note=note.strip(),
            level=rules.level(amount, reason, lim),
            proposed_by=by,
            proposed_on=on,
        )
        _audit("recovery.write_off_proposed", w, by, f"{w.reference} proposed by {by}")
    return w


def pending_total(account: Account) -> int:
    return int(
        WriteOff.objects.filter(account=account, status=WriteOff.Status.PROPOSED).aggregate(
            s=Sum("amount")
        )["s"]
        or 0
    )


def can_approve(w: WriteOff, user: Any) -> bool:
    return (
        w.status == WriteOff.Status.PROPOSED
        and getattr(user, "pk", None) != w.proposed_by_id
        and rules.may_approve(getattr(user, "role", None), w.level)
    )


def approve_write_off(w: WriteOff, on: date, *, by: Any, committee_ref: str = "") -> WriteOff:
    """Approve at the write-off's level (never by its proposer): posts the write-off."""
    errors: dict[str, str] = {}
    if w.status != WriteOff.Status.PROPOSED:
        errors["status"] = "This write-off has already been decided"
    elif getattr(by, "pk", None) == w.proposed_by_id:
        errors["approve"] = "You proposed this write-off: someone else must approve it"
    elif not rules.may_approve(getattr(by, "role", None), w.level):
        errors["approve"] = (
            f"This write-off needs approval at {w.get_level_display().lower()} level"
        )
    if w.level == rules.COMMITTEE and not committee_ref.strip():
        errors["committee_ref"] = "Enter the committee's decision (meeting date and minute)"
    if not errors and w.amount > balance(w.account, on):
        errors["amount"] = "The balance is now less than the write-off: refuse and propose again"
    if errors:
        raise RecoveryError(errors)
    with transaction.atomic(), acting_as(by):
        t = post(
            w.account,
            Posting(
                kind=Kind.WRITE_OFF,
                amount=-w.amount,
                posted_on=on,
                source="writeoff",
                source_ref=w.reference,
                description=f"Written off: {w.get_reason_display()}"[:100],
            ),
            actor=by,
        )
        w.status, w.decided_by, w.decided_on = WriteOff.Status.APPROVED, by, on
        w.committee_ref = committee_ref.strip()
        w.transaction_id = t.pk
        w.save()
        _audit("recovery.write_off_approved", w, by, f"{w.reference} approved by {by}")
    return w


def approve_committee_batch(
    ids: list[int], on: date, *, by: Any, committee_ref: str
) -> list[WriteOff]:
    """The committee's decision on a batch: approve each listed committee write-off, all or
    none (the first error stops the batch and nothing is posted)."""
    with transaction.atomic():
        batch = list(
            WriteOff.objects.filter(
                pk__in=ids, level=rules.COMMITTEE, status=WriteOff.Status.PROPOSED
            ).order_by("pk")
        )
        if not batch:
            raise RecoveryError({"batch": "Select the write-offs the committee approved"})
        return [approve_write_off(w, on, by=by, committee_ref=committee_ref) for w in batch]


def refuse_write_off(w: WriteOff, on: date, *, by: Any) -> WriteOff:
    if not rules.may_approve(getattr(by, "role", None), w.level) or w.status != "proposed":
        raise RecoveryError({"approve": "You may not decide this write-off"})
    with acting_as(by):
        w.status, w.decided_by, w.decided_on = WriteOff.Status.REFUSED, by, on
        w.save()
        _audit("recovery.write_off_refused", w, by, f"{w.reference} refused by {by}")
    return w


def reinstate_all(on: date, *, by: Any = None) -> int:
    """Reinstate on every account with a write-off (idempotent): the number of write-ons."""
    ids = (
        Transaction.objects.filter(kind=Kind.WRITE_OFF, posted_on__lte=on)
        .values_list("account_id", flat=True)
        .distinct()
    )
    return sum(len(reinstate(a, on, by=by)) for a in Account.objects.filter(pk__in=ids))


def reinstate(account: Account, on: date, *, by: Any = None) -> list[Transaction]:
    """Write back on (write_on, source "writeon") written-off debt as money is received after
    the write-off, payment by payment, once each, on the day each payment was received.
    Payments posted on or before ``on`` are considered."""
    rows = Transaction.objects.filter(account=account, posted_on__lte=on)
    offs = rows.filter(kind=Kind.WRITE_OFF)
    first = offs.order_by("posted_on", "id").first()
    if first is None:
        return []
    written = -int(offs.aggregate(s=Sum("amount"))["s"] or 0)
    ons = rows.filter(kind=Kind.WRITE_ON, source="writeon")
    written -= int(ons.aggregate(s=Sum("amount"))["s"] or 0)
    done = {int(r[4:]) for r in ons.values_list("source_ref", flat=True) if r[4:].isdigit()}
    received = {
        pid: (-amount, posted_on)
        for pid, amount, posted_on in rows.filter(kind=Kind.PAYMENT, id__gt=first.pk).values_list(
            "id", "amount", "posted_on"
        )
    }
    payments = [(pid, amount) for pid, (amount, _) in received.items()]
    out = []
    for pid, amount in rules.reinstatements(payments, written, done):
        out.append(
            post(
                account,
                Posting(
                    kind=Kind.WRITE_ON,
                    amount=amount,
                    posted_on=received[pid][1],
                    source="writeon",
                    source_ref=f"WON-{pid}",
                    description="Written-off debt reinstated: money received",
                ),
                actor=by,
            )
        )
    return out


# ---- the committee report -------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    write_off: WriteOff
    names: str
    posted_on: date
    amount: int
    history: str


def committee_report(start: date, end: date) -> tuple[list[ReportRow], int, list[WriteOff]]:
    """Approved write-offs posted in [start, end] with their history, the total, and the
    write-offs awaiting the committee's decision."""
    approved = list(
        WriteOff.objects.filter(status=WriteOff.Status.APPROVED).select_related(
            "account__tenancy", "proposed_by", "decided_by"
        )
    )
    # Found through the write-offs' own keys (the ledger's unique reference, or the id an
    # imported write-off names): a search of the ledger by kind reads every transaction.
    in_period = Transaction.objects.filter(kind=Kind.WRITE_OFF, posted_on__range=(start, end))
    posted = dict(
        in_period.filter(
            source="writeoff", source_ref__in=[w.reference for w in approved]
        ).values_list("source_ref", "posted_on")
    )
    by_id = dict(
        in_period.filter(pk__in=[w.transaction_id for w in approved if w.transaction_id])
        .exclude(source="writeoff")
        .values_list("id", "posted_on")
    )
    rows = []
    for w in approved:
        on = posted.get(w.reference) or by_id.get(w.transaction_id or 0)
        if on is None:
            continue
        rows.append(ReportRow(w, _names(w.account), on, w.amount, history(w.account)))
    rows.sort(key=lambda r: (r.posted_on, r.write_off.pk))
    waiting = list(WriteOff.objects.filter(status=WriteOff.Status.PROPOSED, level=rules.COMMITTEE))
    return rows, sum(r.amount for r in rows), waiting


def _names(account: Account) -> str:
    return "; ".join(f"{t.first_name} {t.last_name}" for t in account.tenancy.tenants.all())


def history(account: Account) -> str:
    """A line of the debt's history for the committee: tenancy, last payment, recovery."""
    t = account.tenancy
    parts = [
        f"tenancy {t.start_date:%d/%m/%Y} to {t.end_date:%d/%m/%Y}"
        if t.end_date
        else f"tenancy from {t.start_date:%d/%m/%Y}"
    ]
    last = (
        Transaction.objects.filter(account=account, kind=Kind.PAYMENT)
        .order_by("-posted_on")
        .values_list("posted_on", flat=True)
        .first()
    )
    parts.append(f"last payment {last:%d/%m/%Y}" if last else "no payment")
    fta = FormerTenantAccount.objects.filter(account=account).first()
    if fta is not None:
        parts.append(f"tracing: {fta.get_tracing_display().lower()}")
        for r in fta.referrals.all():
            parts.append(
                f"agency {r.agency} {r.referred_on:%d/%m/%Y}: {r.get_status_display().lower()}"
            )
    return "; ".join(parts)


def committee_csv(start: date, end: date) -> str:
    rows, total, _ = committee_report(start, end)
    out = io.StringIO()
    w = csv_writer(out)
    w.writerow(
        [
            "reference",
            "account",
            "names",
            "reason",
            "amount",
            "posted_on",
            "proposed_by",
            "approved_by",
            "level",
            "committee_ref",
            "history",
        ]
    )
    for r in rows:
        x = r.write_off
        w.writerow(
            [
                x.reference,
                x.account.reference,
                r.names,
                x.get_reason_display(),
                format_plain(r.amount),
                r.posted_on.isoformat(),
                x.proposed_by.username if x.proposed_by else x.proposed_by_name,
                x.decided_by.username if x.decided_by else x.decided_by_name,
                x.level,
                x.committee_ref,
                r.history,
            ]
        )
    w.writerow(["total", "", "", "", format_plain(total), "", "", "", "", "", ""])
    return out.getvalue()
