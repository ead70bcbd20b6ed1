"""Small builders for tests: a landlord with one area, one patch and accounts on demand."""

from __future__ import annotations

import itertools
from datetime import date

from rentbook.ledger.models import Account, ChargeLine, Kind, Transaction
from rentbook.portfolio.models import Area, Patch, Property, Tenancy, Tenant

_seq = itertools.count(1)


def make_account(
    *,
    start: date = date(2024, 4, 1),
    end: date | None = None,
    weekly_rent: int = 10_000,
    payment_method: str = "card",
    benefit: str = "none",
    last_name: str = "Tenant",
) -> Account:
    n = next(_seq)
    area, _ = Area.objects.get_or_create(code="A1", defaults={"name": "North"})
    patch, _ = Patch.objects.get_or_create(code="P1", defaults={"area": area, "name": "Hillside"})
    prop = Property.objects.create(
        reference=f"PR{n:05d}",
        patch=patch,
        address_line_1=f"{n} High Street",
        town="Anytown",
        postcode="AB1 2CD",
        property_type="flat",
        bedrooms=2,
    )
    tenancy = Tenancy.objects.create(
        reference=f"T{n:06d}", property=prop, tenure="secure", start_date=start, end_date=end
    )
    Tenant.objects.create(tenancy=tenancy, person_no=1, first_name="Sam", last_name=last_name)
    account = Account.objects.create(
        tenancy=tenancy,
        reference=tenancy.reference,
        payment_method=payment_method,
        benefit=benefit,
    )
    ChargeLine.objects.create(
        account=account,
        code="rent",
        weekly_amount=weekly_rent,
        effective_from=start,
        source="test",
        source_ref=f"{tenancy.reference}/rent/{start}",
    )
    return account


def post(
    account: Account,
    posted_on: date,
    amount: int,
    kind: str = Kind.PAYMENT,
    method: str = "",
    **extra,
) -> Transaction:
    n = next(_seq)
    return Transaction.objects.create(
        account=account,
        posted_on=posted_on,
        kind=kind,
        method=method,
        amount=amount,
        source="test",
        source_ref=f"x{n}",
        **extra,
    )
