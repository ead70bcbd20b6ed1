"""A tenant's Direct Debit sign-up: any frequency banking collects (weekly to monthly) on any
day, checked as Bacs checks bank details, then a new mandate through the import door's
``mandates`` kind. From there banking does what it does for every new mandate: ``rentbook
bacs`` lodges it (an AUDDIS 0N in the next submission) and sends the advance notice, and the
first collection waits for the notice period (RENTBOOK_DD_NOTICE_DAYS processing days)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from rentbook.arrangements.schedules import Frequency as Every
from rentbook.arrangements.schedules import Rule, first_payment_date
from rentbook.audit.services import record
from rentbook.banking import details
from rentbook.banking.days import add_processing_days
from rentbook.banking.models import Frequency, Mandate
from rentbook.ledger.models import Account
from rentbook.money import format_plain, format_pounds
from rentbook.portfolio.models import Tenant
from rentbook.selfservice import door
from rentbook.selfservice.codes import tenant_actor

SOURCE = "selfservice"
#: A mandate that collects (or will): a tenant with one is shown it, not offered another.
ACTIVE = (Mandate.Status.NEW, Mandate.Status.LODGED, Mandate.Status.LIVE)


@dataclass(frozen=True)
class SignUp:
    payer_name: str
    sort_code: str
    account_number: str
    frequency: str
    collection_day: int  # monthly: 1 to 31 (the last day in shorter months); else weekday, 0 Monday
    amount: int


def active_mandate(account: Account) -> Mandate | None:
    return Mandate.objects.filter(account=account, status__in=ACTIVE).first()


def first_collection(frequency: str, day: int, today: date) -> date:
    """The first collection date on the chosen day once the advance notice period from today
    (its notice goes with the lodgement) has passed."""
    earliest = add_processing_days(today, settings.RENTBOOK_DD_NOTICE_DAYS + 1)
    if frequency == Frequency.MONTHLY:
        rule = Rule(Every.MONTHLY, day_of_month=day)
    else:
        rule = Rule(Every(frequency), weekday=day)
    return first_payment_date(earliest, rule)


def _reference(account: Account) -> str:
    base = details.bacs_text(account.reference.replace(" ", ""), 14).replace(" ", "")
    base = ("RB" + base) if len(base) < 3 else base
    n = Mandate.objects.filter(account=account).count() + 1
    while True:
        ref = f"{base}-{n:02d}"
        if not Mandate.objects.filter(reference=ref).exists():
            return details.reference(ref)
        n += 1


def sign_up(account: Account, tenant: Tenant, s: SignUp, today: date) -> Mandate:
    """Make the mandate through the door; raises door.DoorRefused with the door's reasons."""
    first = first_collection(s.frequency, s.collection_day, today)
    ref = _reference(account)
    door.one_row(
        "mandates",
        {
            "dd_reference": ref,
            "tenancy_ref": account.tenancy.reference,
            "payer_name": s.payer_name,
            "sort_code": s.sort_code,
            "account_number": s.account_number,
            "frequency": s.frequency,
            "collection_day": str(s.collection_day),
            "amount": format_plain(s.amount),
            "first_collection": first.isoformat(),
            "status": Mandate.Status.NEW.value,
        },
        source=SOURCE,
    )
    m = Mandate.objects.get(reference=ref)
    record(
        "selfservice.direct_debit",
        object_type="banking.Mandate",
        object_id=str(m.pk),
        summary=f"Direct Debit set up online: {format_pounds(s.amount)} {s.frequency},"
        f" first on {first.isoformat()}",
        actor=tenant_actor(tenant),
    )
    return m
