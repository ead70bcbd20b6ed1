"""The Direct Debit Guarantee's notices: a new mandate's advance notice (DDN) goes before its
first collection, which waits the notice period; a collection returned "refer to payer" is
presented once more (18) only after its notice (DDR), on the day the notice gave."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import hypothesis
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rentbook.banking.files import collections_file, instructions_file
from rentbook.banking.models import Collection, Mandate
from rentbook.banking.notices import send_notices
from rentbook.banking.schedule import first_collection_from
from rentbook.comms.backends import Outbox
from rentbook.comms.models import Message
from rentbook.imports.services import import_file
from rentbook.ledger.models import Transaction
from tests.banking.conftest import arudd_xml, mandate_row, write_csv
from tests.banking.test_standard18 import bacs_env, fields  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def codes_in(f) -> dict[str, str]:
    return {fields(x)["reference"].strip(): fields(x)["code"] for x in f.content.splitlines()}


@pytest.fixture
def lodged(mandated, bacs_env, tmp_path):  # noqa: F811
    account, _ = mandated
    import_file("mandates", write_csv(tmp_path / "n.csv", [mandate_row(
        "RB000002", account.reference, status="new", collection_day="1",
        first_collection="2026-12-01", amount="100.00")]), now=lambda: NOW)  # fmt: skip
    instructions_file(date(2026, 11, 27), NOW)
    return Mandate.objects.get(reference="RB000002")


def test_the_first_collection_waits_for_the_advance_notice(lodged, settings):
    settings.RENTBOOK_BACS_SUN = "123456"
    # no notice yet: the first collection is not made on its date
    assert "RB000002" not in codes_in(collections_file(date(2026, 12, 1), NOW))
    Collection.objects.all().delete()  # (the regular mandate's collection: not this test's)

    sent = send_notices(date(2026, 11, 27), now=NOW, backend=Outbox())
    assert [m.code for m in sent.advance.sent] == ["DDN"]
    letter = Message.objects.get(code="DDN")
    # ten processing days from 27 November is 11 December, after the 1 December date: the
    # first collection is 1 January, a bank holiday, so Monday 4 January
    assert "We will collect £100.00 monthly, starting on 4 January 2027" in letter.body
    assert "reference RB000002" in letter.body and "service user number is 123456" in letter.body
    lodged.refresh_from_db()
    assert lodged.notice_sent_on == date(2026, 11, 27)
    assert first_collection_from(lodged, date(2026, 11, 27), collected=False) == date(2027, 1, 4)
    # the notice is sent once
    assert not send_notices(date(2026, 11, 30), now=NOW, backend=Outbox()).advance.sent

    assert codes_in(collections_file(date(2027, 1, 4), NOW))["RB000002"] == "01"
    lodged.refresh_from_db()
    assert lodged.status == Mandate.Status.LIVE


def test_a_held_notice_holds_the_first_collection(lodged):
    from rentbook.portfolio.models import Property

    Property.objects.filter(tenancies__accounts=lodged.account).update(postcode="")
    sent = send_notices(date(2026, 11, 27), now=NOW, backend=Outbox())
    assert not sent.advance.sent and len(sent.advance.held) == 1
    lodged.refresh_from_db()
    assert lodged.notice_sent_on is None
    assert "RB000002" not in codes_in(collections_file(date(2027, 1, 4), NOW))


def test_arudd_0_is_presented_again_once_after_its_notice(mandated, bacs_env, tmp_path):  # noqa: F811
    first = collections_file(date(2026, 12, 1), NOW)
    assert codes_in(first)["RB000001"] == "17"
    path = tmp_path / "arudd.xml"
    path.write_text(arudd_xml([{"code": "0", "original": "2026-12-01"}], processing="2026-12-03"))
    assert import_file("bacs_arudd", path).ok
    m = Mandate.objects.get()
    assert m.represent_due is not None and m.represent_notice_on is None
    # not before the payer has been told, even on the day first set
    assert "RB000001" not in codes_in(collections_file(date(2026, 12, 10), NOW))

    sent = send_notices(date(2026, 12, 11), now=NOW, backend=Outbox())
    assert [x.code for x in sent.represent.sent] == ["DDR"]
    m.refresh_from_db()
    # five processing days' notice from the letter: Friday 11 to Friday 18 December
    assert (m.represent_notice_on, m.represent_on) == (date(2026, 12, 11), date(2026, 12, 18))
    letter = Message.objects.get(code="DDR")
    assert "We will collect £450.00 again on 18 December 2026" in letter.body
    assert "RB000001" not in codes_in(collections_file(date(2026, 12, 17), NOW))

    again = collections_file(date(2026, 12, 18), NOW)
    assert codes_in(again)["RB000001"] == "18"
    assert Transaction.objects.filter(
        source="bacs", source_ref="dd/RB000001/2026-12-18/18", amount=-45_000
    ).exists()
    m.refresh_from_db()
    assert m.represent_due is None and m.represent_on is None
    # once only: the next day's file presents nothing more
    assert "RB000001" not in codes_in(collections_file(date(2026, 12, 21), NOW))


@hypothesis.settings(max_examples=200, deadline=None)
@given(
    frequency=st.sampled_from(["weekly", "fortnightly", "four_weekly", "monthly"]),
    first=st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 6, 1)),
    day=st.integers(min_value=1, max_value=31),
    today=st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 12, 31)),
    collected=st.booleans(),
)
def test_the_next_collection_is_the_first_scheduled_one_far_enough_ahead(
    frequency, first, day, today, collected
):
    """The shortcut that starts near today finds what walking from the first collection does."""
    from rentbook.arrangements.schedules import due_date
    from rentbook.banking.days import next_processing_day
    from rentbook.banking.schedule import rule_of

    monthly = frequency == "monthly"
    if not monthly:
        first = first + timedelta(days=(day % 7 - first.weekday()) % 7)
    m = Mandate(frequency=frequency, collection_day=day if monthly else first.weekday(),
                first_collection=first, status="live", amount=100)  # fmt: skip
    found = first_collection_from(m, today, collected=collected)
    walked = next(
        d
        for k in range(5000)
        if (d := next_processing_day(due_date(first, rule_of(m), k))) >= today
    )
    assert found == walked
