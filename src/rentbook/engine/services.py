"""The arrears run: snapshot → decide → store, once per (as-of day, policy).

``run_arrears`` is the one entry point (the ``rentbook run`` command, the task behind the
site's button and the weekly schedule all call it). It reads every open account's facts
(features.py), decides them all with the vectorised evaluator, asks the per-account evaluator
for the reasons of every account whose action is not the policy's default, and writes one
Recommendation per account in one transaction: all of them, or (when anything fails) none,
with the run marked failed and the error kept as its message.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rentbook.audit.services import record
from rentbook.engine.features import Source, build_features
from rentbook.engine.models import Recommendation, Run
from rentbook.engine.signals import run_done
from rentbook.ledger.calendar import week_start
from rentbook.ledger.models import Checkpoint
from rentbook.ledger.positions import bulk_insert, checkpoints_before, refresh_checkpoints
from rentbook.policy.checker import names_used
from rentbook.policy.evaluate import Evaluator
from rentbook.policy.facts import FACTS, facts_from_row
from rentbook.policy.loader import find_policy, load_policy
from rentbook.policy.model import Policy, Rule
from rentbook.policy.vectorised import VectorEvaluator

Progress = Callable[[int, int], None]

#: A checkpoint older than this before the as-of week is brought forward before a run.
STALE_CHECKPOINT = timedelta(weeks=4)
#: A run still "running" after this long is taken to have died, and may be started again.
ABANDONED_AFTER = timedelta(hours=2)
NO_RULE = ["no rule applies"]


class RunInProgress(Exception):
    """A run for the same day and policy is being made now."""


def policy_name(policy: str | None) -> str:
    return policy or settings.RENTBOOK_POLICY


def latest_run(policy: str | None = None) -> Run | None:
    """The latest finished run of the policy (the configured one when None)."""
    name = load_policy(policy_name(policy)).name
    return Run.objects.filter(policy=name, status=Run.Status.DONE).order_by("-as_of", "-id").first()


def _start(as_of: date, name: str, sha: str, started_by: Any) -> Run | None:
    """The run row to fill, marked running; None if a done run already exists."""
    now = timezone.now()
    user = started_by if getattr(started_by, "pk", None) else None
    with transaction.atomic():
        run = Run.objects.select_for_update().filter(as_of=as_of, policy=name).first()
        if run is not None and run.status == Run.Status.DONE:
            return None
        running = run is not None and run.status == Run.Status.RUNNING
        if running and now - run.started_at < ABANDONED_AFTER:  # type: ignore[union-attr]
            raise RunInProgress(f"the {name} run as of {as_of} is already being made")
        if run is None:
            run = Run(as_of=as_of, policy=name)
        run.policy_sha256 = sha
        run.status = Run.Status.RUNNING
        run.started_at = now
        run.finished_at = None
        run.started_by = user
        run.accounts = 0
        run.seconds = None
        run.message = ""
        run.save()
        record(
            "run.start",
            object_type="engine.Run",
            object_id=str(run.pk),
            summary=f"{name} arrears run as of {as_of} started",
            after={"as_of": as_of.isoformat(), "policy": name, "policy_sha256": sha},
            actor=user,
        )
    return run


def checkpoint_for(as_of: date) -> Checkpoint | None:
    """A ledger checkpoint before the as-of week, brought forward if it is stale."""
    monday = week_start(as_of)
    checkpoint = checkpoints_before(monday)
    if checkpoint is None or checkpoint.as_at < monday - STALE_CHECKPOINT:
        checkpoint = refresh_checkpoints(monday - timedelta(days=1))
    return checkpoint


def run_arrears(
    as_of: date,
    policy: str | None = None,
    *,
    started_by=None,  # type: ignore[no-untyped-def]
    progress: Progress | None = None,
) -> Run:
    """Decide every open account as of ``as_of`` and store the run; see the module doc.

    Idempotent: when a done run for (as_of, policy) exists it is returned unchanged.
    Raises PolicyError for a policy that does not load, RunInProgress, or the error that
    failed the run (after marking it failed).
    """
    name_or_path = policy_name(policy)
    loaded = load_policy(name_or_path)
    sha = hashlib.sha256(find_policy(name_or_path).read_bytes()).hexdigest()
    done = Run.objects.filter(as_of=as_of, policy=loaded.name, status=Run.Status.DONE).first()
    if done is not None:
        return done
    run = _start(as_of, loaded.name, sha, started_by)
    if run is None:
        return Run.objects.get(as_of=as_of, policy=loaded.name)
    clock = time.perf_counter()
    try:
        with transaction.atomic():
            counts = _decide_and_store(run, loaded, as_of, progress)
            run.status = Run.Status.DONE
            run.finished_at = timezone.now()
            run.seconds = round(time.perf_counter() - clock, 3)
            run.save()
            record(
                "run.done",
                object_type="engine.Run",
                object_id=str(run.pk),
                summary=f"{loaded.name} arrears run as of {as_of}: {run.accounts:,} accounts",
                after={
                    "as_of": as_of.isoformat(),
                    "policy": loaded.name,
                    "accounts": run.accounts,
                    "seconds": run.seconds,
                    "actions": counts,
                },
                actor=run.started_by,
            )
    except Exception as e:
        run.status = Run.Status.FAILED
        run.finished_at = timezone.now()
        run.seconds = round(time.perf_counter() - clock, 3)
        run.accounts = 0
        run.message = f"{type(e).__name__}: {e}"[:2000]
        run.save()
        record(
            "run.failed",
            object_type="engine.Run",
            object_id=str(run.pk),
            summary=f"{loaded.name} arrears run as of {as_of} failed",
            after={"as_of": as_of.isoformat(), "policy": loaded.name, "message": run.message},
            actor=run.started_by,
        )
        raise
    run_done.send(sender=Run, run=run)
    return run


def _decide_and_store(
    run: Run, policy: Policy, as_of: date, progress: Progress | None
) -> dict[str, int]:
    frame = build_features(as_of, Source(checkpoint_for(as_of)))
    from rentbook.risk.scoring import FACTS, score  # the run's snapshot is the score's input

    scored = score(frame, as_of)
    if scored is not None:
        frame = frame.drop(*FACTS).join(scored, on="account_id", how="left", maintain_order="left")
    else:
        frame = frame.with_columns(risk_scores=pl.lit("{}"))
    total = frame.height
    if progress:
        progress(0, total)
    decided = VectorEvaluator(policy).decide(frame)
    reasons = explain(policy, decided, progress)
    out = decided.select(
        pl.lit(run.pk, dtype=pl.Int64).alias("run_id"),
        "account_id",
        "patch_id",
        "action",
        "category",
        "priority",
        pl.col("rule").fill_null(""),
        reasons.alias("reasons"),
        pl.col("arrears").fill_null(0).alias("balance"),
        pl.col("weekly_charge").fill_null(0),
        pl.col("ledger_benefit").alias("benefit"),
        pl.col("risk_arrears").cast(pl.Int16).alias("risk"),
        # kept for runs before every score had its inputs kept; reasons are worked out when shown
        pl.lit("[]").alias("risk_reasons"),
        pl.col("risk_scores").fill_null("{}"),
    )
    bulk_insert(Recommendation._meta.db_table, out.columns, out)
    run.accounts = total
    if progress:
        progress(total, total)
    counts = decided.group_by("action").len().sort("action")
    return {a: n for a, n in counts.iter_rows()}


#: From this many accounts to explain, the work is shared between processes (one per CPU).
PARALLEL_FROM = 5_000
_JOB: tuple = ()  # (policy, row chunks) for forked workers, which inherit it


def _explain_rows(policy: Policy, rows: list[dict]) -> list[str]:
    """Reasons (JSON text) for rows a rule decided, each checked to hold for that rule."""
    evaluator = Evaluator(policy)
    rules = {
        rule.id: (rule, fn, _derived_for(policy, evaluator, rule)) for rule, fn in evaluator.rules
    }
    out = []
    for row in rows:
        rule, holds, derived = rules[row["rule"]]
        env = facts_from_row(row)
        for name, fn in derived:  # only the derived facts this rule reads, in order
            env[name] = fn(env)
        # the vectorised evaluator picked the first rule that holds; this one must hold
        if not holds(env):
            raise AssertionError(
                f"account {row['account_id']}: rule {rule.id} was chosen but does not hold"
            )
        out.append(json.dumps(list(dict.fromkeys(evaluator.explain(rule.when, env, True)))))
    return out


def _derived_for(policy: Policy, evaluator: Evaluator, rule: Rule) -> list:
    """The derived facts a rule reads, directly or through others, in computing order."""
    by_name = {d.name: d for d in policy.derived}
    needed: set[str] = set()
    todo = list(names_used(rule.when))
    while todo:
        name = todo.pop()
        if name in by_name and name not in needed:
            needed.add(name)
            todo += names_used(by_name[name].expr)
    return [(name, fn) for name, fn in evaluator.derived if name in needed]


def _explain_chunk(k: int) -> list[str]:
    policy, chunks = _JOB
    return _explain_rows(policy, chunks[k])


def explain(policy: Policy, decided: pl.DataFrame, progress: Progress | None = None) -> pl.Series:
    """Each account's reasons as JSON text: the per-account evaluator's plain-English facts
    for every account a rule decided; the default action's "no rule applies" otherwise.

    The vectorised evaluator's rule must hold for the per-account evaluator too (the two are
    proven to agree by property tests); if not, the run fails rather than store a decision
    it cannot explain. Only the chosen rule is explained, not every rule before it. With many
    accounts the rows are shared between forked processes (pure Python: the rows are turned
    into dicts before forking, so no Polars runs in a child).
    """
    global _JOB
    total = decided.height
    reasons = [json.dumps(NO_RULE)] * total
    ruled = decided.with_row_index("__row").filter(pl.col("rule").is_not_null())
    wanted = ["account_id", "rule", *[c for c in ruled.columns if c in FACTS]]
    at = ruled.get_column("__row").to_list()
    rows = ruled.select(wanted).rows(named=True)
    workers = min(os.cpu_count() or 1, 4)
    if len(rows) >= PARALLEL_FROM and workers > 1 and "fork" in mp.get_all_start_methods():
        size = -(-len(rows) // (workers * 4))
        chunks = [rows[i : i + size] for i in range(0, len(rows), size)]
        _JOB = (policy, chunks)
        try:
            with mp.get_context("fork").Pool(workers) as pool:
                done = 0
                explained: list[str] = []
                for part in pool.imap(_explain_chunk, range(len(chunks))):
                    explained += part
                    done += len(part)
                    if progress:
                        progress(done, total)
        finally:
            _JOB = ()
    else:
        explained = _explain_rows(policy, rows)
    for i, text in zip(at, explained, strict=True):
        reasons[i] = text
    return pl.Series("reasons", reasons, dtype=pl.Utf8)


def enqueue_run(as_of: date, policy: str | None = None, *, started_by=None):  # type: ignore[no-untyped-def]
    """Schedule ``run_arrears`` through the task runner; returns the task result."""
    from rentbook.engine.tasks import arrears_run

    user_id = getattr(started_by, "pk", None)
    return arrears_run.enqueue(as_of.isoformat(), policy_name(policy), user_id)
