"""What a tenant's home page says: the balance and arrears in words, the charges coming up
week by week (rent-free weeks named), their arrangement and Direct Debit, and the letters and
messages rentbook sent them. Read for one account, from the ledger and the records the staff
pages read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import QuerySet

from rentbook.arrangements.models import Arrangement, TenantProposal
from rentbook.benefits.facts import expected_for
from rentbook.comms.models import Message
from rentbook.ledger.balances import Position, account_position
from rentbook.ledger.calendar import RentFreeRule, rent_year, rent_year_of, week_start
from rentbook.ledger.models import Account
from rentbook.money import format_pounds

#: Weeks of upcoming charges shown.
WEEKS_AHEAD = 8
#: Messages the tenant was sent that count as sent to them (not held, not failed).
SENT = (Message.Status.STORED, Message.Status.SENDING, Message.Status.DELIVERED)


@dataclass(frozen=True)
class Week:
    starts: date
    charge: int
    rent_free: bool


def balance_words(p: Position) -> str:
    """The balance as a sentence a tenant reads without knowing ledger signs."""
    if p.balance > 0:
        weeks = p.weeks_in_arrears
        about = ""
        if weeks is not None and weeks >= 1:
            about = f", about {int(weeks)} week{'s' if int(weeks) != 1 else ''} of rent"
        return f"You owe {format_pounds(p.balance)}{about}."
    if p.balance < 0:
        return f"Your account is {format_pounds(-p.balance)} in credit: you have paid ahead."
    return "Your account is up to date: you owe nothing."


def arrears_words(p: Position) -> str:
    if p.balance <= 0:
        return ""
    if p.technical_arrears and p.true_arrears == 0:
        return (
            f"All of the {format_pounds(p.balance)} is expected from your Housing Benefit,"
            " Universal Credit or Direct Debit, which is paid after the rent is charged. You do"
            " not need to do anything about it."
        )
    if p.technical_arrears:
        return (
            f"{format_pounds(p.technical_arrears)} of it is expected from your Housing Benefit,"
            f" Universal Credit or Direct Debit. The rest, {format_pounds(p.true_arrears)}, is"
            " rent arrears: please pay it, or tell us what you can afford."
        )
    return "This is rent arrears: please pay it, or tell us what you can afford."


#: A charge line as the weeks ahead read it: (from, to or None, pence a collection week).
Line = tuple[date, date | None, int]


def upcoming(lines: list[Line], today: date, weeks: int = WEEKS_AHEAD) -> list[Week]:
    """The rent of each of the next ``weeks`` weeks from the charge lines in force on each
    week's Monday (so a rent change already set shows from its week), rent-free weeks named."""
    rule = RentFreeRule.parse(settings.RENTBOOK_RENT_FREE_WEEKS)
    monday = week_start(today) + timedelta(days=7)
    out = []
    for _ in range(weeks):
        free = rent_year(rent_year_of(monday), rule).is_free(monday)
        charge = sum(
            a for start, end, a in lines if start <= monday and (end is None or end >= monday)
        )
        out.append(Week(monday, 0 if free else charge, free))
        monday += timedelta(days=7)
    return out


@dataclass(frozen=True)
class Overview:
    position: Position
    balance_words: str
    arrears_words: str
    weeks: list[Week]
    arrangement: Arrangement | None
    proposal: TenantProposal | None
    messages: list[Message]


def overview(account: Account, today: date) -> Overview:
    position = account_position(account, today, expected_for(account.pk, today))
    arrangement = (
        Arrangement.objects.filter(account=account, cancelled_on__isnull=True)
        .exclude(state="completed")
        .order_by("-start")
        .first()
    )
    return Overview(
        position=position,
        balance_words=balance_words(position),
        arrears_words=arrears_words(position),
        weeks=upcoming(
            list(
                account.charge_lines.values_list("effective_from", "effective_to", "weekly_amount")
            ),
            today,
        ),
        arrangement=arrangement,
        proposal=TenantProposal.objects.filter(account=account).first(),
        messages=list(sent_to(account).order_by("-created_at", "-id")[:5]),
    )


def letters(account: Account) -> list[Message]:
    """What was sent to the tenant. While live sending is off (a service being tried out),
    every item went to the test recipients instead, and those are shown: the same words."""
    return list(sent_to(account).order_by("-created_at", "-id"))


def sent_to(account: Account) -> QuerySet[Message]:
    return Message.objects.filter(
        account=account, live=settings.RENTBOOK_SEND_LIVE, status__in=SENT
    )
