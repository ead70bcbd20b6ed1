"""The first run after a migration: a landlord whose cases sit at every stage of the hackney
policy (a case per rule) arrives through the import door only (tenancies, charges,
transactions, then the case-state kinds with Hackney's own action codes), and the first run
decides each case exactly as the policy decides the same facts written as a conformance
snapshot (shared/conformance/FORMAT.md).

Not here: ``review_failed_letter``, whose fact (a letter rentbook sent failed validation at
GOV.UK Notify) cannot come from a housing system.
"""

from __future__ import annotations

import csv
from datetime import date

import pytest

from rentbook.engine.models import Recommendation
from rentbook.engine.services import run_arrears
from rentbook.imports.services import import_file
from rentbook.imports.sync import sync
from rentbook.policy.evaluate import Evaluator
from rentbook.policy.loader import load_policy
from rentbook.policy.snapshots import snapshot_facts
from tests.engine.migration_cases import AS_OF, Case, ref, snapshot, write
from tests.engine.migration_cases import export as export_cases

pytestmark = pytest.mark.django_db

#: A court-ordered arrangement after a suspended order, paid only the rent: broken.
COURT_BREACH = {
    "notice": ("nosp", "2024-06-03"),
    "court": {
        "applied_on": "2024-11-01",
        "hearing_on": "2025-01-10",
        "outcome": "SOT",
        "terms_weekly": "10.00",
    },
    "arrangement": {"type": "court_ordered", "start": "2025-02-03"},
}
COURT_BREACH_SNAP = {
    "notice": {"served": "2024-06-03T12:00:00"},
    "court": {"date": "2025-01-10", "outcome": "SOT", "terms": True},
    "arrangement": {"type": "formal", "state": "breached", "start": "2025-02-03"},
}
INFORMAL = {"arrangement": {"type": "informal", "start": "2025-04-07"}}
INFORMAL_SNAP = {"arrangement": {"type": "informal", "state": "breached", "start": "2025-04-07"}}


