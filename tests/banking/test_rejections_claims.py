"""AUDDIS rejections and DDICA indemnity claims through the door: a fixture per reason code,
each code's consequence on the mandate and the ledger, a claim reversing a payment once, a
report of the other kind refused, and a re-import changing nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Sum

from rentbook.banking.codes import AUDDIS, DDICA, Mandated
from rentbook.banking.models import IndemnityClaim, InstructionRejection, Mandate
from rentbook.imports.services import import_file
from rentbook.ledger.models import Transaction
from tests.banking.conftest import addacs_xml, arudd_xml, auddis_xml, ddica_xml

pytestmark = pytest.mark.django_db

STATUS_AFTER = {
    Mandated.KEEP: Mandate.Status.LIVE,
    Mandated.SUSPEND: Mandate.Status.SUSPENDED,
    Mandated.CANCEL: Mandate.Status.CANCELLED,
}


def report(tmp_path, text: str, name: str = "report.xml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def balance(account) -> int:
    return Transaction.objects.filter(account=account).aggregate(s=Sum("amount"))["s"] or 0


@pytest.mark.parametrize("code", list(AUDDIS))
def test_each_auddis_rejection_suspends_or_cancels_the_mandate(mandated, tmp_path, code):
    account, _ = mandated
    Mandate.objects.filter(reference="RB000001").update(status=Mandate.Status.LODGED)
    before = balance(account)
    result = import_file("bacs_auddis", report(tmp_path, auddis_xml([{"code": code}])))
    assert result.ok, result.problems
    m = Mandate.objects.get(reference="RB000001")
    assert m.status == STATUS_AFTER[AUDDIS[code].mandate]
    rj = InstructionRejection.objects.get()
    assert rj.consequence.startswith(f"AUDDIS 0N rejected: {code} ")
    assert (rj.reported_on, rj.effective_on) == (date(2026, 11, 30), date(2026, 11, 27))
    assert ("deceased route" in rj.consequence) == (code == "2")
    assert balance(account) == before  # a rejection moves no money


def test_a_rejected_cancellation_leaves_the_mandate_as_it_is(mandated, tmp_path):
    Mandate.objects.filter(reference="RB000001").update(status=Mandate.Status.CANCELLED)
    result = import_file(
        "bacs_auddis", report(tmp_path, auddis_xml([{"code": "6", "trans": "0C"}]))
    )
    assert result.ok, result.problems
    assert Mandate.objects.get().status == Mandate.Status.CANCELLED
    assert "nothing more to do" in InstructionRejection.objects.get().consequence


def test_an_auddis_report_is_not_read_as_addacs_nor_the_reverse(mandated, tmp_path):
    wrong = import_file("bacs_addacs", report(tmp_path, auddis_xml([{"code": "5"}])))
    assert not wrong.ok and "an AUDDIS report, not an ADDACS one" in wrong.file_errors[0]
    text = addacs_xml([{"code": "1"}]).replace('report-type="REFT1019"', 'advice-type="ADDACS"')
    other = import_file("bacs_auddis", report(tmp_path, text, "addacs.xml"))
    assert not other.ok and "not an AUDDIS one" in other.file_errors[0]
    assert Mandate.objects.get().status == Mandate.Status.LIVE


def test_an_unknown_auddis_code_is_named_and_the_rest_load(mandated, tmp_path):
    text = auddis_xml([{"code": "Z"}, {"code": "5", "effective": "2026-11-28"}])
    result = import_file("bacs_auddis", report(tmp_path, text))
    assert "reason_code" in str(result.problems)
    assert InstructionRejection.objects.count() == 1


def test_re_importing_an_auddis_report_changes_nothing(mandated, tmp_path):
    path = report(tmp_path, auddis_xml([{"code": "L"}]))
    import_file("bacs_auddis", path)
    Mandate.objects.update(status=Mandate.Status.LIVE)  # a person mended it since
    again = import_file("bacs_auddis", path)
    assert again.ok
    assert InstructionRejection.objects.count() == 1
    assert Mandate.objects.get().status == Mandate.Status.LIVE


@pytest.mark.parametrize("code", list(DDICA))
def test_each_indemnity_claim_reverses_the_payment_and_sets_the_mandate(mandated, tmp_path, code):
    account, payment = mandated
    before = balance(account)
    result = import_file("bacs_ddica", report(tmp_path, ddica_xml([{"code": code}])))
    assert result.ok, result.problems
    back = Transaction.objects.get(account=account, kind="reversal")
    # reclaimed money is not collected: owed again, a returned Direct Debit
    assert (back.amount, back.posted_on) == (45_000, date(2026, 11, 20))
    assert back.method == "direct_debit"
    assert back.reverses_ref == payment.source_ref
    assert balance(account) == before + 45_000
    assert Mandate.objects.get().status == STATUS_AFTER[DDICA[code].mandate]
    claim = IndemnityClaim.objects.get()
    assert (claim.claim_ref, claim.collected_on) == ("DDIC0000001", date(2026, 11, 2))
    assert claim.consequence.startswith(f"DDICA {code} ")


def test_a_claim_over_two_collections_reverses_each_once(mandated, tmp_path):
    from tests.factories import post

    account, _ = mandated
    post(account, date(2026, 12, 1), -45_000, "payment", "direct_debit")
    claim = {"code": "1", "total": "900.00",
             "collections": [("2026-11-02", "450.00"), ("2026-12-01", "450.00")]}  # fmt: skip
    path = report(tmp_path, ddica_xml([claim], processing="2026-12-10"))
    before = balance(account)
    assert import_file("bacs_ddica", path).ok
    assert balance(account) == before + 90_000
    assert IndemnityClaim.objects.count() == 2
    assert import_file("bacs_ddica", path).ok  # again: nothing more
    assert balance(account) == before + 90_000


def test_a_payment_returned_unpaid_is_not_reversed_again_by_a_claim(mandated, tmp_path):
    account, _ = mandated
    import_file("bacs_arudd", report(tmp_path, arudd_xml([{"code": "0"}]), "arudd.xml"))
    before = balance(account)
    assert import_file("bacs_ddica", report(tmp_path, ddica_xml([{"code": "2"}]))).ok
    assert balance(account) == before
    assert "check by hand" in IndemnityClaim.objects.get().consequence


def test_a_ddica_file_cut_off_mid_way_loads_nothing(mandated, tmp_path):
    account, _ = mandated
    before = balance(account)
    text = ddica_xml([{"code": "1"}])
    result = import_file("bacs_ddica", report(tmp_path, text[: len(text) // 2]))
    assert not result.ok and "not well-formed" in result.file_errors[0]
    assert balance(account) == before and not IndemnityClaim.objects.exists()


def test_a_claim_puts_the_account_on_the_run_as_a_returned_direct_debit(mandated, tmp_path):
    from rentbook.banking.facts import run_facts
    from rentbook.engine.features import open_accounts_sql

    account, _ = mandated
    import_file("bacs_ddica", report(tmp_path, ddica_xml([{"code": "5"}])))
    facts = run_facts(date(2026, 11, 23), open_accounts_sql(date(2026, 11, 23))).row(0, named=True)
    assert facts["account_id"] == account.pk
    assert facts["dd_returned"] == date(2026, 11, 20)
    assert facts["dd_return_reason"] == (
        "reclaimed (indemnity claim): payer disputes having given authority"
    )
