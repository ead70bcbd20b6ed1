"""A small hand-built landlord whose every indicator is worked out by hand in the tests.

Period: 1 April to 30 June 2024. Six tenancies, all in patch P1 (area A1) except C (P2):

A  current, £100/week, direct debit. Owed £100 before; charged £200; paid £150 → owes £150.
   Promised £50 by 5 April and paid £150 that day (kept). Visited in March (before).
   A weekly arrangement from 1 April clearing £25 in one instalment due 8 April with £100 of
   rent: £125 asked, and the £150 of 5 April is in its window (1-11 April): kept.
B  current, £50/week, Housing Benefit. Owed £3,000 before; charged £200 in June; HB £100 on
   7 June for 27 May-9 June (a 14-day cycle, 23 days old: still expected) → owes £3,100, of
   which £100 technical (charges after 9 June are £150, the HB credit is £100).
   Contacted in May; two notices served (9 May, 9 June; one more in March, before); a court
   hearing on 12 June; promised £200 by 20 June, paid nothing. A monthly arrangement from
   3 June was cancelled on 1 June, before anything fell due: it counts for nothing.
C  former (ended 31 March 2024), £80/week, patch P2. Owed £400 at leaving; paid £40 and £60
   written off in the period → owes £300. Its home stays empty: 91 days x £80 / 7 = £1,040.
D  ended 12 May 2024, £100/week. Owed £120 before; charged £200 → £320 at leaving (3.2
   weeks); paid £50 after leaving → owes £270. Court heard in February (before); evicted on 25
   June; an earlier warrant's eviction (3 June) was stayed. Re-let to F from 20 May: empty
   13-19 May (7 days x £100 / 7 = £100); re-let days 20 May - 12 May = 8.
E  ended 2 June 2024 owing nothing (charged £100, paid £100); its home stays empty from 3 June:
   28 days x £100 / 7 = £400.
F  current from 20 May 2024 in D's home, £100/week: charged £100, paid £100.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from rentbook.arrangements.models import Arrangement
from rentbook.cases.models import DiaryEntry
from rentbook.ledger.models import Account, ChargeLine, Kind
from rentbook.legal.models import CourtCase, Eviction, Notice
from rentbook.performance.indicators import Period
from rentbook.portfolio.models import Area, Patch, Tenancy
from tests.factories import make_account, post

LONDON = ZoneInfo("Europe/London")
PERIOD = Period(date(2024, 4, 1), date(2024, 6, 30), "Q1 2024/25")
CHARGE, PAY, WOFF = Kind.CHARGE, Kind.PAYMENT, Kind.WRITE_OFF


def at(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 10, tzinfo=LONDON)


def diary(account: Account, d: date, category: str, outcome: str = "", **kw) -> None:
    DiaryEntry.objects.create(
        account=account, at=at(d), code=category[:4].upper(), category=category, outcome=outcome,
        **kw,
    )  # fmt: skip


def served(account: Account, on: date) -> Notice:
    return Notice.objects.create(
        account=account, type="nosp", served_on=on, earliest_court_on=on + timedelta(days=28),
        expires_on=on + timedelta(days=365), recorded_at=at(on),
    )  # fmt: skip


def heard(account: Account, on: date) -> CourtCase:
    return CourtCase.objects.create(
        account=account, applied_on=on - timedelta(days=30), hearing_on=on, created_at=at(on)
    )


def arranged(account: Account, frequency: str, first: date, instalment: int, **kw) -> None:
    Arrangement.objects.create(
        account=account, frequency=frequency, start=kw.pop("start", first), first_payment=first,
        instalment=instalment, starting_balance=kw.pop("starting_balance", instalment),
        review_on=first + timedelta(days=90), payment_method="card", **kw,
    )  # fmt: skip


def build() -> dict[str, Account]:
    a = make_account(start=date(2024, 1, 1), weekly_rent=10_000, payment_method="direct_debit")
    post(a, date(2024, 3, 25), 10_000, CHARGE)
    post(a, date(2024, 4, 1), 10_000, CHARGE)
    post(a, date(2024, 4, 8), 10_000, CHARGE)
    post(a, date(2024, 4, 5), -15_000, PAY, "card")
    diary(a, date(2024, 3, 20), "visit")
    diary(a, date(2024, 3, 29), "arrangement", promise_amount=5_000, promise_date=date(2024, 4, 5))
    arranged(a, "weekly", date(2024, 4, 8), 2_500, start=date(2024, 4, 1), ongoing_charge=10_000)

    b = make_account(start=date(2020, 1, 6), weekly_rent=5_000, benefit="housing_benefit")
    post(b, date(2024, 3, 1), 300_000, CHARGE)
    for d in (3, 10, 17, 24):
        post(b, date(2024, 6, d), 5_000, CHARGE)
    post(
        b, date(2024, 6, 7), -10_000, PAY, "housing_benefit",
        period_start=date(2024, 5, 27), period_end=date(2024, 6, 9),
    )  # fmt: skip
    diary(b, date(2024, 5, 2), "contact", "spoke to tenant")
    served(b, date(2024, 5, 9))
    served(b, date(2024, 6, 9))
    heard(b, date(2024, 6, 12))
    served(b, date(2024, 3, 28))  # before the period
    diary(b, date(2024, 6, 1), "arrangement", promise_amount=20_000, promise_date=date(2024, 6, 20))
    arranged(b, "monthly", date(2024, 6, 3), 5_000, cancelled_on=date(2024, 6, 1))

    c = make_account(start=date(2020, 1, 6), end=date(2024, 3, 31), weekly_rent=8_000)
    post(c, date(2023, 1, 2), 32_000, CHARGE)
    post(c, date(2024, 3, 25), 8_000, CHARGE)
    post(c, date(2024, 5, 1), -4_000, PAY, "card")
    post(c, date(2024, 6, 1), -6_000, WOFF)
    area2 = Area.objects.create(code="A2", name="South")
    p2 = Patch.objects.create(area=area2, code="P2", name="Riverside")
    prop = c.tenancy.property
    prop.patch = p2
    prop.save()

    d = make_account(start=date(2023, 1, 2), end=date(2024, 5, 12), weekly_rent=10_000)
    post(d, date(2024, 3, 1), 12_000, CHARGE)
    post(d, date(2024, 4, 29), 10_000, CHARGE)
    post(d, date(2024, 5, 6), 10_000, CHARGE)
    post(d, date(2024, 5, 20), -5_000, PAY, "card")
    d_case = heard(d, date(2024, 2, 14))  # heard before the period
    Eviction.objects.create(
        court_case=d_case, eviction_on=date(2024, 6, 25), outcome=Eviction.Outcome.EVICTED,
        outcome_on=date(2024, 6, 25),
    )  # fmt: skip
    stayed = heard(d, date(2024, 1, 10))
    Eviction.objects.create(court_case=stayed, eviction_on=date(2024, 6, 3), outcome="stayed")

    e = make_account(start=date(2023, 1, 2), end=date(2024, 6, 2), weekly_rent=10_000)
    post(e, date(2024, 5, 27), 10_000, CHARGE)
    post(e, date(2024, 5, 28), -10_000, PAY, "card")

    ft = Tenancy.objects.create(
        reference="F1", property=d.tenancy.property, tenure="secure", start_date=date(2024, 5, 20)
    )
    f = Account.objects.create(tenancy=ft, reference="F1")
    ChargeLine.objects.create(
        account=f, code="rent", weekly_amount=10_000, effective_from=date(2024, 5, 20),
        source="test", source_ref="F1/rent",
    )  # fmt: skip
    post(f, date(2024, 5, 20), 10_000, CHARGE)
    post(f, date(2024, 5, 20), -10_000, PAY, "card")
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}
