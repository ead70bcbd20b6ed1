from datetime import date

import pytest

from rentbook.ledger.models import Kind, Transaction
from rentbook.recovery import services
from rentbook.recovery.models import AgencyReferral, FormerTenantAccount, WriteOff
from rentbook.recovery.services import RecoveryError
from tests.factories import make_account, post

pytestmark = pytest.mark.django_db
END = date(2026, 3, 1)


@pytest.fixture
def ended(db):
    acc = make_account(start=date(2024, 4, 1), end=END)
    post(acc, date(2026, 1, 5), 60_000, kind=Kind.CHARGE)
    post(acc, date(2026, 1, 12), -10_000)
    return acc


def test_the_balance_moves_to_a_former_tenant_account_and_both_ledgers_balance(ended, people):
    fta = services.open_former_tenant_account(ended, by=people["officer"])
    assert services.balance(ended) == 0
    assert services.balance(fta.account) == 50_000 == fta.transferred
    moves = Transaction.objects.filter(source="transfer")
    assert sorted(moves.values_list("amount", flat=True)) == [-50_000, 50_000]
    assert fta.account.reference == f"{ended.reference}-FTA"
    assert fta.account.tenancy.tenants.get().last_name == "Tenant"
    with pytest.raises(RecoveryError):
        services.open_former_tenant_account(ended, by=people["officer"])


def test_a_current_tenancy_or_a_credit_is_not_moved(people):
    with pytest.raises(RecoveryError) as e:
        services.open_former_tenant_account(make_account(), by=people["officer"])
    assert "not ended" in e.value.errors["tenancy"]
    with pytest.raises(RecoveryError) as e:
        services.open_former_tenant_account(make_account(end=END), by=people["officer"])
    assert "Nothing is owed" in e.value.errors["balance"]


def test_the_letter_is_due_when_the_tenancy_ends_and_a_reminder_when_no_reply(ended, people):
    fta = services.open_former_tenant_account(ended, by=people["officer"])
    assert services.letters_due(END) == [fta]
    services.record_letter(fta, END, by=people["officer"])
    assert services.letters_due(date(2026, 3, 10)) == []
    assert services.letters_due(date(2026, 3, 15)) == [fta]
    assert services.letter_kind(fta) == "FTR"
    services.record_letter(fta, date(2026, 3, 15), by=people["officer"])
    assert services.letters_due(date(2026, 6, 1)) == []
    codes = list(fta.account.diary.values_list("code", flat=True))
    assert sorted(codes) == ["FTL", "FTR"]


def test_agency_export_and_outcomes_file_with_line_errors(ended, people):
    fta = services.open_former_tenant_account(ended, by=people["officer"])
    services.update_contact(fta, by=people["officer"], forwarding_address="1 New Road, Leeds")
    r = services.refer_to_agency(fta, "Acme Recoveries", date(2026, 4, 1), by=people["officer"])
    text = services.agency_export([r])
    assert "Acme" not in text and r.reference in text and "500.00" in text
    assert "1 New Road, Leeds" in text
    result = services.import_agency_outcomes(
        "referral_ref,status,outcome_on,note\n"
        f"{r.reference},uneconomic,2026-06-01,no assets\n"
        "AG-999,paying,2026-06-01,\n"
        f"{r.reference},lost,2026-06-01,\n",
        by=people["manager"],
    )
    assert result.updated == 1
    assert result.errors[0].startswith("line 3: no referral")
    assert result.errors[1].startswith("line 4: status 'lost'")
    r.refresh_from_db()
    assert r.status == AgencyReferral.Status.UNECONOMIC


def test_money_judgement_only_for_a_static_balance(ended, people):
    fta = services.open_former_tenant_account(ended, by=people["officer"])
    with pytest.raises(RecoveryError):
        services.seek_money_judgement(fta, date(2026, 4, 1), by=people["officer"])
    j = services.seek_money_judgement(fta, date(2026, 6, 1), by=people["officer"])
    assert j.amount == 50_000


def test_an_officer_cannot_approve_a_manager_level_write_off_or_their_own(ended, people):
    w = services.propose_write_off(
        ended, 30_000, "exceptional", date(2026, 4, 1), by=people["officer"], note="care home"
    )
    assert w.level == "manager"
    with pytest.raises(RecoveryError) as e:
        services.approve_write_off(w, date(2026, 4, 2), by=people["leader"])
    assert "manager level" in e.value.errors["approve"]
    assert not Transaction.objects.filter(kind=Kind.WRITE_OFF).exists()
    services.approve_write_off(w, date(2026, 4, 2), by=people["manager"])
    t = Transaction.objects.get(kind=Kind.WRITE_OFF)
    assert (t.amount, t.source, t.source_ref) == (-30_000, "writeoff", w.reference)


def test_a_proposer_may_not_approve_even_at_their_level(ended, people):
    w = services.propose_write_off(ended, 1_500, "small_balance", END, by=people["manager"])
    assert w.level == "officer"
    with pytest.raises(RecoveryError) as e:
        services.approve_write_off(w, END, by=people["manager"])
    assert "someone else" in e.value.errors["approve"]
    services.approve_write_off(w, END, by=people["officer"])


