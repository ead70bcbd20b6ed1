"""Money that comes back is not collected: a returned direct debit or a reversed payment counts
as not collected in "rent collected" and every indicator built on it (issue 18).

Each test takes the hand-built landlord (tests/performance/ledger.py), returns one of its
payments, and checks the indicator moves by exactly that payment; the same reversal of a
charge, which names no method, moves nothing.
"""

from __future__ import annotations

from datetime import date

import pytest

from rentbook.ledger.models import Kind, Transaction
from rentbook.ledger.summary import refresh
from rentbook.performance import indicators as ind
from rentbook.performance.collection import fund_summary
from tests.factories import post
from tests.performance.ledger import PERIOD, build

pytestmark = pytest.mark.django_db

LANDLORD = ind.Scope.landlord()


def returned(payment: Transaction, on: date) -> Transaction:
    """The payment's reversal as the import door posts it: the opposite amount, its method."""
    return post(
        payment.account, on, -payment.amount, Kind.REVERSAL, payment.method,
        reverses_ref=payment.source_ref,
    )  # fmt: skip


def payment_of(account, on: date) -> Transaction:
    return Transaction.objects.get(account=account, kind=Kind.PAYMENT, posted_on=on)


@pytest.fixture(params=["above the watermark", "in the summary"])
def folded(request):
    """Whether the reversals are read from the ledger's new rows or from the summary."""
    return request.param == "in the summary"


def loaded(folded: bool) -> ind.Data:
    if folded:
        refresh()
    return ind.load(PERIOD)


def test_a_returned_direct_debit_is_not_rent_collected(folded):
    accounts = build()
    returned(payment_of(accounts["a"], date(2024, 4, 5)), date(2024, 4, 10))
    v = ind.rent_collected_pct(loaded(folded), LANDLORD)
    # 540 collected before (test_indicators); A's £150 came back
    assert (v.numerator, v.denominator, v.value) == (39_000, 80_000, 48.75)


def test_a_reversed_charge_is_not_money_and_leaves_collected_alone(folded):
    accounts = build()
    charge = Transaction.objects.filter(account=accounts["a"], kind=Kind.CHARGE).last()
    post(accounts["a"], date(2024, 4, 9), -charge.amount, Kind.REVERSAL)
    v = ind.rent_collected_pct(loaded(folded), LANDLORD)
    assert v.numerator == 54_000


def test_the_collection_summary_counts_the_return_against_its_fund(folded):
    accounts = build()
    returned(payment_of(accounts["a"], date(2024, 4, 5)), date(2024, 4, 10))
    rent, _, _, former, total = fund_summary(loaded(folded), LANDLORD)
    assert (rent.collected, former.collected, total.collected) == (30_000, 9_000, 39_000)


def test_former_tenant_arrears_collected_excludes_returns(folded):
    accounts = build()
    # C ended before the period (its sums come from the period); D left in it (its money
    # after leaving is read from the ledger): both payments come back
    returned(payment_of(accounts["c"], date(2024, 5, 1)), date(2024, 5, 6))
    returned(payment_of(accounts["d"], date(2024, 5, 20)), date(2024, 5, 24))
    c = ind.former_arrears_collected_pct(loaded(folded), LANDLORD)
    assert (c.numerator, c.denominator, c.value) == (0, 72_000, 0.0)


def test_a_promise_met_by_a_payment_that_came_back_is_not_kept(folded):
    accounts = build()
    # A's £150 of 5 April met its promise of £50 and its instalment of 8 April; returned on
    # 7 April, inside both windows, it meets neither
    returned(payment_of(accounts["a"], date(2024, 4, 5)), date(2024, 4, 7))
    v = ind.arrangements_kept_pct(loaded(folded), LANDLORD)
    assert (v.numerator, v.denominator) == (0, 3)


def test_a_payment_returned_after_the_grace_days_still_kept_its_promise(folded):
    accounts = build()
    # returned 20 April: after both windows (promise to 8 April, instalment to 11 April)
    returned(payment_of(accounts["a"], date(2024, 4, 5)), date(2024, 4, 20))
    v = ind.arrangements_kept_pct(loaded(folded), LANDLORD)
    assert (v.numerator, v.denominator) == (2, 3)
