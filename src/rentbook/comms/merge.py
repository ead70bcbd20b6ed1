"""Merge fields: Notify-style ((placeholders)) filled from an account, never code.

A template's words are data an administrator edits: they are searched for ((name)) and each
known name is replaced by its text. Nothing in a template is evaluated; an unknown name is an
error the editor sees before saving.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Q, Sum

from rentbook.cases.codes import NOTICE_TYPES
from rentbook.cases.models import DiaryEntry
from rentbook.ledger.models import Account, ChargeLine, Transaction
from rentbook.money import format_pounds

PLACEHOLDER = re.compile(r"\(\(([a-z_]+)\)\)")

#: Every merge field a template may use, with what it holds (shown beside the editor).
FIELDS: dict[str, str] = {
    "tenant_names": "The tenants' names, joined with 'and'",
    "address_block": "The property's address, one line each",
    "reference": "The rent account reference",
    "balance": "The balance owed today, like £1,234.56",
    "weekly_charge": "The weekly rent and charges",
    "arrangement_terms": "The latest promise or arrangement recorded",
    "notice_date": "The date the latest notice was served",
    "officer_name": "The officer sending it",
    "office_phone": "The income team's phone number",
    "office_email": "The income team's email address",
    "payment_options": "How to pay",
    "landlord_name": "The landlord's name",
    "date": "Today's date",
    "dd_reference": "The Direct Debit's reference (on the payer's bank statement)",
    "dd_amount": "Each Direct Debit collection, like £123.45",
    "dd_frequency": "How often it is collected (weekly, every four weeks, monthly...)",
    "dd_first_collection": "The date of the first collection rentbook will make",
    "dd_represent_on": "The date a returned Direct Debit will be collected again",
    "dd_represent_amount": "The amount to be collected again",
    "service_user_number": "The landlord's Bacs service user number (SUN)",
}


class MergeError(ValueError):
    """A template names fields that do not exist."""

    def __init__(self, unknown: list[str]) -> None:
        self.unknown = unknown
        names = ", ".join(f"(({n}))" for n in unknown)
        super().__init__(f"Unknown merge field {names}: use only the fields listed")


def placeholders(text: str) -> list[str]:
    return list(dict.fromkeys(PLACEHOLDER.findall(text)))


def check(text: str) -> None:
    """Raise MergeError naming every placeholder that is not a merge field."""
    unknown = [n for n in placeholders(text) if n not in FIELDS]
    if unknown:
        raise MergeError(unknown)


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with each ((name)) replaced by its value; unknown names raise MergeError."""
    check(text)
    return PLACEHOLDER.sub(lambda m: values.get(m[1], ""), text)


@dataclass(frozen=True)
class Recipient:
    names: str
    address_lines: list[str]
    mobile: str
    email: str
    language: str


def _forwarding_lines(account: Account) -> list[str]:
    """A former tenant account's forwarding address, one line per line or comma; none if
    unknown (letters then go to the old home, where post may be forwarded)."""
    if not account.former:
        return []
    from rentbook.recovery.models import FormerTenantAccount

    fta = FormerTenantAccount.objects.filter(account=account).first()
    text = fta.forwarding_address if fta else ""
    return [p.strip() for p in text.replace(",", "\n").splitlines() if p.strip()]


def recipient(account: Account) -> Recipient:
    tenancy = account.tenancy
    tenants = list(tenancy.tenants.all())
    first = tenants[0] if tenants else None
    return Recipient(
        names=" and ".join(t.full_name for t in tenants),
        address_lines=_forwarding_lines(account) or tenancy.property.address_lines,
        mobile=next((t.mobile for t in tenants if t.mobile), ""),
        email=next((t.email for t in tenants if t.email), ""),
        language=first.preferred_language if first else "English",
    )


