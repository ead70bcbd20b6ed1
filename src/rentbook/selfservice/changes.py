"""What a tenant tells us online: a change of circumstances (a diary entry the officer sees,
and for a benefit claim made, the "benefit claim pending" flag the policies respect), and new
contact details (saved once a code sent to the new address or number is entered)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction

from rentbook.audit.services import acting_as, record
from rentbook.cases.models import Category, DiaryEntry, Flag
from rentbook.ledger.models import Account
from rentbook.portfolio.models import Tenant
from rentbook.selfservice.codes import tenant_actor

#: kind: (what the tenant picks, the diary's words)
KINDS: dict[str, tuple[str, str]] = {
    "new_job": ("I have started a new job or my pay has gone up", "new job or more pay"),
    "income_down": ("I have lost my job or my income has gone down", "income has gone down"),
    "benefit_claim": ("I have made a claim for Universal Credit or Housing Benefit",
                      "benefit claim made"),
    "hardship": ("I am struggling to pay because of hardship", "hardship"),
    "household": ("Someone has moved in or out", "household change"),
    "other": ("Something else", "other change"),
}  # fmt: skip
BENEFITS = {"universal_credit": "Universal Credit", "housing_benefit": "Housing Benefit"}
#: How long a pending claim flag lasts unless an officer ends it sooner: a new Universal
#: Credit claim's first payment comes about five weeks after the claim; eight covers most.
CLAIM_FLAG_DAYS = 56
DETAIL_MAX = 1000


@dataclass(frozen=True)
class Change:
    kind: str
    detail: str
    benefit: str = ""
    claimed_on: date | None = None


def tell_us(account: Account, tenant: Tenant, c: Change, now: datetime) -> DiaryEntry:
    with transaction.atomic(), acting_as(tenant_actor(tenant)):
        return _tell_us(account, tenant, c, now)


def _tell_us(account: Account, tenant: Tenant, c: Change, now: datetime) -> DiaryEntry:
    words = KINDS[c.kind][1]
    note = f"{tenant.full_name} told us online: {words}."
    if c.kind == "benefit_claim":
        note += f" {BENEFITS[c.benefit]} claimed on {c.claimed_on:%-d %B %Y}."
    if c.detail:
        note += f" In their words: {c.detail}"
    entry = DiaryEntry.objects.create(
        account=account,
        at=now,
        code="OLC",
        category=Category.CONTACT,
        outcome=words[:60],
        note=note,
        source=DiaryEntry.Source.TENANT,
    )
    if c.kind == "benefit_claim" and c.claimed_on is not None:
        Flag.objects.create(
            account=account,
            type=Flag.Type.BENEFIT_CLAIM_PENDING,
            starts_on=c.claimed_on,
            ends_on=c.claimed_on + timedelta(days=CLAIM_FLAG_DAYS - 1),
            note=f"{BENEFITS[c.benefit]} claim the tenant told us of online; end it when"
            " the claim is decided.",
        )
    record(
        "selfservice.told_us",
        object_type="ledger.Account",
        object_id=str(account.pk),
        summary=f"change of circumstances told online: {words}",
        actor=tenant_actor(tenant),
    )
    return entry


def save_contact(tenant: Tenant, field: str, value: str) -> None:
    if field not in ("email", "mobile"):
        raise ValueError(field)
    before = getattr(tenant, field)
    setattr(tenant, field, value)
    with acting_as(tenant_actor(tenant)):
        tenant.save(update_fields=[field])
    record(
        "selfservice.contact_changed",
        object_type="portfolio.Tenant",
        object_id=str(tenant.pk),
        summary=f"{field} changed online (confirmed by a code sent to the new one)",
        before={field: before},
        after={field: value},
        actor=tenant_actor(tenant),
    )
