"""Bank statements in ISO 20022 camt.053 through the door: each booked credit is a payment,
matched by its structured reference or by the reference in its narrative, else held in
suspense; debits and entries not booked are not read; a batch entry is one payment per
transaction; the same statement again posts nothing; a statement in another currency, one
that is not camt.053, and one with an entity are refused whole."""

from __future__ import annotations

from datetime import date

import pytest

from rentbook.banking.models import ChannelPayment
from rentbook.banking.references import payment_reference
from rentbook.imports.services import import_file
from rentbook.ledger.models import Transaction
from tests.factories import make_account

pytestmark = pytest.mark.django_db

V2 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
V8 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"


def entry(amount, *, status="BOOK", side="CRDT", ref="", txs="", ccy="GBP", family="RCDT",
          sub="ESCT", v8=False) -> str:  # fmt: skip
    sts = f"<Sts><Cd>{status}</Cd></Sts>" if v8 else f"<Sts>{status}</Sts>"
    return f"""
      <Ntry>
        <NtryRef>{ref}</NtryRef>
        <Amt Ccy="{ccy}">{amount}</Amt>
        <CdtDbtInd>{side}</CdtDbtInd>
        {sts}
        <BookgDt><Dt>2026-12-04</Dt></BookgDt>
        <ValDt><Dt>2026-12-04</Dt></ValDt>
        <AcctSvcrRef>{ref}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{family}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly>
        </Domn></BkTxCd>
        <NtryDtls>{txs}</NtryDtls>
      </Ntry>"""


def tx(*, ref="", ustrd="", creditor_ref="", name="J SMITH", amount="", v8=False) -> str:
    amt = f'<Amt Ccy="GBP">{amount}</Amt>' if amount else ""
    debtor = f"<Dbtr><Pty><Nm>{name}</Nm></Pty></Dbtr>" if v8 else f"<Dbtr><Nm>{name}</Nm></Dbtr>"
    strd = (
        f"<Strd><CdtrRefInf><Ref>{creditor_ref}</Ref></CdtrRefInf></Strd>" if creditor_ref else ""
    )
    return f"""
          <TxDtls>
            <Refs><AcctSvcrRef>{ref}</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
            {amt}
            <RltdPties>{debtor}</RltdPties>
            <RmtInf><Ustrd>{ustrd}</Ustrd>{strd}</RmtInf>
          </TxDtls>"""


def statement(entries: str, ns: str = V2) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{ns}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>STMT20261204</MsgId><CreDtTm>2026-12-05T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>20261204-001</Id>
      <Acct><Id><Othr><Id>40123412345678</Id></Othr></Id></Acct>
      {entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""


def write(tmp_path, text, name="bank_statement-2026-12-04.xml"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture
def accounts():
    return make_account(start=date(2024, 4, 1)), make_account(start=date(2024, 4, 1))


@pytest.mark.parametrize("v8", [False, True], ids=["camt.053.001.02", "camt.053.001.08"])
def test_booked_credits_post_by_reference_and_the_rest_wait_in_suspense(accounts, tmp_path, v8):
    a, b = accounts
    entries = (
        # a standing order quoting the payment reference in its narrative
        entry("95.00", ref="B1", family="RCDT", sub="STDO", v8=v8,
              txs=tx(ref="B1", ustrd=f"RENT {payment_reference(a.reference)}", v8=v8))
        # a transfer with the reference as a structured creditor reference
        + entry("40.00", ref="B2", v8=v8,
                txs=tx(ref="B2", creditor_ref=payment_reference(b.reference), v8=v8))
        # a transfer whose narrative names no account: suspense
        + entry("12.50", ref="B3", v8=v8, txs=tx(ref="B3", ustrd="RENT NOVEMBER", v8=v8))
        # money out, and a credit not yet booked: not read
        + entry("30.00", ref="B4", side="DBIT", v8=v8, txs=tx(ref="B4", v8=v8))
        + entry("70.00", ref="B5", status="PDNG", v8=v8,
                txs=tx(ref="B5", ustrd=payment_reference(a.reference), v8=v8))
    )  # fmt: skip
    path = write(tmp_path, statement(entries, V8 if v8 else V2))
    result = import_file("bank_statement", path, source="bank")
    assert result.ok and not result.problems, (result.problems, result.file_errors)
    assert result.rows_posted == 3
    posted = Transaction.objects.filter(source="bank")
    assert {(t.account_id, t.amount, t.method) for t in posted} == {
        (a.pk, -9_500, "standing_order"),
        (b.pk, -4_000, "bank_transfer"),
    }
    assert {t.posted_on for t in posted} == {date(2026, 12, 4)}
    held = ChannelPayment.objects.get(status="suspense")
    assert (held.import_ref, held.amount, held.channel) == ("STMT/B3", 1_250, "bank_transfer")
    assert held.suspense_reason == "no reference given, and none found in the narrative"
    assert "J SMITH" in held.payer
    # the same statement again posts nothing
    again = import_file("bank_statement", path, source="bank")
    assert (again.rows_posted, again.rows_updated) == (0, 0)
    assert Transaction.objects.filter(source="bank").count() == 2


def test_a_batch_entry_is_one_payment_per_transaction(accounts, tmp_path):
    a, b = accounts
    batch = entry("135.00", ref="BATCH1", txs=(
        tx(ref="", ustrd=payment_reference(a.reference), amount="95.00")
        + tx(ref="", ustrd=payment_reference(b.reference), amount="40.00")
    ))  # fmt: skip
    result = import_file("bank_statement", write(tmp_path, statement(batch)), source="bank")
    assert result.ok, (result.problems, result.file_errors)
    refs = dict(Transaction.objects.filter(source="bank").values_list("source_ref", "amount"))
    assert refs == {"STMT/BATCH1/1": -9_500, "STMT/BATCH1/2": -4_000}


def test_a_batch_transaction_without_its_own_amount_is_a_row_problem(accounts, tmp_path):
    a, b = accounts
    batch = entry("135.00", ref="BATCH2", txs=(
        tx(ustrd=payment_reference(a.reference), amount="95.00")
        + tx(ustrd=payment_reference(b.reference))
    ))  # fmt: skip
    result = import_file("bank_statement", write(tmp_path, statement(batch)), source="bank")
    assert not result.ok or result.problems
    assert any(p.column == "amount" for p in result.problems), result.problems
    assert not Transaction.objects.filter(source="bank").exists()  # nothing half-loaded


@pytest.mark.parametrize(
    "text, says",
    [
        (statement(entry("10.00", ref="E1", ccy="EUR", txs=tx(ref="E1"))), "EUR"),
        (statement(entry("10.00", ref="D1", side="DBIT", txs=tx(ref="D1"))), "no booked credit"),
        ('<?xml version="1.0"?><Document><BkToCstmrNtfctn/></Document>', "not a camt.053"),
        (
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]><Document>&e;</Document>',
            "entities are not allowed",
        ),
        ("<Document><BkToCstmrStmt>", "not well-formed"),
    ],
    ids=["another currency", "no credits", "not camt.053", "an entity", "cut off"],
)
def test_a_statement_that_cannot_be_read_whole_loads_nothing(accounts, tmp_path, text, says):
    result = import_file("bank_statement", write(tmp_path, text), source="bank")
    assert not result.ok
    assert any(says in e for e in result.file_errors), result.file_errors
    assert (
        not ChannelPayment.objects.exists()
        and not Transaction.objects.filter(source="bank").exists()
    )
