"""The weekly run over council debts: each debt decided by its stream's shipped policy, with
the customer's tenancy's holds stopping every stream at once and their rent arrears deciding
whether an overpayment may be deducted from Housing Benefit (seed 002 4.2.4: not at £250 or
more), at the higher rate for fraud. The conformance examples of every debt policy pass."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from rentbook.cases.models import Flag
from rentbook.debts.models import Debt, DebtAction, DebtRecommendation, Stream
from rentbook.debts.run import (
    POLICIES,
    STREAM_POLICIES,
    debt_policy,
    instalments_due,
    run_debts,
)
from rentbook.ledger.models import Kind
from rentbook.policy.check import check_snapshots
from tests.debts.conftest import load
from tests.factories import make_account, post

AS_OF = date(2026, 12, 7)
LONDON = ZoneInfo("Europe/London")
EXAMPLES = {
    p.stem: json.loads(p.read_text()) for p in sorted((POLICIES / "examples").glob("*.json"))
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_debt_policys_conformance_examples_pass(name):
    result = check_snapshots(debt_policy(name), EXAMPLES[name], expect=True)
    assert result.exit_code == 0, result.lines
    # an example for every step and every hold the policy has
    missing = set(debt_policy(name).actions) - {s["expect"] for s in EXAMPLES[name]}
    assert missing <= {"no_action"}, missing


def test_docs_policies_lists_every_example_with_its_expected_action():
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "policies.md").read_text()
    for name, examples in EXAMPLES.items():
        assert f"### `{name}`" in docs
        for e in examples:
            assert f"| `{e['id']}` | {e['description']} | `{e['expect']}` |" in docs, e["id"]


def test_each_stream_has_a_shipped_policy_with_its_examples():
    assert set(STREAM_POLICIES) == set(Stream.values)
    assert set(EXAMPLES) == {p.stem for p in POLICIES.glob("*.toml")}
    for name in STREAM_POLICIES.values():
        assert debt_policy(name).name == name


def setup_customer(tmp_path, *, rent_owed: int, hb: bool):
    tenant = make_account(benefit="housing_benefit" if hb else "none")
    post(tenant, date(2026, 11, 2), rent_owed, Kind.CHARGE)
    assert load(
        tmp_path,
        "customers",
        [{"customer_ref": "C1", "name": "Ali Khan", "tenancy_ref": tenant.reference}],
    ).ok
    assert load(tmp_path, "debts", [
        {"debt_ref": "HBO-F", "customer_ref": "C1", "stream": "hbo", "financial_year": "2026",
         "raised_on": "2026-10-01", "cause": "fraud"},
        {"debt_ref": "HBO-E", "customer_ref": "C1", "stream": "hbo", "financial_year": "2026",
         "raised_on": "2026-10-01", "cause": "claimant_error"},
        {"debt_ref": "INV-1", "customer_ref": "C1", "stream": "sundry", "financial_year": "2026",
         "raised_on": "2026-09-01", "due_on": "2026-10-01", "department": "Parks"},
        {"debt_ref": "CT-26", "customer_ref": "C1", "stream": "council_tax",
         "financial_year": "2026", "raised_on": "2026-03-10", "due_on": "2026-04-01"},
    ]).ok  # fmt: skip
    assert load(tmp_path, "debt_entries", [
        {"entry_ref": f"E{k}", "debt_ref": ref, "posted_on": "2026-10-01", "kind": "charge",
         "amount": "300.00"} for k, ref in enumerate(["HBO-F", "HBO-E", "INV-1", "CT-26"])
    ]).ok  # fmt: skip
    notified = datetime(2026, 10, 5, 9, tzinfo=LONDON)
    for ref in ("HBO-F", "HBO-E"):
        DebtAction.objects.create(debt=Debt.objects.get(import_ref=ref), code="HBN", at=notified)
    return tenant


def decided() -> dict[str, str]:
    return dict(
        DebtRecommendation.objects.values_list("debt__import_ref", "action")
    )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    "rent_owed, fraud, error",
    [
        (24_999, "deduct_from_hb_fraud_rate", "deduct_from_hb"),
        (25_000, "invoice", "invoice"),
    ],
    ids=["£249.99 of rent owed", "£250.00 of rent owed"],
)
def test_an_overpayment_is_deducted_from_hb_only_under_250_pounds_of_rent(
    tmp_path, rent_owed, fraud, error
):
    setup_customer(tmp_path, rent_owed=rent_owed, hb=True)
    run = run_debts(AS_OF)
    got = decided()
    assert (got["HBO-F"], got["HBO-E"]) == (fraud, error)
    assert got["INV-1"] == "send_reminder" and got["CT-26"] == "send_reminder"
    assert run.debts == 4
    rec = DebtRecommendation.objects.get(debt__import_ref="HBO-E")
    assert rec.balance == 30_000 and rec.reasons


@pytest.mark.django_db
def test_without_hb_in_payment_an_overpayment_is_invoiced(tmp_path):
    setup_customer(tmp_path, rent_owed=0, hb=False)
    run_debts(AS_OF)
    assert decided()["HBO-E"] == "invoice"


@pytest.mark.django_db
def test_a_breathing_space_on_the_tenancy_holds_every_stream_at_once(tmp_path):
    tenant = setup_customer(tmp_path, rent_owed=0, hb=True)
    Flag.objects.create(account=tenant, type="breathing_space", starts_on=date(2026, 11, 20))
    run_debts(AS_OF)
    assert set(decided().values()) == {"hold_breathing_space"}
    # the run made again for the same day replaces the last one
    Flag.objects.all().delete()
    run_debts(AS_OF)
    assert "hold_breathing_space" not in decided().values()
    assert DebtRecommendation.objects.count() == 4


def test_instalments_fall_due_monthly_from_april_to_january():
    assert [instalments_due(2026, date(2026, m, 1)) for m in (3, 4, 5, 11, 12)] == [0, 1, 2, 8, 9]
    assert instalments_due(2026, date(2027, 1, 1)) == 10
    assert instalments_due(2026, date(2027, 3, 31)) == 10
    assert instalments_due(2025, date(2026, 12, 7)) == 10


@pytest.mark.django_db
def test_council_tax_paid_up_to_its_instalments_is_not_chased(tmp_path):
    assert load(tmp_path, "customers", [{"customer_ref": "C7", "name": "Jo Reid"}]).ok
    assert load(
        tmp_path,
        "debts",
        [
            {
                "debt_ref": "CT-7",
                "customer_ref": "C7",
                "stream": "council_tax",
                "financial_year": "2026",
                "raised_on": "2026-03-10",
                "due_on": "2026-04-01",
            }
        ],
    ).ok
    rows = [{"entry_ref": "B", "debt_ref": "CT-7", "posted_on": "2026-04-01", "kind": "charge",
             "amount": "1200.00"}]  # fmt: skip
    # nine of ten instalments due by 7 December (April to December): £1,080
    rows += [{"entry_ref": f"P{m}", "debt_ref": "CT-7", "posted_on": f"2026-{m:02d}-01",
              "kind": "payment", "amount": "-120.00"} for m in range(4, 11)]  # fmt: skip
    assert load(tmp_path, "debt_entries", rows).ok
    run_debts(AS_OF)
    rec = DebtRecommendation.objects.get()
    assert (rec.action, rec.balance) == ("send_reminder", 24_000)  # November's and December's
    assert load(tmp_path, "debt_entries", [
        {"entry_ref": f"P{m}", "debt_ref": "CT-7", "posted_on": f"2026-{m}-01", "kind": "payment",
         "amount": "-120.00"} for m in (11, 12)]).ok  # fmt: skip
    run_debts(AS_OF)
    assert not DebtRecommendation.objects.exists()  # up to date: £120 owed, none of it due


def test_caught_up_since_counts_instalments_fallen_due():
    from rentbook.debts.run import caught_up_since

    bill = [(date(2026, 4, 1), "charge", 120_000)]  # £1,200: ten of £120 from April
    paid_to_june = [*bill, (date(2026, 6, 10), "payment", -36_000)]
    # reminded 20 May (April and May unpaid); paying April to June on 10 June catches up
    assert caught_up_since("council_tax", 2026, paid_to_june, date(2026, 5, 20), AS_OF)
    # paying only £100 does not; nor does a payment before the reminder
    short = [*bill, (date(2026, 6, 10), "payment", -10_000)]
    assert not caught_up_since("council_tax", 2026, short, date(2026, 5, 20), AS_OF)
    # April paid on 10 May, reminded for May on 20 May: never up to date since
    early = [*bill, (date(2026, 5, 10), "payment", -12_000)]
    assert not caught_up_since("council_tax", 2026, early, date(2026, 5, 20), date(2026, 9, 30))
    # a sundry invoice against its balance
    inv = [(date(2026, 6, 1), "charge", 4_500), (date(2026, 8, 1), "payment", -4_500)]
    assert caught_up_since("sundry", 2026, inv, date(2026, 7, 1), AS_OF)


@pytest.mark.django_db
def test_england_a_taxpayer_who_caught_up_gets_a_second_reminder_not_a_summons(tmp_path):
    assert load(tmp_path, "customers", [{"customer_ref": "C1", "name": "Ali Khan"},
                                        {"customer_ref": "C2", "name": "Bo Li"}]).ok  # fmt: skip
    assert load(tmp_path, "debts", [
        {"debt_ref": f"CT-{c}", "customer_ref": c, "stream": "council_tax",
         "financial_year": "2026", "raised_on": "2026-03-10", "due_on": "2026-04-01"}
        for c in ("C1", "C2")
    ]).ok  # fmt: skip
    rows = []
    for c in ("C1", "C2"):
        rows.append({"entry_ref": f"B{c}", "debt_ref": f"CT-{c}", "posted_on": "2026-04-01",
                     "kind": "charge", "amount": "1200.00"})  # fmt: skip
    # C1 pays April to June after May's reminder, then nothing; C2 never pays
    rows.append({"entry_ref": "P1", "debt_ref": "CT-C1", "posted_on": "2026-06-10",
                 "kind": "payment", "amount": "-360.00"})  # fmt: skip
    assert load(tmp_path, "debt_entries", rows).ok
    for c in ("C1", "C2"):
        DebtAction.objects.create(debt=Debt.objects.get(import_ref=f"CT-{c}"), code="CER1",
                                  at=datetime(2026, 5, 20, 9, tzinfo=LONDON))  # fmt: skip
    run_debts(AS_OF, {"council_tax": "council_tax_england"})
    got = decided()
    assert got["CT-C1"] == "send_second_reminder"
    assert got["CT-C2"] == "issue_summons"
