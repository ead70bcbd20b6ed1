"""Small portfolios built with the ORM, and a signed-in client for each role."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from rentbook.ledger.models import Account, ChargeLine, Kind, PaymentMethod, Transaction
from rentbook.portfolio.models import Area, Contact, Patch, Property, Role, Tenancy, Tenant

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is deliberately slow; these tests sign in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(django_user_model):
    made = iter(range(1_000_000))

    def make(role: str, username: str | None = None):
        return django_user_model.objects.create_user(
            username=username or f"{role}-{next(made)}",
            password=PASSWORD,
            role=role,
            first_name=role.title(),
        )

    return make


@pytest.fixture
def client_for(make_user):
    """A test client signed in as a new user with the given role."""

    def signed_in(role: str) -> Client:
        client = Client()
        client.force_login(make_user(role))
        return client

    return signed_in


@pytest.fixture
def officer_client(client_for):
    return client_for(Role.INCOME_OFFICER)


@pytest.fixture
def auditor_client(client_for):
    return client_for(Role.AUDITOR)


def build_account(
    reference: str = "T000123",
    *,
    first_name: str = "Jane",
    last_name: str = "Smith",
    address: str = "12 Acacia Avenue",
    postcode: str = "LS1 4AB",
    patch_code: str = "N1",
    start: date = date(2024, 4, 1),
    joint_with: tuple[str, str] | None = None,
) -> Account:
    area, _ = Area.objects.get_or_create(code="N", defaults={"name": "North"})
    patch, _ = Patch.objects.get_or_create(
        code=patch_code, defaults={"area": area, "name": f"Patch {patch_code}"}
    )
    prop = Property.objects.create(
        reference=f"P-{reference}",
        patch=patch,
        address_line_1=address,
        town="Leeds",
        postcode=postcode,
        property_type="flat",
        bedrooms=2,
    )
    tenancy = Tenancy.objects.create(
        reference=reference, property=prop, tenure="secure", start_date=start
    )
    Tenant.objects.create(
        tenancy=tenancy,
        person_no=1,
        first_name=first_name,
        last_name=last_name,
        mobile="07700 900123",
        preferred_language="Polish",
        communication_needs="Large print",
        next_of_kin_consent=True,
    )
    if joint_with:
        Tenant.objects.create(
            tenancy=tenancy, person_no=2, first_name=joint_with[0], last_name=joint_with[1]
        )
    return Account.objects.create(
        tenancy=tenancy,
        reference=reference,
        payment_method=PaymentMethod.DIRECT_DEBIT,
        benefit="none",
    )


def post(account: Account, posted_on: date, kind: str, amount: int, **extra) -> Transaction:
    return Transaction.objects.create(
        account=account,
        posted_on=posted_on,
        kind=kind,
        amount=amount,
        source="test",
        source_ref=f"{account.reference}-{posted_on}-{kind}-{amount}-{Transaction.objects.count()}",
        **extra,
    )


@pytest.fixture
def account(db) -> Account:
    """T000123: Jane Smith (joint with Tom Smith), rent £100 + £12.50 service, 20 weeks."""
    acc = build_account(joint_with=("Tom", "Smith"))
    ChargeLine.objects.create(
        account=acc,
        code="rent",
        weekly_amount=10000,
        effective_from=date(2024, 4, 1),
        source="test",
        source_ref="T000123-rent",
    )
    ChargeLine.objects.create(
        account=acc,
        code="heating",
        description="Communal heating",
        weekly_amount=1250,
        effective_from=date(2024, 4, 1),
        source="test",
        source_ref="T000123-heating",
    )
    Contact.objects.create(
        tenancy=acc.tenancy, name="Ann Jones", relationship="Sister", phone="0113 496 0000"
    )
    monday = date(2025, 1, 6)
    for week in range(20):
        day = monday + timedelta(weeks=week)
        post(acc, day, Kind.CHARGE, 10000, charge_code="rent")
        post(acc, day, Kind.CHARGE, 1250, charge_code="heating")
        if week % 4 != 3:  # misses every fourth week
            post(acc, day + timedelta(days=2), Kind.PAYMENT, -11250, method="direct_debit")
    return acc
