"""Accounts and people for the legal pathway's tests."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from rentbook.cases.services import record_action
from rentbook.portfolio.models import Role
from tests.factories import make_account


def at(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(10, 0)))


def record_steps(account, officer, codes, on: date) -> None:
    for code in codes:
        record_action(account, code, at(on), officer)


ENGLAND_STEPS = ("CALL", "IC1", "MAR", "BCK", "ARO")
SCOTLAND_STEPS = ("CALL", "IC1", "MAR", "BEN", "ARO")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(django_user_model):
    def make(role: str, name: str):
        return django_user_model.objects.create_user(username=name, password="x", role=role)

    return {
        "officer": make(Role.INCOME_OFFICER, "olivia"),
        "leader": make(Role.TEAM_LEADER, "terry"),
        "manager": make(Role.INCOME_MANAGER, "mona"),
    }


@pytest.fixture
def account(db):
    return make_account(start=date(2020, 4, 6))
