"""ARUDD and ADDACS reports through the door: each reason code's consequence on the ledger and
the mandate, a re-import changing nothing, and a broken file loading nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Sum

from rentbook.banking.codes import ADDACS, ARUDD, Mandated
from rentbook.banking.models import BacsFile, Collection, Instruction, Mandate, ReturnedDebit
from rentbook.imports.services import import_file
from rentbook.ledger.models import Transaction
from tests.banking.conftest import addacs_xml, arudd_xml
from tests.factories import post

pytestmark = pytest.mark.django_db


def report(tmp_path, text: str, name: str = "report.xml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def balance(account) -> int:
    return Transaction.objects.filter(account=account).aggregate(s=Sum("amount"))["s"] or 0


STATUS_AFTER = {
    Mandated.KEEP: Mandate.Status.LIVE,
    Mandated.SUSPEND: Mandate.Status.SUSPENDED,
    Mandated.CANCEL: Mandate.Status.CANCELLED,
}


@pytest.mark.parametrize("code", list(ARUDD))
def test_each_arudd_code_reverses_the_payment_and_sets_the_mandate(mandated, tmp_path, code):
    account, payment = mandated
    before = balance(account)
    result = import_file("bacs_arudd", report(tmp_path, arudd_xml([{"code": code}])))
    assert result.ok, result.problems
    back = Transaction.objects.get(account=account, kind="reversal")
    # the £450 comes back: owed again, posted the day the report came, a returned DD
    assert (back.amount, back.posted_on, back.method) == (45_000, date(2026, 11, 6), "direct_debit")
    assert back.reverses_ref == payment.source_ref
    assert balance(account) == before + 45_000
    m = Mandate.objects.get(reference="RB000001")
    assert m.status == STATUS_AFTER[ARUDD[code].mandate]
    rd = ReturnedDebit.objects.get()
    assert rd.consequence.startswith(f"ARUDD {code} ")
    assert ("deceased route" in rd.consequence) == (code == "2")


def test_arudd_0_allows_one_re_presentation_and_no_second(mandated, tmp_path):
    account, _ = mandated
    m = Mandate.objects.get()
    f = BacsFile.objects.create(
        kind="collections", processing_on=date(2026, 12, 2), made_at="2026-11-27T10:00Z",
        records=1, total=45_000, content="", sha256="x",
    )  # fmt: skip
    regular = Collection.objects.create(
        mandate=m, code="17", due_on=date(2026, 12, 2), amount=45_000, sent_in=f,
        payment_ref="dd/RB000001/2026-12-02/17",
    )  # fmt: skip
    Transaction.objects.create(
        account=account, posted_on=date(2026, 12, 2), kind="payment", method="direct_debit",
        amount=-45_000, source="bacs", source_ref=regular.payment_ref,
    )  # fmt: skip
    import_file("bacs_arudd", report(tmp_path, arudd_xml(
        [{"code": "0", "original": "2026-12-02"}], processing="2026-12-04")))  # fmt: skip
    m.refresh_from_db()
    assert m.status == Mandate.Status.LIVE and m.represent_due_id == regular.pk
    again = Collection.objects.create(
        mandate=m, code="18", due_on=date(2026, 12, 14), amount=45_000, sent_in=f,
        payment_ref="dd/RB000001/2026-12-14/18",
    )  # fmt: skip
    # a housing system's payment of the same amount that day: the return takes back rentbook's
    # own re-presented collection, not this
    post(account, date(2026, 12, 14), -45_000, "payment", "direct_debit")
    Transaction.objects.create(
        account=account, posted_on=date(2026, 12, 14), kind="payment", method="direct_debit",
        amount=-45_000, source="bacs", source_ref=again.payment_ref,
    )  # fmt: skip
    import_file("bacs_arudd", report(tmp_path, arudd_xml(
        [{"code": "0", "original": "2026-12-14", "trans": "18"}], processing="2026-12-16"),
        "second.xml"))  # fmt: skip
    m.refresh_from_db()
    assert m.represent_due_id is None  # the re-presentation came back too: not offered again
    second = ReturnedDebit.objects.get(original_processing_on=date(2026, 12, 14))
    assert "not presented again" in second.consequence
    assert Transaction.objects.get(source_ref=f"arudd/{second.import_ref}").reverses_ref == (
        again.payment_ref
    )


def test_re_importing_an_arudd_report_posts_nothing(mandated, tmp_path):
    account, _ = mandated
    path = report(tmp_path, arudd_xml([{"code": "1"}]))
    first = import_file("bacs_arudd", path)
    again = import_file("bacs_arudd", path)
    assert (first.rows_posted, again.rows_posted, again.rows_present) == (1, 0, 1)
    assert Transaction.objects.filter(account=account, kind="reversal").count() == 1


def test_an_unknown_reference_is_rejected_by_name_and_the_rest_load(mandated, tmp_path):
    result = import_file("bacs_arudd", report(tmp_path, arudd_xml(
        [{"code": "1"}, {"code": "0", "ref": "NOSUCH01"}])))  # fmt: skip
    assert result.rows_posted == 1
    [(line, column, reason)] = [(p.line, p.column, p.reason) for p in result.problems]
    assert column == "dd_reference"
    assert reason == "no Direct Debit mandate with reference 'NOSUCH01'"
    assert line > 10  # the line of its ReturnedDebitItem element


def test_a_report_cut_off_mid_way_loads_nothing(mandated, tmp_path):
    account, _ = mandated
    text = arudd_xml([{"code": "1"}, {"code": "0"}])
    result = import_file("bacs_arudd", report(tmp_path, text[: len(text) // 2]))
    assert not result.ok and "not well-formed XML" in result.file_errors[0]
    assert not ReturnedDebit.objects.exists()
    assert not Transaction.objects.filter(account=account, kind="reversal").exists()


def test_an_entity_in_a_report_is_refused(mandated, tmp_path):
    text = arudd_xml([{"code": "1"}]).replace(
        "<BACSDocument", '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<BACSDocument', 1
    )
    result = import_file("bacs_arudd", report(tmp_path, text))
    assert not result.ok and "refused" in result.file_errors[0]


def test_a_return_with_no_payment_to_reverse_says_so(mandated, tmp_path):
    account, _ = mandated
    import_file("bacs_arudd", report(tmp_path, arudd_xml([{"code": "0", "amount": "12.34"}])))
    rd = ReturnedDebit.objects.get()
    assert rd.reversal_ref == "" and "check by hand" in rd.consequence
    assert not Transaction.objects.filter(account=account, kind="reversal").exists()


@pytest.mark.parametrize("code", list(ADDACS))
def test_each_addacs_code_changes_the_mandate_as_it_should(mandated, tmp_path, code):
    advice = {"code": code}
    if ADDACS[code].mandate == Mandated.UPDATE:
        advice.update(new_sort="20-99-88", new_account="7654321", new_name="S Tenant")
    Instruction.objects.all().delete()
    result = import_file("bacs_addacs", report(tmp_path, addacs_xml([advice])))
    assert result.ok, result.problems
    m = Mandate.objects.get()
    reason = ADDACS[code]
    sent = list(Instruction.objects.values_list("code", flat=True))
    assert "0C" not in sent  # rentbook never answers an ADDACS advice with a cancellation
    if reason.mandate == Mandated.UPDATE:
        assert (m.sort_code, m.account_number, m.payer_name) == ("209988", "07654321", "S TENANT")
        assert sent == (["0N"] if code == "3" else [])
        assert m.status == (Mandate.Status.NEW if code == "3" else Mandate.Status.LIVE)
    else:
        assert (m.sort_code, m.account_number) == ("401234", "12345678")
        expected = {
            Mandated.CANCEL: Mandate.Status.CANCELLED,
            Mandated.SUSPEND: Mandate.Status.SUSPENDED,
            Mandated.REINSTATE: Mandate.Status.LIVE,
        }[reason.mandate]
        assert m.status == expected and sent == []


def test_addacs_3_without_the_new_sort_code_is_rejected(mandated, tmp_path):
    result = import_file("bacs_addacs", report(tmp_path, addacs_xml([{"code": "3"}])))
    assert [(p.column, p.reason) for p in result.problems] == [
        ("new_sort_code", "a transferred or moved instruction needs the new sort code")
    ]
    assert Mandate.objects.get().sort_code == "401234"