def test_reasons_need_their_evidence(ended, people):
    for reason, field in (("untraceable", "reason"), ("uneconomic", "reason")):
        with pytest.raises(RecoveryError) as e:
            services.propose_write_off(ended, 1_000, reason, END, by=people["officer"])
        assert field in e.value.errors
    with pytest.raises(RecoveryError) as e:
        services.propose_write_off(ended, 2_001, "small_balance", END, by=people["officer"])
    assert "£20.00 or less" in e.value.errors["reason"]
    with pytest.raises(RecoveryError) as e:
        services.propose_write_off(ended, 60_000, "deceased", END, by=people["officer"])
    assert "more than the debt" in e.value.errors["amount"]


def test_a_committee_write_off_needs_the_committees_decision(people):
    acc = make_account(end=END)
    post(acc, END, 600_000, kind=Kind.CHARGE)
    w = services.propose_write_off(acc, 600_000, "insolvency", END, by=people["officer"])
    assert w.level == "committee"
    with pytest.raises(RecoveryError) as e:
        services.approve_write_off(w, END, by=people["manager"])
    assert "committee_ref" in e.value.errors
    services.approve_write_off(w, END, by=people["manager"], committee_ref="Cabinet 1/4/26 min 7")


def test_money_received_after_a_write_off_is_written_back_on_once(ended, people):
    w = services.propose_write_off(ended, 50_000, "deceased", END, by=people["officer"])
    services.approve_write_off(w, END, by=people["manager"])
    assert services.balance(ended) == 0
    post(ended, date(2026, 5, 1), -12_000)
    made = services.reinstate(ended, date(2026, 5, 2))
    assert [(t.amount, t.posted_on) for t in made] == [(12_000, date(2026, 5, 1))]
    assert services.reinstate(ended, date(2026, 5, 3)) == []
    assert services.balance(ended) == 0


def test_committee_report_totals_equal_the_ledgers_write_offs_for_the_period(people):
    accounts = [make_account(end=END) for _ in range(3)]
    for i, acc in enumerate(accounts):
        post(acc, END, 10_000 * (i + 1), kind=Kind.CHARGE)
    on = [date(2026, 3, 31), date(2026, 4, 1), date(2027, 3, 31)]
    for acc, d in zip(accounts, on, strict=True):
        w = services.propose_write_off(
            acc, services.balance(acc), "deceased", d, by=people["officer"]
        )
        services.approve_write_off(w, d, by=people["manager"])
    refused = services.propose_write_off(accounts[0], 1, "deceased", END, by=people["officer"])
    services.refuse_write_off(refused, END, by=people["manager"])
    start, end = date(2026, 4, 1), date(2027, 3, 31)
    rows, total, _ = services.committee_report(start, end)
    ledger = -sum(
        Transaction.objects.filter(kind=Kind.WRITE_OFF, posted_on__range=(start, end)).values_list(
            "amount", flat=True
        )
    )
    assert total == ledger == 50_000
    assert [r.amount for r in rows] == [20_000, 30_000]
    csv_text = services.committee_csv(start, end)
    assert csv_text.strip().splitlines()[-1].startswith("total,,,,500.00")
    assert WriteOff.objects.filter(status="refused").count() == 1
    assert FormerTenantAccount.objects.count() == 0


def test_agency_payments_come_back_through_the_import_door(ended, people, tmp_path):
    from rentbook.imports.services import import_file

    fta = services.open_former_tenant_account(ended, by=people["officer"])
    path = tmp_path / "agency.csv"
    path.write_text(
        "transaction_ref,tenancy_ref,posted_on,kind,amount,method\n"
        f"AGP-1,{fta.account.reference},2026-05-01,payment,-25.00,bank_transfer\n"
    )
    result = import_file("transactions", path, source="agency")
    assert result.rows_posted == 1, result
    assert services.balance(fta.account) == 47_500
    assert Transaction.objects.get(source="agency").account == fta.account


def test_the_write_ons_command_reinstates_every_account_once(ended, people):
    from django.core.management import call_command

    w = services.propose_write_off(ended, 50_000, "deceased", END, by=people["officer"])
    services.approve_write_off(w, END, by=people["manager"])
    post(ended, date(2026, 5, 1), -7_000)
    call_command("write_ons", "--as-of", "2026-06-01")
    call_command("write_ons", "--as-of", "2026-06-01")
    assert list(
        Transaction.objects.filter(kind=Kind.WRITE_ON).values_list("amount", flat=True)
    ) == [7_000]


def test_the_former_tenants_command_moves_every_ended_balance_once(ended, people):
    from django.core.management import call_command

    current = make_account()
    post(current, date(2026, 1, 5), 10_000, kind=Kind.CHARGE)
    credit = make_account(end=END)
    post(credit, date(2026, 1, 5), -1_000)
    call_command("former_tenants", "--as-of", "2026-03-02")
    call_command("former_tenants", "--as-of", "2026-03-02")
    fta = FormerTenantAccount.objects.get()
    assert fta.rent_account == ended and fta.transferred == 50_000


def test_a_tenancy_that_ended_clear_and_was_recharged_later_does_not_stop_the_others(ended):
    # a recharge after leaving is owed on the rent account, but nothing was owed at the end:
    # there is no former tenant debt to move, and the others still move
    clear = make_account(end=END)
    post(clear, date(2026, 1, 5), 10_000, kind=Kind.CHARGE)
    post(clear, date(2026, 1, 6), -10_000)
    post(clear, date(2026, 3, 20), 12_000, kind=Kind.RECHARGE)
    made = services.open_all_former(date(2026, 4, 1))
    assert [f.rent_account for f in made] == [ended]
