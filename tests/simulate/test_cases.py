"""The simulated landlord's case history: it agrees with its ledger, comes in through the case
state door untouched, and puts the first arrears run's cases at every stage of the pathway."""

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from rentbook.cases.code_mapping import load_mapping
from rentbook.imports.sync import sync
from rentbook.simulate.run import CASE_FILES
from tests.simulate.conftest import run

END = date(2026, 11, 29)
CATEGORIES = {"contact", "letter", "arrangement", "notice", "court", "enforcement", "hold"}


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    return run(tmp_path_factory.mktemp("cases"), tenancies=2000, years=3, seed=1, end=END)


def read(directory: Path, name: str) -> pl.DataFrame:
    return pl.read_csv(directory / f"{name}.csv", infer_schema_length=0)


def test_every_case_file_is_written_with_rows(history):
    for name in CASE_FILES:
        assert read(history, name).height > 0, name


def test_the_same_seed_gives_byte_identical_case_files(tmp_path, history):
    again = run(tmp_path, tenancies=2000, years=3, seed=1, end=END)
    for name in CASE_FILES:
        assert (again / f"{name}.csv").read_bytes() == (history / f"{name}.csv").read_bytes()


def test_every_diary_code_is_mapped_by_hackneys_mapping_but_the_legacy_note(history):
    mapping = load_mapping("hackney")
    codes = set(read(history, "diary")["code"])
    unmapped = {c for c in codes if mapping.resolve(c) is None}
    assert unmapped == {"MEMO"}


def test_each_eviction_in_the_ledger_has_its_notice_order_warrant_and_eviction(history):
    tenancies = read(history, "tenancies").filter(pl.col("person_no") == "1")
    courts = read(history, "court_cases")
    evicted = courts.filter(pl.col("eviction_on").is_not_null())
    assert evicted.height > 0
    ends = dict(tenancies.select("tenancy_ref", "end_date").iter_rows())
    for row in evicted.iter_rows(named=True):
        end = date.fromisoformat(ends[row["tenancy_ref"]])
        eviction = date.fromisoformat(row["eviction_on"])
        # in the tenancy's last week, after the warrant, after the order, after the notice
        assert end - timedelta(days=6) <= eviction <= end
        assert row["warrant_issued_on"] < row["eviction_on"]
        assert row["hearing_on"] < row["warrant_applied_on"] <= row["warrant_issued_on"]
        assert row["outcome"] in {"OPD", "SOT"}
        assert row["notice_ref"] is not None


def test_an_order_on_terms_is_followed_by_a_court_ordered_arrangement_from_its_hearing(history):
    courts = read(history, "court_cases").filter(pl.col("terms_weekly").is_not_null())
    formal = read(history, "arrangements").filter(pl.col("type") == "court_ordered")
    starts = set(formal.select("tenancy_ref", "start").iter_rows())
    assert courts.height > 0
    followed = [(r, h) in starts for r, h in courts.select("tenancy_ref", "hearing_on").iter_rows()]
    # those whose arrears had cleared by the hearing need none
    assert sum(followed) >= 0.9 * len(followed)


def test_arrangements_are_kept_broken_and_renegotiated(history):
    arrangements = read(history, "arrangements")
    states = Counter(arrangements["state"])
    assert {"live", "completed", "cancelled"} <= set(states)
    reasons = set(arrangements["cancel_reason"].drop_nulls())
    assert "renegotiated after a breach" in reasons
    assert "broken: moved to the next stage of recovery" in reasons


@pytest.mark.django_db(transaction=True)
def test_the_first_run_after_the_migration_spans_the_pathway(history):
    from rentbook.engine.models import Recommendation
    from rentbook.engine.services import run_arrears

    result = sync(history, source="sim", options={"codes": "hackney"})
    assert result.ok
    for imported in result.results:
        assert imported.rows_rejected == 0, imported
    run = run_arrears(END + timedelta(days=1))
    actions = Counter(
        Recommendation.objects.filter(run_id=run.id)
        .exclude(category="none")
        .values_list("category", "action")
    )
    needing = sum(actions.values())
    assert {category for category, _ in actions} >= CATEGORIES
    # no single action takes more than a third of the accounts that need one
    (top, most), *_ = actions.most_common()
    assert most <= needing / 3, (top, most, needing)
    # most cases are past letter one
    assert actions["letter", "send_letter_one"] < needing / 4


# seeds whose landlords had a direct debit returned after a placed tenancy's end date
@pytest.mark.parametrize("seed", [3, 4, 5])
def test_each_agency_placement_is_of_a_debt_the_ledger_moves_when_the_tenancy_ends(tmp_path, seed):
    """The ledger moves what was owed on the end date (recovery/services.py), so a direct
    debit returned after that day is not part of it: a placement of a tenancy that owed
    nothing on its end date would have no former tenant account to land on."""
    history = run(tmp_path, tenancies=3000, years=3, seed=seed, end=END)
    placed = read(history, "agency_placements").select("tenancy_ref").unique()
    ends = read(history, "tenancies").select("tenancy_ref", "end_date").unique("tenancy_ref")
    owed = (
        read(history, "transactions")
        .join(placed, on="tenancy_ref")
        .join(ends, on="tenancy_ref")
        .filter(pl.col("posted_on") <= pl.col("end_date"))
        .group_by("tenancy_ref")
        .agg(pl.col("amount").cast(pl.Decimal(20, 2)).sum().alias("owed"))
    )
    assert owed.height == placed.height > 0
    assert owed.filter(pl.col("owed") <= 0).height == 0
