from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rentbook.audit.models import AuditEvent
from rentbook.ledger.models import KIND_SIGN, Kind, Transaction
from rentbook.ledger.postings import Posting, PostingError, check, post
from tests.factories import make_account

DAY = date(2025, 6, 2)


@pytest.mark.django_db
def test_a_posting_is_made_once_and_audited():
    account = make_account()
    p = Posting(Kind.COURT_COSTS, 35_500, DAY, "court", "C-1", "Court issue fee")
    first = post(account, p)
    again = post(account, p)
    assert first.pk == again.pk
    assert Transaction.objects.filter(source="court").count() == 1
    event = AuditEvent.objects.get(action="ledger.posted")
    assert event.after["amount"] == 35_500 and event.after["account"] == account.reference


@pytest.mark.django_db
def test_a_different_entry_under_the_same_reference_is_refused():
    account = make_account()
    post(account, Posting(Kind.WRITE_OFF, -1_000, DAY, "writeoff", "WO-1"))
    with pytest.raises(PostingError, match="already posted"):
        post(account, Posting(Kind.WRITE_OFF, -2_000, DAY, "writeoff", "WO-1"))


def test_imported_sources_are_refused():
    with pytest.raises(PostingError, match="source"):
        check(Posting(Kind.WRITE_OFF, -100, DAY, "import", "X"))


@given(kind=st.sampled_from(list(Kind)), amount=st.integers(-(10**9), 10**9))
def test_sign_rule_matches_the_ledger(kind, amount):
    p = Posting(kind, amount, DAY, "rentbook", "R-1")
    sign = KIND_SIGN[kind]
    ok = amount != 0 and (sign == 0 or (amount > 0) == (sign > 0))
    if ok:
        check(p)
    else:
        with pytest.raises(PostingError, match="amount"):
            check(p)
