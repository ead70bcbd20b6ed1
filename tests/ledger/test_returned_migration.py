"""Migration 0011 gives reversals posted before it the method of the payment they reverse and
sums them into the summary's ``returned``, so past returned direct debits stop counting as
collected once a landlord upgrades."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.db import connection

from rentbook.ledger.models import AccountMonth, Kind, Transaction
from rentbook.ledger.summary import refresh
from tests.factories import make_account, post

pytestmark = pytest.mark.django_db


class Editor:
    """What the migration's function reads of its schema editor (SQLite's own cannot open
    inside a test's transaction)."""

    connection = connection


fill = importlib.import_module("rentbook.ledger.migrations.0011_returned_money").fill


def test_old_reversals_take_their_payments_method_and_are_summed_as_returned():
    a = make_account()
    pay = post(a, date(2024, 4, 5), -15_000, Kind.PAYMENT, "direct_debit")
    back = post(a, date(2024, 4, 10), 15_000, Kind.REVERSAL, reverses_ref=pay.source_ref)
    again = post(a, date(2024, 4, 12), -15_000, Kind.REVERSAL, reverses_ref=back.source_ref)
    charge = post(a, date(2024, 4, 1), 10_000, Kind.CHARGE)
    fixed = post(a, date(2024, 4, 2), -10_000, Kind.REVERSAL, reverses_ref=charge.source_ref)
    refresh()
    # as before the upgrade: the reversals have no method, so nothing is summed as returned
    AccountMonth.objects.update(returned=0)
    fill(apps, Editor())
    methods = dict(Transaction.objects.filter(kind="reversal").values_list("id", "method"))
    assert methods == {back.id: "direct_debit", again.id: "direct_debit", fixed.id: ""}
    month = AccountMonth.objects.get(account=a, month=date(2024, 4, 1))
    assert month.returned == 0  # returned 10 April, reinstated 12 April
    b = make_account()
    pay_b = post(b, date(2024, 5, 6), -5_000, Kind.PAYMENT, "card")
    post(b, date(2024, 5, 8), 5_000, Kind.REVERSAL, reverses_ref=pay_b.source_ref)
    refresh()
    AccountMonth.objects.update(returned=0)
    fill(apps, Editor())
    assert AccountMonth.objects.get(account=b, month=date(2024, 5, 1)).returned == 5_000