CASES = [
    Case(
        "apply_for_outright_possession_warrant",
        notice=("nosp", "2024-10-01"),
        court={"applied_on": "2025-03-01", "hearing_on": "2025-05-01", "outcome": "OPD"},
        snapshot={
            "notice": {"served": "2024-10-01T12:00:00"},
            "last_action": {"code": "CRT", "at": "2025-03-01T12:00:00"},
            "court": {"date": "2025-05-01", "outcome": "OPD"},
        },
    ),
    Case("send_first_SMS", arrears="8.00"),
    Case(
        "send_letter_one",
        arrears="50.00",
        diary=[("GAT", "2025-06-01 10:00")],
        snapshot={"last_action": {"code": "GMS", "at": "2025-06-01T10:00:00"}},
    ),
    Case(
        "send_letter_two",
        arrears="50.00",
        diary=[("S01", "2025-05-20 10:00")],
        snapshot={"last_action": {"code": "IC1", "at": "2025-05-20T10:00:00"}},
    ),
    Case(
        "update_court_outcome_action",
        notice=("nosp", "2024-12-02"),
        court={"applied_on": "2025-04-01", "hearing_on": "2025-06-02"},
        snapshot={
            "notice": {"served": "2024-12-02T12:00:00"},
            "last_action": {"code": "CRT", "at": "2025-04-01T12:00:00"},
            "court": {"date": "2025-06-02"},
        },
    ),
    Case(
        "court_breach_visit",
        diary=[("CBL", "2025-06-01 10:00")],
        **COURT_BREACH,
        snapshot={**COURT_BREACH_SNAP, "last_action": {"code": "CBL", "at": "2025-06-01T10:00:00"}},
    ),
    Case(
        "send_NOSP",
        arrears="600.00",
        diary=[("IC1", "2025-04-15 10:00"), ("ZR2", "2025-05-20 10:00")],
        snapshot={"last_action": {"code": "IC2", "at": "2025-05-20T10:00:00"}},
    ),
    Case(
        "court_breach_no_payment",
        diary=[("CBL", "2025-05-01 10:00"), ("CBV", "2025-06-01 10:00")],
        paid_to=date(2025, 6, 2),
        **COURT_BREACH,
        snapshot={**COURT_BREACH_SNAP, "last_action": {"code": "CBV", "at": "2025-06-01T10:00:00"}},
    ),
    Case(
        "send_informal_agreement_breach_letter",
        diary=[("ARR", "2025-04-07 10:00")],
        **INFORMAL,
        snapshot={**INFORMAL_SNAP, "last_action": {"code": "ARR", "at": "2025-04-07T10:00:00"}},
    ),
    Case(
        "informal_breached_after_letter",
        diary=[("ARR", "2025-04-07 10:00"), ("BLI", "2025-06-01 10:00")],
        **INFORMAL,
        snapshot={**INFORMAL_SNAP, "last_action": {"code": "BLI", "at": "2025-06-01T10:00:00"}},
    ),
    Case(
        "address_court_agreement_breach",
        diary=[("CALL", "2025-06-01 10:00")],
        **COURT_BREACH,
        snapshot={
            **COURT_BREACH_SNAP,
            "last_action": {"code": "CALL", "at": "2025-06-01T10:00:00"},
        },
    ),
    Case(
        "send_court_warning_letter",
        arrears="600.00",
        notice=("nosp", "2025-01-10"),
        snapshot={
            "notice": {"served": "2025-01-10T12:00:00"},
            "last_action": {"code": "NOSP", "at": "2025-01-10T12:00:00"},
        },
    ),
    Case(
        "apply_for_court_date",
        arrears="600.00",
        notice=("nosp", "2025-01-10"),
        diary=[("IC4", "2025-05-20 10:00")],
        snapshot={
            "notice": {"served": "2025-01-10T12:00:00"},
            "last_action": {"code": "IC4", "at": "2025-05-20T10:00:00"},
        },
    ),
    Case(
        "check_data",
        notice=("nosp", "2024-06-03"),
        court={
            "applied_on": "2024-11-01",
            "hearing_on": "2025-01-10",
            "outcome": "SOT",
            "terms_weekly": "10.00",
        },
        snapshot={
            "notice": {"served": "2024-06-03T12:00:00"},
            "last_action": {"code": "CRT", "at": "2024-11-01T12:00:00"},
            "court": {"date": "2025-01-10", "outcome": "SOT", "terms": True},
        },
    ),
    Case(
        "hold_breathing_space",
        arrears="600.00",
        flags=[("breathing_space", "2025-06-01", "2025-07-31")],
        snapshot={"flags": [{"type": "breathing_space", "from": "2025-06-01", "to": "2025-07-31"}]},
    ),
    Case(
        "hold_mental_health_crisis",
        arrears="600.00",
        flags=[("mental_health_crisis", "2025-06-01", "")],
        snapshot={"flags": [{"type": "mental_health_crisis", "from": "2025-06-01"}]},
    ),
    Case(
        "hold_deceased",
        arrears="600.00",
        flags=[("deceased", "2025-06-05", "")],
        snapshot={"flags": [{"type": "deceased", "from": "2025-06-05"}]},
    ),
    Case(
        "hold_dispute",
        arrears="600.00",
        flags=[("dispute", "2025-06-01", "2025-07-31")],
        snapshot={"flags": [{"type": "dispute", "from": "2025-06-01", "to": "2025-07-31"}]},
    ),
    Case(
        "hold_benefit_claim",
        arrears="600.00",
        flags=[("benefit_claim_pending", "2025-06-10", "")],
        snapshot={"flags": [{"type": "benefit_claim_pending", "from": "2025-06-10"}]},
    ),
    Case(
        "paused",
        action="no_action",
        arrears="600.00",
        hold=("promise", "2025-06-10", "2025-06-30"),
        snapshot={"pause": {"until": "2025-07-01", "reason": "promise"}},
    ),
    Case("no_action", arrears="0.00", action="no_action"),
]


def export(directory) -> None:
    export_cases(directory, CASES)


