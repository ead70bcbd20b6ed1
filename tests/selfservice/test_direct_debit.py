"""Direct Debit sign-up online: a new mandate through the door, lodged and noticed as any."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from rentbook.banking.days import add_processing_days
from rentbook.banking.models import Instruction, Mandate
from rentbook.banking.notices import advance_due
from rentbook.selfservice.direct_debit import first_collection

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Ada Okafor", "sort_code": "30-94-57", "account_number": "12345678", "sole": "yes",
    "frequency": "weekly", "weekday": "4", "day": "", "amount": "100.00",
}  # fmt: skip


def test_a_tenant_sets_up_a_direct_debit_that_is_lodged_with_its_advance_notice(
    tenant_client, tenant_account, settings
):
    r = tenant_client.post("/my-rent/direct-debit/", GOOD)
    assert r.status_code == 302 and r["Location"] == "/my-rent/direct-debit/check/"
    check = tenant_client.get(r["Location"])
    assert b"Direct Debit Guarantee" in check.content and b"30-94-57" in check.content
    done = tenant_client.post("/my-rent/direct-debit/check/")
    assert done["Location"] == "/my-rent/direct-debit/done/"
    m = Mandate.objects.get(account=tenant_account)
    assert m.status == Mandate.Status.NEW and m.import_source == "selfservice"
    assert (m.sort_code, m.account_number, m.payer_name) == ("309457", "12345678", "ADA OKAFOR")
    assert (m.frequency, m.collection_day, m.amount) == ("weekly", 4, 10_000)
    today = timezone.localdate()
    assert m.first_collection.weekday() == 4
    assert m.first_collection > add_processing_days(today, settings.RENTBOOK_DD_NOTICE_DAYS)
    # the 0N waits for the next AUDDIS file, and the advance notice is due to be sent
    assert Instruction.objects.get(mandate=m).code == "0N"
    assert m in advance_due()
    assert m.reference.encode() in tenant_client.get(done["Location"]).content
    # one is enough: the page now shows it instead of offering another
    assert b"You already have a Direct Debit" in tenant_client.get("/my-rent/direct-debit/").content


def test_a_monthly_direct_debit_on_a_day_of_the_month(tenant_client, tenant_account):
    tenant_client.post("/my-rent/direct-debit/", {**GOOD, "frequency": "monthly", "day": "15"})
    tenant_client.post("/my-rent/direct-debit/check/")
    m = Mandate.objects.get(account=tenant_account)
    assert (m.frequency, m.collection_day, m.first_collection.day) == ("monthly", 15, 15)


@pytest.mark.parametrize(
    "change,field,words",
    [({"sort_code": "12-34"}, "sort_code", b"Sort code must be 6 digits"),
     ({"account_number": "12ab"}, "account_number", b"Account number must be 6 to 8 digits"),
     ({"name": ""}, "name", b"Enter the name on the bank account"),
     ({"sole": "no"}, "sole", b"call us for a paper form"),
     ({"frequency": "yearly"}, "frequency", b"Select how often to pay"),
     ({"frequency": "monthly", "day": "32"}, "day", b"from 1 to 31"),
     ({"amount": "0"}, "amount", b"more than"),],
)  # fmt: skip
def test_bad_details_are_named_and_nothing_is_made(tenant_client, change, field, words):
    r = tenant_client.post("/my-rent/direct-debit/", {**GOOD, **change})
    assert r.status_code == 400 and words in r.content
    assert f'href="#{field}"'.encode() in r.content
    assert not Mandate.objects.exists()


def test_a_monthly_direct_debit_on_the_31st_falls_on_shorter_months_last_day():
    assert first_collection("monthly", 31, date(2027, 1, 25)) == date(2027, 2, 28)


def test_first_collection_falls_after_the_notice_period_on_the_chosen_day():
    d = first_collection("fortnightly", 0, date(2026, 12, 7))
    assert d.weekday() == 0 and d > add_processing_days(date(2026, 12, 7), 10)
    assert first_collection("monthly", 3, date(2026, 12, 7)) == date(2027, 1, 3)


def test_the_next_bacs_day_lodges_the_tenants_mandate_and_sends_its_advance_notice(
    tenant_client, tenant_account, monkeypatch, tmp_path
):
    from io import StringIO

    from django.core.management import call_command

    for k, v in {
        "RENTBOOK_BACS_SUN": "123456", "RENTBOOK_BACS_SORT_CODE": "201234",
        "RENTBOOK_BACS_ACCOUNT_NUMBER": "87654321", "RENTBOOK_BACS_NAME": "Anytown Rents",
    }.items():  # fmt: skip
        monkeypatch.setenv(k, v)
    tenant_client.post("/my-rent/direct-debit/", GOOD)
    tenant_client.post("/my-rent/direct-debit/check/")
    m = Mandate.objects.get(account=tenant_account)
    day = add_processing_days(timezone.localdate(), 1)
    out = StringIO()
    call_command("bacs", "--on", day.isoformat(), "--out", str(tmp_path), stdout=out)
    auddis = (tmp_path / f"auddis-{day.isoformat()}.txt").read_text()
    assert m.reference in auddis and "0N" in auddis
    assert "advance notices: 1 sent" in out.getvalue()
    m.refresh_from_db()
    assert m.notice_sent_on is not None
