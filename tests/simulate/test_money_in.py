"""The simulator writes the last fortnight's money as the files a landlord receives: the cash
channels' and bank statement's daily files, the Housing Benefit schedule, the DWP's Universal
Credit schedule (its last managed payments late) and the DHP awards. Through the door every
payment posts once or waits in suspense for its mistyped reference, and a late Universal
Credit schedule creates no true-arrears action for its claimants."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from django.db.models import Sum

from rentbook.banking.models import ChannelPayment
from rentbook.benefits.facts import EXPECTED_SCHEMA
from rentbook.benefits.models import UniversalCreditLine
from rentbook.engine import features
from rentbook.engine.models import Recommendation, Run
from rentbook.engine.services import run_arrears
from rentbook.imports.services import import_file
from rentbook.imports.sync import plan
from rentbook.ledger.calendar import RentFreeRule
from rentbook.ledger.models import Transaction
from rentbook.simulate import money_in
from rentbook.simulate.bacs import REPORTED_DAYS
from rentbook.simulate.run import simulate

END = date(2026, 11, 29)


def pence(column: pl.Series) -> int:
    return int(column.str.replace(".", "", literal=True).cast(pl.Int64).sum() or 0)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    out = tmp_path_factory.mktemp("money")
    simulate(tenancies=1500, years=1, seed=5, out=out, end=END,
             rule=RentFreeRule.parse(""), cases=False)  # fmt: skip
    return out


def no_schedule(as_of, open_sql):
    """No schedule: the DWP's expected days unknown to the run."""
    return pl.DataFrame(schema=EXPECTED_SCHEMA)


def read(files, kind):
    paths = sorted(files.glob(f"{kind}-*.csv"))
    return pl.concat([pl.read_csv(p, infer_schema=False) for p in paths]) if paths else None


def test_the_last_fortnights_money_comes_as_files_not_rows(files):
    tx = pl.read_csv(files / "transactions.csv", infer_schema=False)
    since = (END - timedelta(days=REPORTED_DAYS)).isoformat()
    recent = tx.filter((pl.col("posted_on") > since) & (pl.col("kind") == "payment"))
    moved = [*money_in.CHANNELS, "housing_benefit", "universal_credit", "dhp"]
    assert recent.filter(pl.col("method").is_in(moved)).height == 0
    assert recent.filter(pl.col("method") == "direct_debit").height > 0
    days = {p.name for p in files.glob("cash_payments-*.csv")}
    assert len(days) == REPORTED_DAYS, "a file a day from every channel"
    cash = read(files, "cash_payments")
    assert set(cash.get_column("channel")) == set(money_in.CHANNELS)
    statement = cash.filter(pl.col("channel").is_in(money_in.STATEMENT))
    assert (statement.get_column("reference").fill_null("") == "").all()
    assert statement.get_column("payer").str.starts_with("RENT ").all()
    assert read(files, "hb_schedule").height and read(files, "uc_schedule").height
    uc = read(files, "uc_schedule")
    late = uc.filter(pl.col("paid_on").is_null())
    assert late.height and (late.get_column("expected_on") > late.get_column("period_end")).all()


@pytest.mark.django_db
def test_every_payment_posts_once_or_waits_in_suspense_and_a_late_uc_schedule_is_technical(
    files, monkeypatch
):
    raw = pl.read_csv(files / "transactions.csv", infer_schema=False)
    planned = plan(files)
    kinds = {k for k, _ in planned}
    assert set(money_in.KINDS) - {"dhp_awards"} <= kinds
    for kind, path in planned:
        result = import_file(kind, path, source="sim")
        assert result.ok and not result.problems, (kind, result.problems[:3], result.file_errors)

    # the ledger: the rows, the returns reversed, and each file's money once
    cash = read(files, "cash_payments")
    held = ChannelPayment.objects.filter(status="suspense")
    held_refs = set(held.values_list("import_ref", flat=True))
    posted_cash = cash.filter(~pl.col("payment_ref").is_in(list(held_refs)))
    uc = read(files, "uc_schedule")
    dhp = read(files, "dhp_awards")
    files_money = (
        pence(posted_cash.get_column("amount"))
        + pence(read(files, "hb_schedule").get_column("amount"))
        + pence(uc.filter(pl.col("paid_on").is_not_null()).get_column("amount"))
        + (pence(dhp.get_column("lump_sum")) if dhp is not None else 0)
    )
    returned = Transaction.objects.filter(source="bacs", kind="reversal").aggregate(s=Sum("amount"))
    ledger = Transaction.objects.aggregate(s=Sum("amount"))["s"]
    assert ledger == pence(raw.get_column("amount")) + (returned["s"] or 0) - files_money

    # suspense holds exactly the mistyped references, each with its reason
    mistyped = {
        k
        for k in cash.get_column("payment_ref")
        if money_in.hash_of(k) % money_in.SUSPENSE_EVERY == 0
    }
    assert mistyped and held_refs == mistyped
    assert all("check character of" in r for r in held.values_list("suspense_reason", flat=True))
    # every file again posts nothing
    count = Transaction.objects.count()
    for kind, path in planned:
        import_file(kind, path, source="sim")
    assert Transaction.objects.count() == count

    # the late managed payments' claimants: some are overdue on their cycle, so only the
    # schedule's expected day keeps their arrears technical
    late = UniversalCreditLine.objects.filter(paid_on__isnull=True)
    claimants = set(late.values_list("account_id", flat=True))
    assert claimants
    with_schedule = features.build_features(END).filter(pl.col("account_id").is_in(claimants))
    with monkeypatch.context() as m:
        m.setattr(features, "expected_credits", no_schedule)
        without = features.build_features(END).filter(pl.col("account_id").is_in(claimants))
    true = dict(with_schedule.select("account_id", "true_arrears").iter_rows())
    true_without = dict(without.select("account_id", "true_arrears").iter_rows())
    assert any(true_without[a] > true[a] for a in claimants), "the schedule makes a difference"

    policies = ("england", "scotland", "hackney")  # the demo runs the configured one

    def actions() -> dict[str, dict[int, str]]:
        out = {}
        for policy in policies:
            # a run is kept once done (run_arrears is idempotent): decide afresh each time
            Run.objects.filter(as_of=END).delete()
            run = run_arrears(END, policy)
            recs = Recommendation.objects.filter(run=run, account_id__in=claimants)
            out[policy] = {r.account_id: r.action for r in recs if r.action != "no_action"}
        return out

    late_actions = actions()
    with monkeypatch.context() as m:
        m.setattr(features, "expected_credits", no_schedule)
        blind = actions()
    # without the expected day the late payment would have been chased as true arrears
    for policy in policies:
        assert set(blind[policy]) - set(late_actions[policy]), policy
    # the same claimants had the DWP paid on the usual day: the late schedule changed nothing
    on_time = files / "on_time"
    on_time.mkdir()
    paid = uc.filter(pl.col("paid_on").is_null()).with_columns(
        paid_on=(pl.col("expected_on").str.to_date() - money_in.LATE_BY).cast(pl.String)
    )
    paid.write_csv(on_time / "uc_schedule-paid.csv")
    before = Transaction.objects.count()
    assert import_file("uc_schedule", on_time / "uc_schedule-paid.csv", source="sim").ok
    assert Transaction.objects.count() == before + paid.height
    paid_actions = actions()
    for policy in policies:
        assert late_actions[policy] == paid_actions[policy], policy
