"""The run: one recommendation per open account with reasons, idempotent per day and policy,
all or nothing, audited; the ``rentbook run`` command and the task."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from rentbook.audit.models import AuditEvent
from rentbook.engine import services
from rentbook.engine.models import Recommendation, Run
from rentbook.engine.services import enqueue_run, latest_run, run_arrears
from rentbook.ledger.models import Kind
from rentbook.money import format_pounds
from rentbook.policy.loader import PolicyError
from tests.factories import make_account, post

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 6, 18)


@pytest.fixture
def ledger():
    """Three open accounts (one in arrears, one paid up, one in credit) and one ended."""
    owing = make_account(weekly_rent=10_000)
    paid = make_account(weekly_rent=10_000)
    credit = make_account(weekly_rent=10_000)
    ended = make_account(weekly_rent=10_000, end=date(2025, 1, 5))
    for k in range(6):
        monday = date(2025, 5, 12) + timedelta(weeks=k)
        for acc in (owing, paid, credit):
            post(acc, monday, 10_000, kind=Kind.CHARGE)
        post(paid, monday + timedelta(days=1), -10_000, method="card")
    post(credit, date(2025, 5, 1), -100_000, method="card")
    post(ended, date(2024, 12, 30), 10_000, kind=Kind.CHARGE)
    return {"owing": owing, "paid": paid, "credit": credit, "ended": ended}


def test_a_run_stores_one_recommendation_per_open_account_with_reasons(ledger):
    run = run_arrears(AS_OF, "hackney")
    assert run.status == Run.Status.DONE and run.accounts == 3
    assert run.policy == "hackney" and len(run.policy_sha256) == 64
    recs = {r.account_id: r for r in Recommendation.objects.filter(run=run)}
    assert set(recs) == {ledger["owing"].pk, ledger["paid"].pk, ledger["credit"].pk}
    owing = recs[ledger["owing"].pk]
    assert owing.action == "send_letter_one" and owing.rule == "send_letter_one"
    assert owing.category == "letter" and owing.priority == 20
    assert owing.balance == 60_000 and owing.weekly_charge == 10_000
    assert owing.benefit == "none" and owing.patch_id == ledger["owing"].tenancy.property.patch_id
    assert any("arrears" in reason for reason in owing.reasons)
    for key in ("paid", "credit"):
        rec = recs[ledger[key].pk]
        assert rec.action == "no_action" and rec.rule == ""
        assert rec.reasons == ["no rule applies"]
    assert recs[ledger["credit"].pk].balance == -40_000


def test_every_run_and_its_start_are_audited(ledger):
    run = run_arrears(AS_OF, "hackney")
    events = AuditEvent.objects.filter(object_type="engine.Run", object_id=str(run.pk))
    assert sorted(events.values_list("action", flat=True)) == ["run.done", "run.start"]
    done = events.get(action="run.done")
    assert done.after["accounts"] == 3
    assert done.after["actions"] == {"no_action": 2, "send_letter_one": 1}


def test_running_the_same_day_twice_adds_nothing(ledger):
    first = run_arrears(AS_OF, "hackney")
    post(ledger["paid"], AS_OF, 99_000, kind=Kind.CHARGE)
    again = run_arrears(AS_OF, "hackney")
    assert again.pk == first.pk
    assert Run.objects.count() == 1
    assert Recommendation.objects.count() == 3
    assert AuditEvent.objects.filter(object_type="engine.Run").count() == 2


def test_a_failed_run_leaves_no_recommendations_and_can_be_run_again(ledger, monkeypatch):
    real = services.bulk_insert

    def half_then_fail(table, columns, frame):  # type: ignore[no-untyped-def]
        real(table, columns, frame.head(1))
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "bulk_insert", half_then_fail)
    with pytest.raises(RuntimeError):
        run_arrears(AS_OF, "hackney")
    run = Run.objects.get()
    assert run.status == Run.Status.FAILED and "disk full" in run.message
    assert Recommendation.objects.count() == 0
    assert AuditEvent.objects.filter(action="run.failed").count() == 1
    assert latest_run("hackney") is None
    monkeypatch.setattr(services, "bulk_insert", real)
    again = run_arrears(AS_OF, "hackney")
    assert again.pk == run.pk and again.status == Run.Status.DONE and again.message == ""
    assert Recommendation.objects.filter(run=again).count() == 3


def test_latest_run_is_the_latest_done_run_of_the_policy(ledger):
    assert latest_run() is None
    run_arrears(AS_OF - timedelta(days=7))
    newest = run_arrears(AS_OF)
    assert latest_run() == newest
    assert latest_run("hackney") == newest


def test_an_unknown_policy_is_refused(ledger):
    with pytest.raises(PolicyError):
        run_arrears(AS_OF, "no-such-policy")
    assert Run.objects.count() == 0


def test_reasons_are_the_per_account_evaluators(ledger):
    from rentbook.engine.features import Source, build_features
    from rentbook.policy.evaluate import Evaluator
    from rentbook.policy.facts import facts_from_row
    from rentbook.policy.loader import load_policy

    run = run_arrears(AS_OF, "hackney")
    row = next(
        r
        for r in build_features(AS_OF, Source()).to_dicts()
        if r["account_id"] == ledger["owing"].pk
    )
    decision = Evaluator(load_policy("hackney")).decide(facts_from_row(row))
    rec = Recommendation.objects.get(run=run, account=ledger["owing"])
    assert rec.reasons == list(decision.reasons)
    assert json.loads(json.dumps(rec.reasons)) == rec.reasons


# ---- the command ------------------------------------------------------------------------------


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("run", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_counts_by_action_and_patch_and_runs_once(ledger):
    text = _run("--as-of", AS_OF.isoformat(), "--policy", "hackney")
    assert "hackney run as of 2025-06-18: 3 accounts decided" in text
    assert "send_letter_one" in text and "no_action" in text
    assert "By patch:" in text and "P1" in text
    again = _run("--as-of", AS_OF.isoformat())
    assert "already done" in again and "nothing added" in again
    assert Run.objects.count() == 1 and Recommendation.objects.count() == 3


def test_the_command_prints_money_as_people_read_it_and_json_in_pence(ledger):
    text = _run("--as-of", AS_OF.isoformat(), "--policy", "hackney")
    run = Run.objects.get()
    owed = sum(r.balance for r in Recommendation.objects.filter(run=run) if r.balance > 0)
    assert owed > 0 and format_pounds(owed) in text  # the patch's line: every account is in P1
    figures = json.loads(_run("--as-of", AS_OF.isoformat(), "--format", "json"))
    assert figures["already_done"] and figures["run"] == run.pk
    assert sum(r["owed_pence"] for r in figures["by_patch"]) == owed
    assert sum(r["accounts"] for r in figures["by_action"]) == 3
    rows = list(csv.DictReader(io.StringIO(_run("--as-of", AS_OF.isoformat(), "--format", "csv"))))
    assert sum(int(r["owed_pence"]) for r in rows if r["by"] == "patch") == owed
    assert {r["by"] for r in rows} == {"action", "patch"}


def test_the_command_refuses_a_bad_date_and_an_unknown_policy(ledger):
    with pytest.raises(CommandError, match="is not a date"):
        _run("--as-of", "18/06/2025")
    with pytest.raises(CommandError, match="does not load"):
        _run("--as-of", AS_OF.isoformat(), "--policy", "nonesuch")
    assert Run.objects.count() == 0


# ---- the task ---------------------------------------------------------------------------------


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
)
def test_enqueue_run_runs_the_task(ledger):
    enqueue_run(AS_OF, "hackney")
    run = Run.objects.get()
    assert run.status == Run.Status.DONE and run.accounts == 3


def test_enqueue_run_queues_in_the_database(ledger):
    from django_tasks_db.models import DBTaskResult

    enqueue_run(AS_OF)
    assert DBTaskResult.objects.count() == 1
    assert Run.objects.count() == 0


def test_reasons_shared_between_processes_are_the_same(ledger, monkeypatch):
    from rentbook.engine.features import Source, build_features
    from rentbook.policy.loader import load_policy
    from rentbook.policy.vectorised import VectorEvaluator

    policy = load_policy("hackney")
    decided = VectorEvaluator(policy).decide(build_features(AS_OF, Source()))
    alone = services.explain(policy, decided)
    monkeypatch.setattr(services, "PARALLEL_FROM", 1)
    shared = services.explain(policy, decided)
    assert shared.to_list() == alone.to_list()
    assert any("arrears" in text for text in shared.to_list())
