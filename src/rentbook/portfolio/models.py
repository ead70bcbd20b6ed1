"""Areas → patches → properties → tenancies → tenants and contacts; officers are users."""

from __future__ import annotations

import builtins

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    INCOME_OFFICER = "income_officer", "Income officer"
    TEAM_LEADER = "team_leader", "Team leader"
    INCOME_MANAGER = "income_manager", "Income manager"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"
    #: The revenues service's officer (council tax, rates, sundry debts, overpayments): sees
    #: a customer's council debts, never their rent records or rent diary.
    REVENUES_OFFICER = "revenues_officer", "Revenues officer"


class User(AbstractUser):
    """A member of staff. Income officers are assigned to patches."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.INCOME_OFFICER)
    # Optional two-factor sign-in (web/two_factor.py): a TOTP secret, on once confirmed.
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_enabled_at = models.DateTimeField(null=True, blank=True)
    # the 30-second step of the last code accepted: a code is good once (RFC 6238 s5.2)
    totp_last_step = models.BigIntegerField(default=0)
    # SHA-256 of each unused recovery code (random, so no slow hash is needed)
    totp_recovery = models.JSONField(default=list, blank=True)

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.AUDITOR

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Area(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Patch(models.Model):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="patches")
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    officers = models.ManyToManyField(User, blank=True, related_name="patches")

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "patches"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PropertyType(models.TextChoices):
    HOUSE = "house", "House"
    FLAT = "flat", "Flat"
    MAISONETTE = "maisonette", "Maisonette"
    BUNGALOW = "bungalow", "Bungalow"
    BEDSIT = "bedsit", "Bedsit"
    OTHER = "other", "Other"


class Property(models.Model):
    reference = models.CharField(max_length=30, unique=True)
    patch = models.ForeignKey(Patch, on_delete=models.PROTECT, related_name="properties")
    address_line_1 = models.CharField(max_length=100)
    address_line_2 = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=60, blank=True)
    postcode = models.CharField(max_length=10, db_index=True)
    property_type = models.CharField(max_length=12, choices=PropertyType.choices)
    bedrooms = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name_plural = "properties"

    def __str__(self) -> str:
        return self.address_line_1

    @property
    def address_lines(self) -> list[str]:
        return [
            x for x in (self.address_line_1, self.address_line_2, self.town, self.postcode) if x
        ]


class Tenure(models.TextChoices):
    SECURE = "secure", "Secure"
    INTRODUCTORY = "introductory", "Introductory"
    FLEXIBLE = "flexible", "Flexible"
    ASSURED = "assured", "Assured"
    ASSURED_SHORTHOLD = "assured_shorthold", "Assured shorthold"
    STARTER = "starter", "Starter"
    SCOTTISH_SECURE = "scottish_secure", "Scottish secure"
    SHORT_SCOTTISH_SECURE = "short_scottish_secure", "Short Scottish secure"
    SECURE_CONTRACT = "secure_contract", "Secure contract (Wales)"
    LICENCE = "licence", "Licence"


class Tenancy(models.Model):
    reference = models.CharField(max_length=30, unique=True)
    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="tenancies")
    tenure = models.CharField(max_length=24, choices=Tenure.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "tenancies"

    def __str__(self) -> str:
        return self.reference

    def is_current(self, as_of) -> bool:  # type: ignore[no-untyped-def]
        return self.start_date <= as_of and (self.end_date is None or self.end_date >= as_of)

    @builtins.property  # the name ``property`` is this model's field
    def account(self):  # type: ignore[no-untyped-def]
        """The tenancy's rent account (ledger.Account; a former tenant account is apart)."""
        return self.accounts.get(former=False)  # type: ignore[attr-defined]


class Tenant(models.Model):
    """A named tenant; joint tenants are jointly and severally liable for the rent."""

    tenancy = models.ForeignKey(Tenancy, on_delete=models.CASCADE, related_name="tenants")
    person_no = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60, db_index=True)
    date_of_birth = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    mobile = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    preferred_language = models.CharField(max_length=30, default="English")
    communication_needs = models.CharField(max_length=200, blank=True)
    support_needs = models.CharField(max_length=200, blank=True)
    next_of_kin_consent = models.BooleanField(default=False)

    class Meta:
        ordering = ["tenancy", "person_no"]
        constraints = [
            models.UniqueConstraint(fields=["tenancy", "person_no"], name="tenant_unique_person")
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(x for x in (self.title, self.first_name, self.last_name) if x)


class Contact(models.Model):
    """Someone other than a tenant whom the landlord may contact: next of kin, an advocate."""

    tenancy = models.ForeignKey(Tenancy, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=120)
    relationship = models.CharField(max_length=60, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)

    def __str__(self) -> str:
        return self.name