@pytest.fixture
def migrated(tmp_path):
    export(tmp_path)
    done = sync(tmp_path, options={"codes": "hackney"})
    assert done.ok, [(r.kind, r.file_errors, r.problems[:3]) for r in done.results]
    return done


def test_the_snapshots_are_decided_as_each_case_expects():
    one = Evaluator(load_policy("hackney"))
    decided = {c.rule: one.decide(snapshot_facts(snapshot(c))) for c in CASES}
    assert {r: (d.rule, d.action) for r, d in decided.items()} == {
        c.rule: (c.rule if c.rule != "no_action" else decided["no_action"].rule, c.expected)
        for c in CASES
    }


def test_the_first_run_after_a_migration_decides_every_case_as_the_policy_does(migrated):
    run = run_arrears(AS_OF, "hackney")
    got = {
        r.account.reference: (r.rule, r.action)
        for r in Recommendation.objects.filter(run=run).select_related("account")
    }
    one = Evaluator(load_policy("hackney"))
    for i, case in enumerate(CASES):
        policy = one.decide(snapshot_facts(snapshot(case)))
        # the default (no rule held) is stored as a blank rule
        assert got[ref(i)] == (policy.rule or "", policy.action), (case.rule, got[ref(i)])
        assert got[ref(i)][1] == case.expected, (
            case.rule,
            got[ref(i)],
            policy.rule,
        )


def test_importing_the_same_export_again_changes_nothing(migrated, tmp_path):
    again = sync(tmp_path, options={"codes": "hackney"})
    assert again.ok
    assert all(r.rows_posted == 0 and r.rows_updated == 0 for r in again.results), [
        (r.kind, r.rows_posted, r.rows_updated) for r in again.results
    ]


def test_sync_imports_in_dependency_order_and_stops_at_a_refused_file(tmp_path):
    export(tmp_path)
    (tmp_path / "flags.csv").write_text("flag_ref,colour\nF1,red\n")
    done = sync(tmp_path, options={"codes": "hackney"})
    kinds = [k for k, _ in done.planned]
    assert kinds.index("tenancies") < kinds.index("transactions") < kinds.index("diary")
    assert kinds.index("notices") < kinds.index("court_cases")
    assert done.stopped_at == tmp_path / "flags.csv"
    assert [k for k, _ in done.not_imported] == kinds[kinds.index("flags") + 1 :]
    assert not done.ok


def test_a_file_named_after_no_kind_stops_the_sync_before_anything(tmp_path):
    from rentbook.imports.sync import SyncRefused
    from rentbook.portfolio.models import Tenancy

    export(tmp_path)
    (tmp_path / "repairs.csv").write_text("a\n1\n")
    with pytest.raises(SyncRefused, match=r"repairs\.csv"):
        sync(tmp_path)
    assert not Tenancy.objects.exists()


def test_import_file_is_the_door_for_each_file(tmp_path):
    # every kind the export writes is a kind of the one door
    export(tmp_path)
    for p in sorted(tmp_path.glob("*.csv")):
        assert import_file(p.stem, p, dry_run=True).file_errors == [], p.name


def test_the_sync_command_reports_each_file_and_each_change(migrated, tmp_path):
    import io

    from django.core.management import call_command

    rows = list(csv.DictReader((tmp_path / "flags.csv").open()))
    rows[0]["ends_on"] = "2025-06-15"  # the breathing space ended in the housing system
    write(tmp_path / "flags.csv", list(rows[0]), rows)
    out = io.StringIO()
    report = tmp_path / "report" / "sync.csv"
    report.parent.mkdir()
    call_command("sync", tmp_path, "--codes", "hackney", "--report", report, stdout=out)
    assert "flags.csv (flags): 5 rows read, 0 posted, 1 updated" in out.getvalue()
    changes = [r for r in csv.reader(report.open()) if r and r[0] == "cases.Flag"]
    assert [(r[3], r[4]) for r in changes] == [
        ('{"ends_on": "2025-07-31"}', '{"ends_on": "2025-06-15"}')
    ]