def _long_date(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def account_values(account: Account, *, today: date, officer_name: str = "") -> dict[str, str]:
    """The merge fields' values for one account as of ``today``."""
    return values_for([account], today=today, officer_name=officer_name)[account.pk]


def _latest(entries: Iterable[DiaryEntry]) -> dict[int, DiaryEntry]:
    """The first entry of each account from entries ordered latest first within account."""
    found: dict[int, DiaryEntry] = {}
    for e in entries:
        found.setdefault(e.account_id, e)
    return found


def values_for(
    accounts: Sequence[Account], *, today: date, officer_name: str = ""
) -> dict[int, dict[str, str]]:
    """:func:`account_values` of many accounts, by account id, in a fixed number of queries
    (prefetch the accounts' tenancy__property and tenancy__tenants to keep it so)."""
    ids = [a.pk for a in accounts]
    balances = dict(
        Transaction.objects.filter(account_id__in=ids, posted_on__lte=today)
        .order_by()
        .values("account_id")
        .annotate(t=Sum("amount"))
        .values_list("account_id", "t")
    )
    weekly = dict(
        ChargeLine.objects.filter(account_id__in=ids, effective_from__lte=today)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
        .order_by()
        .values("account_id")
        .annotate(t=Sum("weekly_amount"))
        .values_list("account_id", "t")
    )
    latest = "account_id", "-at", "-id"
    promises = _latest(
        DiaryEntry.objects.filter(account_id__in=ids, code__in=["PTP", "ARR", "ARRN"]).order_by(
            *latest
        )
    )
    direct_debit = _direct_debit_values(ids, today)
    notices = _latest(
        DiaryEntry.objects.filter(account_id__in=ids, code__in=list(NOTICE_TYPES)).order_by(*latest)
    )
    out = {}
    for account in accounts:
        who = recipient(account)
        promise = promises.get(account.pk)
        terms = ""
        if promise is not None:
            if promise.promise_amount and promise.promise_date:
                terms = (
                    f"{format_pounds(promise.promise_amount)} by {_long_date(promise.promise_date)}"
                )
            else:
                terms = promise.note or f"agreed on {_long_date(promise.at.date())}"
        notice = notices.get(account.pk)
        out[account.pk] = {
            "tenant_names": who.names,
            "address_block": "\n".join(who.address_lines),
            "reference": account.reference,
            "balance": format_pounds(balances.get(account.pk) or 0),
            "weekly_charge": format_pounds(weekly.get(account.pk) or 0),
            "arrangement_terms": terms,
            "notice_date": _long_date(notice.at.date()) if notice else "",
            "officer_name": officer_name or "The income team",
            "office_phone": settings.RENTBOOK_OFFICE_PHONE,
            "office_email": settings.RENTBOOK_OFFICE_EMAIL,
            "payment_options": settings.RENTBOOK_PAYMENT_OPTIONS,
            "landlord_name": settings.RENTBOOK_LANDLORD_NAME,
            "date": _long_date(today),
            **direct_debit.get(account.pk, _NO_DD),
        }
    return out


_NO_DD = {k: "" for k in FIELDS if k.startswith("dd_") or k == "service_user_number"}


def _direct_debit_values(ids: list[int], today: date) -> dict[int, dict[str, str]]:
    """Each account's current mandate (the newest not cancelled) as merge values."""
    # imported here: comms sits after banking, and merge is imported by apps loaded before it
    from rentbook.banking.models import Collection, Mandate
    from rentbook.banking.schedule import first_collection_from

    out: dict[int, dict[str, str]] = {}
    mandates = list(
        Mandate.objects.filter(account_id__in=ids)
        .exclude(status=Mandate.Status.CANCELLED)
        .select_related("represent_due")
        .order_by("account_id", "-id")
    )
    collected = set(
        Collection.objects.filter(mandate__in=mandates).values_list("mandate_id", flat=True)
    )
    for m in mandates:
        if m.account_id in out:
            continue
        first = first_collection_from(m, today, collected=m.pk in collected)
        out[m.account_id] = {
            "dd_reference": m.reference,
            "dd_amount": format_pounds(m.amount),
            "dd_frequency": m.get_frequency_display().lower(),
            "dd_first_collection": _long_date(first) if first else "",
            "dd_represent_on": _long_date(m.represent_on) if m.represent_on else "",
            "dd_represent_amount": (
                format_pounds(m.represent_due.amount) if m.represent_due else ""
            ),
            "service_user_number": settings.RENTBOOK_BACS_SUN,
        }
    return out
